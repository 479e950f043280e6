"""Hostile input: every public function gives a documented result or a zonenlp error."""

from __future__ import annotations

import io
import re
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import zonenlp
from zonenlp import InputTypeError, InputValueError, ZonenlpError
from zonenlp.cli import main

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ODD_TEXTS = [
    "", " ", "\u200b\u200c\u200d\ufeff", "。，！？；", "1234567890", "only English words here", "😀🚀🏭" * 5,
    "\x00\x01\x07\x1b", "e\u0301\u0308", "\u202e招商引资\u202c", "\u200f人才公寓", "\ud800", "招" * 5000,
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_texts_give_documented_results(shipped_model, text):
    tokens = zonenlp.tokenize(text)
    assert isinstance(tokens, list) and all(isinstance(t, str) and t.strip() for t in tokens)
    assert isinstance(zonenlp.keywords(text), list)
    assert isinstance(zonenlp.figures(text), list)
    assert isinstance(zonenlp.read_page(text), list)
    [themes] = shipped_model.predict_labels([text])
    assert set(themes) <= set(shipped_model.classes_)
    assert set(shipped_model.explain(text)) == set(themes)
    if not zonenlp.normalize(text):  # nothing left: no themes, no keywords
        assert themes == [] and zonenlp.keywords(text) == [] and tokens == []


@FAST
@given(st.text(max_size=300))
@example("\u3000\n\n本报讯（记者 张三）")
@example("《》“”（）——：")
def test_any_unicode_text(shipped_model, text):
    zonenlp.normalize(text)
    zonenlp.split_paragraphs(text)
    zonenlp.tokenize(text)
    for word, score in zonenlp.keywords(text, k=5):
        assert isinstance(word, str) and word and isinstance(score, float)
    clean = zonenlp.normalize(text)
    for figure in zonenlp.figures(text):
        assert clean[figure.start : figure.end] == figure.text
    for article in zonenlp.read_page(text):
        assert all(isinstance(p, str) and p for p in article.paragraphs)
    proba = shipped_model.predict_proba([text])
    assert proba.shape == (1, 4) and np.all((proba >= 0) & (proba <= 1))
    shipped_model.explain(text, k=3)


MIXED = st.one_of(st.text(max_size=40), st.none(), st.integers(), st.floats(allow_nan=True), st.binary(max_size=10), st.booleans())


@FAST
@given(st.lists(MIXED, max_size=8))
def test_lists_of_mixed_values(shipped_model, values):
    bad = [i for i, v in enumerate(values) if not isinstance(v, str)]
    if bad:
        with pytest.raises(InputTypeError, match=rf"texts\[{bad[0]}\]"):
            shipped_model.predict(values)
        with pytest.raises(InputTypeError, match=rf"texts\[{bad[0]}\]"):
            shipped_model.predict_proba(values)
    else:
        assert len(shipped_model.predict(values)) == len(values)


def test_pandas_na_and_numpy_nan_name_their_index(shipped_model):
    pd = pytest.importorskip("pandas")
    with pytest.raises(InputTypeError, match=r"texts\[1\]"):
        shipped_model.predict(["招商引资", pd.NA])
    with pytest.raises(InputTypeError, match=r"texts\[0\]"):
        shipped_model.predict([np.nan])


@pytest.mark.parametrize("value", [None, b"bytes", 3, 2.5, ["list"]])
def test_single_text_functions_refuse_non_text(value):
    for function in (zonenlp.tokenize, zonenlp.keywords, zonenlp.figures, zonenlp.read_page, zonenlp.normalize, zonenlp.split_paragraphs):
        with pytest.raises(InputTypeError):
            function(value)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400))
@example("招商引資".encode("big5"))
@example(b"\xef\xbb\xbf\xe6\x8b\x9b")
def test_cli_never_crashes_on_bytes(data):
    for command in (["tag", "-", "--format", "jsonl"], ["keywords", "-", "--summary"]):
        stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
        sys.stdin = io.TextIOWrapper(io.BytesIO(data))
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        try:
            code = main(command)
            err = sys.stderr.getvalue()
        finally:
            sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        assert code in (0, 2)
        assert "Traceback" not in err
        if code == 2:
            assert err.startswith("zonenlp: error:")


