import pickle
import re

import numpy as np
import pytest

from zonenlp import InputTypeError, InputValueError, NotFittedError, TfidfFeaturizer, ThemeClassifier, TrainingDataError
from zonenlp.classifier import multilabel_scores


def test_fit_predict_shapes_and_label_order(tiny_model, tiny_corpus):
    texts, labels = tiny_corpus
    assert tiny_model.labels == ("investment", "talent")
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (len(texts), 2) and ((proba >= 0) & (proba <= 1)).all()
    predicted = tiny_model.predict(texts)
    assert all(set(p) <= {"investment", "talent"} for p in predicted)
    assert tiny_model.evaluate(texts, labels)["micro_f1"] > 0.8  # it learned its own training data


def test_thresholds_are_chosen_by_cross_validation(tiny_corpus):
    texts, labels = tiny_corpus
    model = ThemeClassifier(cv=3).fit(texts, labels)
    assert model.cv_scores_ is not None and model.cv_scores_["n"] == len(texts)
    assert ((model.thresholds_ > 0) & (model.thresholds_ < 1)).all()
    assert ThemeClassifier(threshold=0.5).fit(texts, labels).cv_scores_ is None


def test_multilabel_and_empty_predictions(tiny_model):
    both = tiny_model.predict(["科技招商引进人才团队项目，一个人才带来一个项目，签约人才项目5个"])[0]
    assert set(both) == {"investment", "talent"}
    assert tiny_model.predict(["全区地区生产总值增长6%"]) == [[]]


@pytest.mark.parametrize("n_labels", [4, 16])  # 16: too many for one int64 pattern per row
def test_labels_are_those_over_threshold_most_probable_first(n_labels):
    rng = np.random.default_rng(0)
    model = ThemeClassifier()
    model.classes_ = np.array([f"label{j}" for j in range(n_labels)])
    model.thresholds_ = rng.uniform(0.2, 0.8, n_labels)
    proba = rng.choice([0.1, 0.5, 0.9, 0.95], size=(500, n_labels))  # ties, none and several over
    expected = [
        [str(model.classes_[j]) for j in sorted(range(n_labels), key=lambda j: (-row[j], j)) if row[j] >= model.thresholds_[j]]
        for row in proba
    ]
    labels = model._labels_from_proba(proba)
    assert labels == expected and len({len(l) for l in labels}) > 2
    labels[0].append("changed")  # each row has a list of its own
    assert "changed" not in labels[1] + model._labels_from_proba(proba)[0]


def test_a_refit_model_predicts_with_its_new_weights():
    texts = ["招商签约项目", "人才公寓入住", "招商推介会", "人才引进政策"] * 4
    first, swapped = [["a"], ["b"], ["a"], ["b"]] * 4, [["b"], ["a"], ["b"], ["a"]] * 4
    model = ThemeClassifier(threshold=0.5, featurizer=TfidfFeaturizer(min_df=1)).fit(texts, first)
    assert model.predict(["招商签约"]) == [["a"]]
    assert model.fit(texts, swapped).predict(["招商签约"]) == [["b"]]  # not the first fit's cached weights


def test_any_label_set_trains():
    texts = ["今天晴朗无云", "明天有大雨", "球队赢得比赛", "运动员打破纪录", "阳光明媚气温高", "比赛进入加时"] * 2
    labels = [["weather"], ["weather"], ["sport"], ["sport"], ["weather"], ["sport"]] * 2
    model = ThemeClassifier(threshold=0.5, featurizer=None).fit(texts, labels)
    assert model.labels == ("sport", "weather")
    assert model.predict(["大雨和阳光"])[0] == ["weather"]


def test_threshold_mapping_and_float():
    texts = ["招商签约", "人才引进", "招商推介", "人才公寓"] * 3
    labels = [["a"], ["b"], ["a"], ["b"]] * 3
    m = ThemeClassifier(threshold={"a": 0.3, "b": 0.7}).fit(texts, labels)
    assert list(m.thresholds_) == [0.3, 0.7]
    with pytest.raises(InputValueError):
        ThemeClassifier(threshold={"a": 0.3}).fit(texts, labels)


def test_few_examples_fall_back_to_half_with_a_warning():
    texts = ["招商签约项目", "人才公寓入住", "招商推介会", "道路建设"]
    with pytest.warns(UserWarning, match="threshold 0.5"):
        m = ThemeClassifier(featurizer=TfidfFeaturizer(min_df=1)).fit(texts, [["a"], ["b"], ["a"], []])
    assert list(m.thresholds_) == [0.5, 0.5]


