"""The examples in zonenlp's docstrings run and print what they say.

Every module of the package is searched; none may skip its examples wholesale,
and each module a user reads for its public functions must hold at least one
example that runs (the shipped model is available to them, as to a user).
"""

import doctest
import importlib
import pkgutil

import pytest

import zonenlp

MODULES = sorted(m.name for m in pkgutil.iter_modules(zonenlp.__path__) if m.name not in ("__main__", "resources", "_models"))
#: Modules with no example: errors and internals a user does not call.
WITHOUT_EXAMPLES = {
    "_estimator", "_ngram_tables", "_safe_format", "_version", "batch", "checkpoint", "cli", "commands", "corpus",
    "errors", "inference", "readers", "report", "thresholds", "workers",
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"zonenlp.{name}")
    tests = doctest.DocTestFinder().find(module)
    skipped = [t.name for t in tests for e in t.examples if e.options.get(doctest.SKIP)]
    assert not skipped, f"examples skipped in {skipped}"
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
    if name not in WITHOUT_EXAMPLES:
        assert attempted > 0, f"zonenlp.{name} has no example that runs"


def test_package_examples():
    failures, attempted = doctest.testmod(zonenlp, optionflags=doctest.ELLIPSIS)
    assert failures == 0 and attempted >= 4