def test_too_long_input_is_refused_with_the_documented_error(shipped_model):
    ten_megabytes = "招商引资签约项目。" * (10_000_000 // 27)
    started = time.perf_counter()
    with pytest.raises(InputValueError, match="over the limit"):
        shipped_model.predict(["短文本", ten_megabytes])
    for function in (zonenlp.tokenize, zonenlp.keywords, zonenlp.figures, zonenlp.read_page):
        with pytest.raises(InputValueError, match="over the limit"):
            function(ten_megabytes)
    assert time.perf_counter() - started < 30  # refused up front, not after reading it all
    assert zonenlp.Tokenizer(max_chars=10).tokenize("招商引资") == ["招商引资"]
    with pytest.raises(InputValueError, match=r"texts\[0\]"):
        zonenlp.TfidfFeaturizer(tokenizer=zonenlp.Tokenizer(max_chars=10)).fit(["招" * 20])


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    import importlib

    found = []
    for name in ("text", "tokenizer", "features", "keyword_extraction", "quantities", "page", "cli", "classifier"):
        module = importlib.import_module(f"zonenlp.{name}")
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{name}.{attr}", value))
    from zonenlp.features import _lexicon_patterns

    found += [(f"features.lexicon.{theme}", pattern) for theme, pattern in _lexicon_patterns()]
    return found


ADVERSARIAL = [
    "1" * 100_000, "1." * 50_000, "1,1" * 33_334, "亿" * 100_000, "1亿" * 50_000, "“" * 100_000, "“招" * 50_000,
    "（" * 100_000, "（记者 张" * 20_000, "a " * 50_000, " " * 100_000, "—" * 100_000, "2024年3月" * 12_500,
    "百分之" * 33_334, "农历甲" * 33_334, "记者 张三 " * 16_667, "《" * 100_000, "|1 " * 33_334, "\n" * 100_000,
    "招商引资" * 25_000, "一" * 100_000, "三百" * 50_000, "百分之一" * 25_000,
]


@pytest.mark.parametrize("name,pattern", _patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_regular_expressions_stay_linear_on_adversarial_input(name, pattern):
    # a bytes pattern (the keyword extractor's over token classes) gets the same texts as bytes, and runs of classes
    texts = ADVERSARIAL if isinstance(pattern.pattern, str) else [t.encode() for t in ADVERSARIAL] + [b"\x02" * 100_000, b"\x02\x01" * 50_000]
    for text in texts:
        started = time.perf_counter()
        pattern.search(text)
        sum(1 for _ in pattern.finditer(text))
        pattern.match(text)
        assert time.perf_counter() - started < 5, f"{name} is slow on {text[:12]!r}…"


def test_a_model_serves_many_threads_at_once(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set]
    expected = shipped_model.predict_labels(texts)
    results, errors = [], []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(shipped_model.predict_labels(texts))
                zonenlp.keywords(texts[0])
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 24 and all(r == expected for r in results)


def _predict_in_worker(texts: list[str]) -> list[list[str]]:
    return zonenlp.load().predict_labels(texts)


def test_a_model_serves_several_processes(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set]
    with ProcessPoolExecutor(max_workers=2) as pool:
        halves = list(pool.map(_predict_in_worker, [texts[:25], texts[25:]]))
    assert halves[0] + halves[1] == shipped_model.predict_labels(texts)


def test_safe_format_loads_the_shipped_model_with_identical_predictions(tmp_path, shipped_model, seed_set):
    path = tmp_path / "model.npz"
    zonenlp.save(shipped_model, path)
    safe = zonenlp.load(path)
    texts = [r["text"] for r in seed_set]
    np.testing.assert_array_equal(safe.predict_proba(texts), shipped_model.predict_proba(texts))
    assert safe.predict_labels(texts) == shipped_model.predict_labels(texts)
    assert safe.explain(texts[1]) == shipped_model.explain(texts[1])
    assert zonenlp.read_manifest(path)["model_format"] == "safe"


def test_safe_format_reads_no_pickles(tmp_path, tiny_model):
    import hashlib
    import json

    path = tmp_path / "model.npz"
    zonenlp.save(tiny_model, path)
    # a file that would need pickle to read (an object array) is refused, even with a matching manifest
    with open(path, "wb") as fh:
        np.savez(fh, config=np.array([{"evil": 1}], dtype=object))
    manifest = json.loads(zonenlp.persistence.manifest_path(path).read_text(encoding="utf-8"))
    manifest["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    zonenlp.persistence.manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ZonenlpError, match="cannot load"):
        zonenlp.load(path)


@pytest.mark.parametrize("estimator", ["logreg", "nb"])
def test_safe_format_round_trip_for_other_estimators(tmp_path, tiny_corpus, estimator):
    texts, labels = tiny_corpus
    model = zonenlp.ThemeClassifier(estimator=estimator, threshold=0.5).fit(texts, labels)
    zonenlp.save(model, tmp_path / "m.npz")
    again = zonenlp.load(tmp_path / "m.npz")
    np.testing.assert_allclose(again.predict_proba(texts), model.predict_proba(texts), rtol=1e-6, atol=1e-9)


def test_safe_format_refuses_what_it_cannot_hold(tmp_path, tiny_corpus):
    from sklearn.tree import DecisionTreeClassifier

    texts, labels = tiny_corpus
    model = zonenlp.ThemeClassifier(estimator=DecisionTreeClassifier(), threshold=0.5).fit(texts, labels)
    with pytest.raises(zonenlp.ModelFileError, match="joblib"):
        zonenlp.save(model, tmp_path / "m.npz")


def test_a_safe_model_holds_its_weights_once_and_pickles(shipped_model, seed_set):
    """The estimators of a loaded safe model are views of the one matrix that predicts."""
    import pickle

    weights = shipped_model._linear_form().weights
    for estimator in shipped_model.estimators_:
        for w, *_ in estimator.linear_parts():
            assert np.shares_memory(w, weights)
    texts = [r["text"] for r in seed_set]
    again = pickle.loads(pickle.dumps(shipped_model))  # as sent to a spawned worker: the form is rebuilt
    np.testing.assert_array_equal(again.predict_proba(texts), shipped_model.predict_proba(texts))
