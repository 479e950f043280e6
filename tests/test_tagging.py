"""Tags for people: themes and unrounded scores, for lists and streams; rounding where output is written."""

import pytest

from zonenlp import InputTypeError, ThemeClassifier
from zonenlp.tagging import SCORE_DECIMALS, rounded_scores


def test_a_tag_is_the_labels_and_the_probabilities(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    tags = tiny_model.tag(texts)
    proba = tiny_model.predict_proba(texts)
    assert [t["themes"] for t in tags] == tiny_model.predict_labels(texts)
    assert [[t["scores"][label] for label in tiny_model.classes_] for t in tags] == proba.tolist()
    assert tiny_model.tag([]) == []


def test_tag_many_streams_what_tag_gives(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    stream = tiny_model.tag_many(iter(texts), batch_size=4)
    assert not isinstance(stream, list) and list(stream) == tiny_model.tag(texts)
    with pytest.raises(InputTypeError, match=r"texts\[2\]"):
        list(tiny_model.tag_many(iter(["招商", "人才", None]), batch_size=2))


def test_a_model_of_features_tags_matrices_but_streams_no_texts(tiny_model, tiny_corpus):
    texts, labels = tiny_corpus
    X = tiny_model.featurizer_.transform(texts)
    model = ThemeClassifier(threshold=0.5).fit(X, labels)
    assert [t["themes"] for t in model.tag(X)] == model.predict_labels(X)
    with pytest.raises(NotImplementedError, match="fitted on texts"):
        model.tag_many(iter(texts))


def test_scores_are_rounded_only_for_output():
    scores = {"investment": 0.123456789, "talent": 0.99995}
    assert rounded_scores(scores) == {"investment": round(0.123456789, SCORE_DECIMALS), "talent": 1.0}
    assert SCORE_DECIMALS == 4  # what zonenlp tag and zonenlp batch have always printed (tests/test_golden.py)