@pytest.mark.parametrize("estimator", ["svm", "nb"])
def test_other_estimators(tiny_corpus, estimator):
    texts, labels = tiny_corpus
    m = ThemeClassifier(estimator=estimator, cv=3).fit(texts, labels)
    assert m.predict_proba(texts).shape == (len(texts), 2)
    assert m.explain(texts[0], k=3) is not None


def test_groups_keep_folds_apart(tiny_corpus):
    texts, labels = tiny_corpus
    groups = [i // 2 for i in range(len(texts))]
    m = ThemeClassifier(cv=3).fit(texts, labels, groups=groups)
    assert m.cv_scores_["n"] == len(texts)


def test_too_little_text_for_min_df_is_a_clear_error():
    with pytest.raises(TrainingDataError, match="min_df"):
        ThemeClassifier(threshold=0.5).fit(["甲", "乙"], [["x"], []])


def test_training_data_errors():
    with pytest.raises(TrainingDataError, match="no labels"):
        ThemeClassifier().fit(["a", "b"], [[], []])
    with pytest.raises(TrainingDataError, match="positive"):
        ThemeClassifier().fit(["a", "b"], [["x"], ["x"]])
    with pytest.raises(TrainingDataError, match="label_order"):
        ThemeClassifier(label_order=["x"]).fit(["a", "b"], [["x"], ["y"]])
    with pytest.raises(InputValueError, match="2 texts but 1"):
        ThemeClassifier().fit(["a", "b"], [["x"]])
    with pytest.raises(InputTypeError, match=r"label_lists\[0\]"):
        ThemeClassifier().fit(["a", "b"], ["x", []])
    with pytest.raises(InputValueError, match="unknown estimator"):
        ThemeClassifier(estimator="forest", threshold=0.5).fit(["招商", "人才"] * 3, [["x"], []] * 3)


def test_prediction_errors(tiny_model):
    with pytest.raises(NotFittedError):
        ThemeClassifier().predict(["文本"])
    with pytest.raises(InputTypeError, match="single str"):
        tiny_model.predict("一段文本")
    with pytest.raises(InputTypeError, match=r"texts\[2\]"):
        tiny_model.predict(["甲", "乙", float("nan")])
    assert tiny_model.predict([]) == []
    assert tiny_model.predict_proba([]).shape == (0, 2)
    assert tiny_model.predict(["", " \u200b "]) == [[], []]
    assert not tiny_model.predict_proba([""]).any()


def test_explain_names_the_terms_that_drove_each_theme(tiny_model):
    text = "高新区招商小分队赴深圳开展招商活动，签约项目6个"
    explanation = tiny_model.explain(text, k=4)
    assert set(explanation) == set(tiny_model.predict([text])[0]) == {"investment"}
    terms = explanation["investment"]
    assert 1 <= len(terms) <= 4
    assert all(w > 0 for _, w in terms)
    assert any("招商" in t for t, _ in terms)
    assert tiny_model.explain("全区地区生产总值增长6%") == {}
    with pytest.raises(InputValueError):
        tiny_model.explain(text, k=0)
    with pytest.raises(InputTypeError, match=r"^text must be str"):
        tiny_model.explain(None)
    limit = tiny_model.featurizer_._tokenizer().max_chars
    with pytest.raises(InputValueError, match=r"^text is"):  # this text, not "texts[0]" of a list the caller never made
        tiny_model.explain("招" * (limit + 1))


def test_theme_keywords(tiny_model):
    top = tiny_model.theme_keywords(5)
    assert set(top) == {"investment", "talent"}
    for theme, pairs in top.items():
        weights = [w for _, w in pairs]
        assert 0 < len(pairs) <= 5 and weights == sorted(weights, reverse=True) and min(weights) > 0
    assert any("招商" in w for w, _ in top["investment"])
    assert not any("招商" in w for w, _ in top["talent"])


def test_pickle_and_params(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    again = pickle.loads(pickle.dumps(tiny_model))
    np.testing.assert_allclose(again.predict_proba(texts), tiny_model.predict_proba(texts), rtol=1e-6)
    params = ThemeClassifier(C=3.0, label_order=("a", "b")).get_params()
    assert params["C"] == 3.0 and params["label_order"] == ("a", "b")


def test_fit_is_reproducible(tiny_corpus):
    texts, labels = tiny_corpus
    a = ThemeClassifier(cv=3).fit(texts, labels)
    b = ThemeClassifier(cv=3).fit(texts, labels)
    assert list(a.thresholds_) == list(b.thresholds_)
    assert a.training_data_sha256_ == b.training_data_sha256_


def test_multilabel_scores():
    truth = np.array([[1, 0], [0, 1], [0, 0], [1, 1]], dtype=bool)
    pred = np.array([[1, 0], [0, 0], [0, 0], [1, 1]], dtype=bool)
    s = multilabel_scores(truth, pred, ["a", "b"])
    assert s["per_label"]["a"]["f1"] == 1.0
    assert s["per_label"]["b"]["recall"] == 0.5 and s["per_label"]["b"]["precision"] == 1.0
    assert s["exact_match"] == 0.75
    assert s["other_f1"] == pytest.approx(2 / 3)


def test_batches_give_the_same_result_and_name_the_right_index(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    np.testing.assert_array_equal(tiny_model.predict_proba(texts, batch_size=5), tiny_model.predict_proba(texts))
    assert tiny_model.predict(texts, batch_size=1) == tiny_model.predict(texts)
    with pytest.raises(InputValueError, match=r"texts\[7\]"):
        tiny_model.predict(["短"] * 7 + ["招" * 2_000_001], batch_size=3)
    with pytest.raises(InputValueError, match="batch_size"):
        tiny_model.predict(texts, batch_size=0)


@pytest.mark.parametrize("estimator", ["logreg", "svm", "nb"])
def test_numpy_prediction_equals_scikit_learns_own(tiny_corpus, estimator):
    """Prediction goes through LinearForm (numpy); scikit-learn's predict_proba must agree."""
    texts, labels = tiny_corpus
    model = ThemeClassifier(estimator=estimator, threshold=0.5).fit(texts, labels)
    assert model._linear_form() is not None
    own = model._positive_proba(model.estimators_, model.featurizer_.transform(texts))
    np.testing.assert_allclose(model.predict_proba(texts), own, rtol=1e-5, atol=1e-7)
    # one text at a time takes numpy's sparse product, many take scipy's: the same figures
    np.testing.assert_allclose(np.vstack([model.predict_proba([t]) for t in texts[:5]]), own[:5], rtol=1e-5, atol=1e-7)


def test_any_other_estimator_predicts_through_its_own_predict_proba(tiny_corpus):
    from sklearn.tree import DecisionTreeClassifier

    texts, labels = tiny_corpus
    model = ThemeClassifier(estimator=DecisionTreeClassifier(random_state=0), threshold=0.5).fit(texts, labels)
    assert model._linear_form() is None
    own = model._positive_proba(model.estimators_, model.featurizer_.transform(texts))
    np.testing.assert_array_equal(model.predict_proba(texts), own)


def test_theme_keywords_of_a_character_model_are_dictionary_words(tiny_corpus):
    texts, labels = tiny_corpus
    model = ThemeClassifier(
        featurizer=TfidfFeaturizer(use_words=False), threshold=0.5, label_order=("investment", "talent")
    ).fit(texts, labels)
    top = model.theme_keywords(5)
    tokenizer = model.featurizer_._tokenizer()
    for pairs in top.values():
        assert 0 < len(pairs) <= 5
        assert all(len(term) >= 2 and tokenizer.is_word(term) for term, _ in pairs)
    assert "招商" in [term for term, _ in top["investment"]]
    with pytest.raises(InputValueError):
        model.theme_keywords(0)


def test_explain_of_a_character_model_names_the_words_of_the_text(tiny_corpus):
    texts, labels = tiny_corpus
    model = ThemeClassifier(
        featurizer=TfidfFeaturizer(use_words=False), threshold=0.5, label_order=("investment", "talent")
    ).fit(texts, labels)
    text = "湘潭高新区召开招商引资推介会，现场签约项目12个"
    terms = dict(model.explain(text, k=20)["investment"])
    assert "招商引资" in terms and not {"招商", "商引", "引资"} & set(terms)  # one word, not its n-grams
    tokens = model.featurizer_._tokenizer().tokenize(text)
    seen_as = re.sub(r"\d+", "0", text)  # how character n-grams see the text
    assert all(term in tokens or term in seen_as for term in terms)  # words, or n-grams across two words
    assert list(terms.values()) == sorted(terms.values(), reverse=True) and min(terms.values()) > 0
