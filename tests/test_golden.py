"""The current code gives what the code before the redesign (commit 44eb171) gave.

tests/fixtures/golden holds the outputs of that commit, written by
scripts/make_golden.py (see tests/fixtures/golden/README.md); here the same
functions of that script run on the current code and their outputs are compared
with the files: predictions on data/themes, and `zonenlp tag` and
`zonenlp batch --pages` of the seed page with the jieba and the rjieba backend.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "fixtures" / "golden"
TOLERANCE = 1e-6

#: Paragraphs of the seed page whose keywords differed between jieba and rjieba
#: at 44eb171 (as listed in tests/fixtures/golden/README.md): with rjieba, only
#: these may have other keywords than the golden files. None differed.
RJIEBA_KEYWORD_DIFFERENCES_TAG_INDEX: frozenset[int] = frozenset()
RJIEBA_KEYWORD_DIFFERENCES_BATCH_ID: frozenset[str] = frozenset()


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("make_golden", REPO / "scripts" / "make_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_golden = _load_script()


def _golden(name: str) -> list[dict[str, Any]]:
    return make_golden.parse_jsonl((GOLDEN / name).read_text(encoding="utf-8"))


def assert_close(expected: Any, actual: Any, where: str = "") -> None:
    """Equal, except that floats may differ by TOLERANCE."""
    if isinstance(expected, float) or isinstance(actual, float):
        assert isinstance(actual, (int, float)) and isinstance(expected, (int, float)), (where, expected, actual)
        assert math.isclose(expected, actual, rel_tol=0, abs_tol=TOLERANCE), (where, expected, actual)
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and list(expected) == list(actual), (where, expected, actual)
        for key in expected:
            assert_close(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(expected) == len(actual), (where, expected, actual)
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_close(e, a, f"{where}[{i}]")
    else:
        assert expected == actual, (where, expected, actual)


@pytest.fixture(scope="module")
def seed_outputs() -> dict[str, dict[str, list[dict[str, Any]]]]:
    return {
        backend: {
            "tag": make_golden.parse_jsonl(make_golden.tag_seed(backend, REPO)),
            "batch": make_golden.parse_jsonl(make_golden.batch_seed(backend, REPO)),
        }
        for backend in make_golden.BACKENDS
    }


def test_predictions_are_unchanged() -> None:
    golden = _golden("predictions.jsonl")
    current = make_golden.predictions(REPO)  # also checks that jieba and rjieba agree
    assert [(r["file"], r["id"]) for r in current] == [(r["file"], r["id"]) for r in golden]
    for old, new in zip(golden, current):
        assert new["themes"] == old["themes"], (old["file"], old["id"])
        assert_close(old["scores"], new["scores"], f"{old['file']}:{old['id']}")


@pytest.mark.parametrize("command", ["tag", "batch"])
def test_jieba_outputs_are_unchanged(seed_outputs: dict[str, Any], command: str) -> None:
    golden = _golden(f"{command}_seed_jieba.jsonl")
    assert_close(golden, seed_outputs["jieba"][command], f"{command} jieba")


@pytest.mark.parametrize(("command", "key", "allowed"), [
    ("tag", "index", RJIEBA_KEYWORD_DIFFERENCES_TAG_INDEX),
    ("batch", "id", RJIEBA_KEYWORD_DIFFERENCES_BATCH_ID),
])
def test_rjieba_outputs_are_unchanged(seed_outputs: dict[str, Any], command: str, key: str, allowed: frozenset[Any]) -> None:
    golden = _golden(f"{command}_seed_rjieba.jsonl")
    current = seed_outputs["rjieba"][command]
    assert len(current) == len(golden)
    differ = set()
    for old, new in zip(golden, current):
        assert_close({k: v for k, v in old.items() if k != "keywords"},
                     {k: v for k, v in new.items() if k != "keywords"}, f"{command} rjieba {old[key]}")
        try:
            assert_close(old["keywords"], new["keywords"])
        except AssertionError:
            differ.add(old[key])
    assert differ <= allowed, f"keywords changed on {sorted(differ - allowed)}"
