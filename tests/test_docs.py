"""The examples in zonenlp's docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["text", "tokenizer", "features", "classifier", "keyword_extraction", "quantities", "page", "analysis", "persistence", "batch", "cli", "records", "display"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"zonenlp.{name}")
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
