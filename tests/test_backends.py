"""The engines (zonenlp._engines): "auto" picks rjieba when it is installed, rjieba gives what
jieba gives, and load() picks rjieba for a model only when its manifest says it does."""

import json
import pickle
import sys

import pytest

import zonenlp
from conftest import ROOT

rjieba = pytest.importorskip("rjieba", reason="rjieba is not installed (no wheel for this platform)")

#: One of the few texts the two engines cut differently (from the training corpus).
ENGINES_DIFFER = "涵盖CAR-T细胞治疗"

CORPUS = [
    json.loads(line)["text"]
    for name in ("train", "test", "seed")
    for line in (ROOT / "data" / "themes" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
]


def test_token_parity_on_the_whole_corpus():
    import difflib

    slow, fast = zonenlp.Tokenizer(backend="jieba"), zonenlp.Tokenizer(backend="rjieba")
    matched = total = 0
    for text in CORPUS:
        a, b = slow.tokenize(text), fast.tokenize(text)
        matched += sum(m.size for m in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())
        total += max(len(a), len(b))
    assert matched / total >= 0.995


def test_prediction_parity_on_the_whole_corpus():
    slow = zonenlp.load(backend="jieba")
    fast = zonenlp.load(backend="rjieba")
    assert (slow.backend, fast.backend) == ("jieba", "rjieba")
    same = sum(a == b for a, b in zip(slow.predict_labels(CORPUS), fast.predict_labels(CORPUS)))
    assert same / len(CORPUS) >= 0.995


def test_prediction_parity_of_a_model_with_words():
    """The shipped model reads characters, so its parity says nothing about segmentation;
    a model of words depends on every token, and must agree as well."""
    import copy

    from zonenlp.corpus import read_labelled, texts_and_labels

    texts, labels = texts_and_labels(read_labelled(ROOT / "data" / "themes" / "train.jsonl"))
    featurizer = zonenlp.TfidfFeaturizer(use_chars=False, tokenizer=zonenlp.Tokenizer(backend="jieba"))
    words = zonenlp.ThemeClassifier(featurizer=featurizer, threshold=0.5).fit(texts, labels)
    assert words.backend == "jieba"
    fast = copy.deepcopy(words).use_backend("rjieba")
    same = sum(a == b for a, b in zip(words.predict_labels(CORPUS), fast.predict_labels(CORPUS)))
    assert same / len(CORPUS) >= 0.995


def test_load_picks_the_fast_backend_when_the_manifest_vouches_for_it(tmp_path):
    assert zonenlp.load().backend == "rjieba"
    assert zonenlp.read_manifest()["notes"]["backend_parity"]["rjieba"]["prediction_agreement"] >= 0.995
    # a model whose manifest records no parity keeps the backend it was trained with
    model = zonenlp.load(backend="jieba")
    zonenlp.save(model, tmp_path / "m.joblib")
    assert zonenlp.load(tmp_path / "m.joblib").backend == "jieba"


def test_auto_is_rjieba_when_it_is_installed():
    tokenizer = zonenlp.Tokenizer()
    assert (tokenizer.backend, tokenizer.resolved_backend) == ("auto", "rjieba")
    assert zonenlp.Tokenizer(backend="jieba").resolved_backend == "jieba"
    assert "backend='auto'" in repr(tokenizer)  # the setting stays what was given
    assert tokenizer.tokenize(ENGINES_DIFFER) == ["涵盖", "CAR-T", "细胞", "治疗"]  # rjieba's tokens
    # a model trained with the default tokenizer says which engine it segments with
    model = zonenlp.ThemeClassifier(featurizer=zonenlp.TfidfFeaturizer(use_chars=False), threshold=0.5)
    from conftest import TINY

    model.fit([t for t, _ in TINY], [labels for _, labels in TINY])
    assert model.backend == "rjieba"


@pytest.fixture
def without_rjieba(monkeypatch):
    """As if rjieba were not installed (no wheel for this platform): importing it fails."""
    from zonenlp.tokenizer import _build_engine

    monkeypatch.setitem(sys.modules, "rjieba", None)
    _build_engine.cache_clear()
    yield
    _build_engine.cache_clear()


def test_auto_falls_back_to_jieba_without_rjieba(without_rjieba):
    with pytest.raises(ImportError):
        import rjieba  # noqa: F401
    tokenizer = zonenlp.Tokenizer()
    assert tokenizer.resolved_backend == "jieba"
    assert tokenizer.tokenize(ENGINES_DIFFER) == ["涵盖", "CAR", "T", "细胞", "治疗"]  # jieba's tokens
    assert tokenizer.word_frequency("招商") == 595  # jieba's count, read without rjieba
    assert zonenlp.load().backend == "jieba"  # load's auto falls back too


def test_backend_errors(without_rjieba):
    with pytest.raises(zonenlp.InputValueError, match="backend"):
        zonenlp.Tokenizer(backend="hanlp").tokenize("招商")
    with pytest.raises(zonenlp.MissingDependencyError, match=r"pip install 'zonenlp\[fast\]'"):
        zonenlp.Tokenizer(backend="rjieba", extra_words=["未缓存"]).tokenize("招商")
    with pytest.raises(zonenlp.MissingDependencyError, match=r"backend='jieba'"):
        zonenlp.load(backend="rjieba")  # asked for outright: refused at load, not at the first keyword


def test_use_backend_checks_the_name_and_builds_no_dictionary():
    from zonenlp.tokenizer import _build_engine

    model = zonenlp.load(backend="jieba")
    with pytest.raises(zonenlp.InputValueError, match="backend"):
        model.use_backend("hanlp")
    assert model.backend == "jieba"
    _build_engine.cache_clear()
    try:
        model.use_backend("rjieba")
        assert model.backend == "rjieba" and _build_engine.cache_info().currsize == 0  # built when first needed
        model.predict(["园区签约项目5个"])
        if model.featurizer_.word_terms_ is None:  # a model of characters segments nothing to predict
            assert _build_engine.cache_info().currsize == 0
        assert model.featurizer_.tokenizer.tokenize("招商引资")
        assert _build_engine.cache_info().currsize == 1
    finally:
        _build_engine.cache_clear()


def test_fast_tokenizer_pickles_and_keeps_the_domain_dictionary():
    fast = pickle.loads(pickle.dumps(zonenlp.Tokenizer(backend="rjieba")))
    assert fast.backend == "rjieba"
    assert fast.tokenize("湘潭高新区把招商引资作为一把手工程，引进双创人才")[:3] == ["湘潭高新区", "把", "招商引资"]
    assert "双创人才" in fast.tokenize("引进双创人才")
