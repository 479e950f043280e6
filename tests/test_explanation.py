"""Explanations: the terms that drove each predicted theme, and the terms of each theme."""

import re

import pytest

from zonenlp import InputTypeError, InputValueError, TfidfFeaturizer, ThemeClassifier

INVESTMENT_WORDS = ("招商", "签约", "项目", "投资")


@pytest.fixture(scope="module")
def char_model(tiny_corpus):
    texts, labels = tiny_corpus
    return ThemeClassifier(
        featurizer=TfidfFeaturizer(use_words=False), threshold=0.5, label_order=("investment", "talent")
    ).fit(texts, labels)


def _sorted_and_positive(terms):
    weights = [w for _, w in terms]
    return weights == sorted(weights, reverse=True) and min(weights) > 0


def test_explain_names_the_terms_that_drove_each_theme(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    for text in (texts[0], texts[2]):  # two investment paragraphs of the tiny corpus
        explanation = tiny_model.explain(text, k=4)
        assert set(explanation) == set(tiny_model.predict_labels([text])[0]) == {"investment"}
        terms = explanation["investment"]
        assert 1 <= len(terms) <= 4 and _sorted_and_positive(terms)
        assert any(word in terms[0][0] for word in INVESTMENT_WORDS), terms  # the strongest term is an investment word
        assert all(term.replace(" ", "") in re.sub(r"\d+", "0", text) for term, _ in terms)  # terms of this text
    assert tiny_model.explain("全区地区生产总值增长6%") == {}


def test_explain_refuses_what_it_cannot_read(tiny_model):
    with pytest.raises(InputValueError):
        tiny_model.explain("招商", k=0)
    with pytest.raises(InputTypeError, match=r"^text must be str"):
        tiny_model.explain(None)
    limit = tiny_model.featurizer_.tokenizer_.max_chars
    with pytest.raises(InputValueError, match=r"^text is"):  # this text, not "texts[0]" of a list the caller never made
        tiny_model.explain("招" * (limit + 1))


def test_explain_of_a_character_model_names_the_words_of_the_text(char_model, tiny_corpus):
    texts, _ = tiny_corpus
    for text in texts[:6]:  # the investment paragraphs: their strongest term is an investment word
        terms = char_model.explain(text, k=4)["investment"]
        assert any(word in terms[0][0] for word in INVESTMENT_WORDS), terms
    text = "湘潭高新区召开招商引资推介会，现场签约项目12个"
    terms = dict(char_model.explain(text, k=20)["investment"])
    assert "招商引资" in terms and not {"招商", "商引", "引资"} & set(terms)  # one word, not its n-grams
    tokens = char_model.featurizer_.tokenizer_.tokenize(text)
    seen_as = re.sub(r"\d+", "0", text)  # how character n-grams see the text
    assert all(term in tokens or term in seen_as for term in terms)  # words, or n-grams across two words
    assert _sorted_and_positive(list(terms.items()))


def test_theme_keywords(tiny_model):
    top = tiny_model.theme_keywords(5)
    assert set(top) == {"investment", "talent"}
    for pairs in top.values():
        assert 0 < len(pairs) <= 5 and _sorted_and_positive(pairs)
    assert any("招商" in w for w, _ in top["investment"])
    assert not any("招商" in w for w, _ in top["talent"])


def test_theme_keywords_of_a_character_model_are_dictionary_words(char_model):
    top = char_model.theme_keywords(5)
    tokenizer = char_model.featurizer_.tokenizer_
    for pairs in top.values():
        assert 0 < len(pairs) <= 5 and _sorted_and_positive(pairs)
        assert all(len(term) >= 2 and tokenizer.is_word(term) for term, _ in pairs)
    assert "招商" in [term for term, _ in top["investment"]] and "人才" in [term for term, _ in top["talent"]]
    with pytest.raises(InputValueError):
        char_model.theme_keywords(0)


def test_explanations_need_linear_weights(tiny_corpus):
    from sklearn.tree import DecisionTreeClassifier

    texts, labels = tiny_corpus
    model = ThemeClassifier(estimator=DecisionTreeClassifier(random_state=0), threshold=0.5).fit(texts, labels)
    with pytest.raises(NotImplementedError, match="linear weights"):
        model.explain(texts[0])
    with pytest.raises(NotImplementedError, match="linear weights"):
        model.theme_keywords()
