import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from zonenlp import InputTypeError, NotFittedError, TfidfFeaturizer


def test_word_and_char_blocks_side_by_side(tiny_corpus):
    texts, _ = tiny_corpus
    f = TfidfFeaturizer(min_df=1).fit(texts)
    names = f.get_feature_names_out()
    assert any(n.startswith("w:") for n in names) and any(n.startswith("c:") for n in names)
    X = f.transform(texts[:3])
    assert X.shape == (3, len(names))
    assert np.allclose(np.asarray(X.power(2).sum(axis=1)).ravel(), 2.0, atol=1e-4)  # two l2-normalised blocks


def test_numbers_become_placeholders(tiny_corpus):
    texts, _ = tiny_corpus
    names = set(TfidfFeaturizer(min_df=1, use_chars=False, word_ngram_range=(1, 1)).fit(texts).get_feature_names_out())
    assert "w:0亿元" in names and "w:56亿元" not in names
    raw = set(TfidfFeaturizer(min_df=1, use_chars=False, number_placeholder=False).fit(texts).get_feature_names_out())
    assert "w:56亿元" in raw


def test_words_only_and_chars_only(tiny_corpus):
    texts, _ = tiny_corpus
    assert all(n.startswith("w:") for n in TfidfFeaturizer(use_chars=False, min_df=1).fit(texts).get_feature_names_out())
    assert all(n.startswith("c:") for n in TfidfFeaturizer(use_words=False, min_df=1).fit(texts).get_feature_names_out())
    with pytest.raises(ValueError):
        TfidfFeaturizer(use_words=False, use_chars=False).fit(texts)


def test_stopwords_can_be_removed(tiny_corpus):
    texts, _ = tiny_corpus
    names = TfidfFeaturizer(min_df=1, use_chars=False, word_ngram_range=(1, 1), remove_stopwords=True).fit(texts).get_feature_names_out()
    assert "w:的" not in set(names)


def test_works_in_a_pipeline_clones_and_pickles(tiny_corpus):
    texts, labels = tiny_corpus
    y = [int("talent" in l) for l in labels]
    pipe = Pipeline([("features", TfidfFeaturizer(min_df=1)), ("clf", LogisticRegression())]).fit(texts, y)
    again = pickle.loads(pickle.dumps(pipe))
    assert list(again.predict(texts)) == list(pipe.predict(texts))
    assert clone(TfidfFeaturizer(char_ngram_range=(2, 4))).get_params()["char_ngram_range"] == (2, 4)


def test_errors_are_clear(tiny_corpus):
    with pytest.raises(NotFittedError):
        TfidfFeaturizer().transform(["文本"])
    with pytest.raises(InputTypeError, match="single str"):
        TfidfFeaturizer().fit("一段文本")
    with pytest.raises(InputTypeError, match=r"texts\[1\]"):
        TfidfFeaturizer().fit(["文本", None])


def test_fast_character_tfidf_equals_scikit_learns(shipped_model):
    import json

    from conftest import ROOT

    featurizer = shipped_model.featurizer_
    texts = [
        json.loads(line)["text"]
        for name in ("test", "seed")
        for line in (ROOT / "data" / "themes" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    texts += ["", "ABC  def\n\tGHI", "A", "ab", "😀招商\U0010ffff", "   "]
    chars = [d.chars for d in featurizer.analyze(texts)]
    fast = featurizer._char_tfidf(chars)
    slow = featurizer.char_vectorizer_.transform(chars)
    assert fast.shape == slow.shape and abs(fast - slow).max() == 0
