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


@pytest.mark.parametrize("settings", [
    {},
    {"remove_stopwords": True, "word_ngram_range": (1, 3), "char_ngram_range": (2, 3)},
    {"word_ngram_range": (1, 1), "char_ngram_range": (2, 4)},
])
def test_transform_equals_scikit_learns_tfidf(settings):
    """zonenlp counts n-grams in numpy; the rows must be scikit-learn's TfidfVectorizer's."""
    import json

    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    from conftest import ROOT
    from zonenlp.features import _WordNgrams
    from zonenlp.tokenizer import load_stopwords

    texts = [
        json.loads(line)["text"]
        for name in ("test", "seed")
        for line in (ROOT / "data" / "themes" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    odd = ["", "ABC  def\n\tGHI", "A", "ab", "😀招商\U0010ffff", "   ", "，。！", "新 新 新 新"]
    featurizer = TfidfFeaturizer(**settings).fit(texts[:300])
    docs = featurizer._analyze(texts[:300])
    dropped = load_stopwords() if settings.get("remove_stopwords") else ()
    words = TfidfVectorizer(analyzer=_WordNgrams(featurizer.word_ngram_range, dropped), lowercase=False, min_df=2,
                            sublinear_tf=True, dtype=np.float32).fit([d.words for d in docs])
    chars = TfidfVectorizer(analyzer="char", ngram_range=featurizer.char_ngram_range, min_df=2, sublinear_tf=True,
                            dtype=np.float32).fit([d.chars for d in docs])
    assert list(featurizer.word_terms_) == list(words.get_feature_names_out())
    unseen = featurizer._analyze(texts[300:] + odd)
    expected = sp.hstack([words.transform([d.words for d in unseen]), chars.transform([d.chars for d in unseen])]).tocsr()
    got = featurizer._transform_analyzed(unseen)
    assert got.shape == expected.shape and got.nnz == expected.nnz
    assert abs(got - expected).max() < 1e-6  # float32 sums in another order: equal to the last bits


@pytest.mark.parametrize("settings", [{}, {"use_words": False}, {"use_chars": False}, {"lexicon_weight": 0.5}])
def test_rows_do_not_depend_on_how_a_batch_is_sliced(tiny_corpus, monkeypatch, settings):
    from zonenlp import features

    texts, _ = tiny_corpus
    featurizer = TfidfFeaturizer(**settings).fit(texts)
    docs = featurizer._analyze(texts + ["招商" * 40, "", "人才"])  # one text longer than the small limit below
    whole = featurizer._transform_rows(docs)
    monkeypatch.setattr(features, "_SLICE_ITEMS", 15)
    assert len(features._slices(docs, 15)) > len(docs) // 2
    sliced = featurizer._transform_rows(docs)
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(sliced, name), getattr(whole, name))
    assert sliced.shape == whole.shape == (len(docs), featurizer.n_features_out_)
    assert featurizer._transform_rows([]).shape == (0, featurizer.n_features_out_)


def test_the_public_surface_is_scikit_learns():
    public = {name for name in dir(TfidfFeaturizer) if not name.startswith("_")}
    assert public == {"fit", "transform", "fit_transform", "get_feature_names_out", "get_params", "set_params", "tokenizer_"}


def test_tokenizer_is_known_once_fitted(tiny_corpus):
    from zonenlp import Tokenizer
    from zonenlp.tokenizer import default_tokenizer

    texts, _ = tiny_corpus
    with pytest.raises(NotFittedError):
        TfidfFeaturizer().tokenizer_
    assert not hasattr(TfidfFeaturizer(), "tokenizer_")  # a fitted attribute, as scikit-learn's
    own = Tokenizer(extra_words=("链式招商",))
    assert TfidfFeaturizer(tokenizer=own, use_words=False, min_df=1).fit(texts).tokenizer_ is own
    assert TfidfFeaturizer(use_words=False, min_df=1).fit(texts).tokenizer_ is default_tokenizer()


def test_what_scikit_learns_data_checks_verify_holds_on_texts(tiny_corpus):
    """scikit-learn's data checks feed numeric arrays, which a text featurizer refuses
    (see test_estimator): the same properties, on texts."""
    texts, _ = tiny_corpus
    featurizer = TfidfFeaturizer(min_df=1)
    params = featurizer.get_params()
    assert featurizer.fit(texts) is featurizer and featurizer.get_params() == params  # fit returns self, keeps its parameters
    X = featurizer.transform(texts)
    assert X.dtype == np.float32 and X.shape == (len(texts), featurizer.n_features_out_)
    assert (featurizer.fit_transform(texts) != X).nnz == 0  # fitting again gives the same rows
    assert (featurizer.transform(texts[::-1])[::-1] != X).nnz == 0  # a row does not depend on the order ...
    assert (featurizer.transform(texts[3:7]) != X[3:7]).nnz == 0  # ... or on the other texts of the batch
    assert (pickle.loads(pickle.dumps(featurizer)).transform(texts) != X).nnz == 0
    with pytest.raises(NotFittedError):
        TfidfFeaturizer().get_feature_names_out()


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("招商引資AbＣ１2 \t\n\r\u3000\u00a0\u2028\u200b，。")), max_size=40))
def test_character_text_holds_no_run_of_white_space(text):
    # the transform lowercases the characters as scikit-learn does, and relies on this for
    # the rest of scikit-learn's preprocessing (runs of white space made one space)
    import re

    (doc,) = TfidfFeaturizer(use_words=False)._analyze([text])
    assert re.search(r"\s\s", doc.chars) is None
