"""ThemeClassifier: fitting on texts or matrices, the four ways to read its predictions, and its errors."""

import pickle

import numpy as np
import pytest

from zonenlp import THEMES, InputTypeError, InputValueError, NotFittedError, TfidfFeaturizer, ThemeClassifier, TrainingDataError

INVESTMENT_AND_TALENT = "科技招商引进人才团队项目，一个人才带来一个项目，签约人才项目5个"
OTHER = "全区地区生产总值增长6%"


def test_fit_predict_shapes_and_label_order(tiny_model, tiny_corpus):
    texts, labels = tiny_corpus
    assert tiny_model.classes_.tolist() == ["investment", "talent"]
    assert not hasattr(tiny_model, "labels")  # classes_ is the one way to name them
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (len(texts), 2) and ((proba >= 0) & (proba <= 1)).all()
    predicted = tiny_model.predict(texts)
    assert predicted.shape == (len(texts), 2) and predicted.dtype.kind == "i"
    np.testing.assert_array_equal(predicted, (proba >= tiny_model.thresholds_).astype(int))
    assert tiny_model.evaluate(texts, labels)["micro_f1"] > 0.8  # it learned its own training data


def test_predict_labels_and_tag_read_the_indicator_matrix(tiny_model):
    texts = [INVESTMENT_AND_TALENT, OTHER]
    assert tiny_model.predict(texts).tolist() == [[1, 1], [0, 0]]
    both, none = tiny_model.predict_labels(texts)
    proba = tiny_model.predict_proba(texts)
    assert set(both) == {"investment", "talent"} and none == []
    assert both == sorted(both, key=lambda label: -proba[0, tiny_model.classes_.tolist().index(label)])  # most probable first
    tags = tiny_model.tag(texts)
    assert [t["themes"] for t in tags] == [both, none]
    assert [list(t["scores"].values()) for t in tags] == proba.tolist()  # unrounded, as predict_proba
    assert list(tags[0]["scores"]) == ["investment", "talent"]


def test_decision_function_is_positive_exactly_where_predict_says_one(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    texts = texts + [INVESTMENT_AND_TALENT, OTHER, ""]
    decision = tiny_model.decision_function(texts)
    np.testing.assert_array_equal((decision > 0).astype(int), tiny_model.predict(texts))
    proba = tiny_model.predict_proba(texts)
    for j in range(2):  # the same order as the probabilities
        assert (np.argsort(decision[:, j], kind="stable") == np.argsort(proba[:, j], kind="stable")).all()
    assert decision[-1].tolist() == [-np.inf, -np.inf]  # an empty text: probability 0


def test_classes_are_named_as_given_or_in_theme_order():
    texts = ["招商签约项目", "人才公寓入住", "招商推介会", "人才引进政策", "道路建设", "生态修复"] * 2
    lists = [["talent", "investment"], ["talent"], ["investment"], ["talent"], [], ["outreach"]] * 2
    model = ThemeClassifier(featurizer=TfidfFeaturizer(min_df=1), threshold=0.5)
    assert model.fit(texts, lists).classes_.tolist() == ["investment", "talent", "outreach"]  # THEMES order
    assert model.set_params(label_order=("outreach", "talent", "investment")).fit(texts, lists).classes_.tolist() == [
        "outreach", "talent", "investment"]
    four = np.eye(4, dtype=int)[[0, 1, 2, 3, 0, 1] * 2]
    assert model.set_params(label_order=None).fit(texts, four).classes_.tolist() == list(THEMES)
    assert model.fit(texts, four[:, :3]).classes_.tolist() == [0, 1, 2]  # unnamed columns, as OneVsRestClassifier
    assert model.predict_labels(["招商签约"]) == [[0]]
    assert model.set_params(label_order=["a", "b", "c"]).fit(texts, four[:, :3]).classes_.tolist() == ["a", "b", "c"]


def test_any_label_set_trains_and_other_labels_are_sorted():
    texts = ["今天晴朗无云", "明天有大雨", "球队赢得比赛", "运动员打破纪录", "阳光明媚气温高", "比赛进入加时"] * 2
    labels = [["weather"], ["weather"], ["sport"], ["sport"], ["weather"], ["sport"]] * 2
    model = ThemeClassifier(threshold=0.5, featurizer=None).fit(texts, labels)
    assert model.classes_.tolist() == ["sport", "weather"]
    assert model.predict_labels(["大雨和阳光"]) == [["weather"]]
    assert model.predict(["大雨和阳光"]).tolist() == [[0, 1]]


def test_a_refit_model_predicts_with_its_new_weights():
    texts = ["招商签约项目", "人才公寓入住", "招商推介会", "人才引进政策"] * 4
    first, swapped = [["a"], ["b"], ["a"], ["b"]] * 4, [["b"], ["a"], ["b"], ["a"]] * 4
    model = ThemeClassifier(threshold=0.5, featurizer=TfidfFeaturizer(min_df=1)).fit(texts, first)
    assert model.predict_labels(["招商签约"]) == [["a"]]
    assert model.fit(texts, swapped).predict_labels(["招商签约"]) == [["b"]]  # not the first fit's cached weights


def test_fit_on_a_feature_matrix_in_any_sparse_format(tiny_corpus):
    import scipy.sparse as sp

    texts, labels = tiny_corpus
    featurizer = TfidfFeaturizer(min_df=1).fit(texts)
    X = featurizer.transform(texts)
    on_texts = ThemeClassifier(featurizer=TfidfFeaturizer(min_df=1), threshold=0.5).fit(texts, labels)
    expected = on_texts.predict_proba(texts)
    for matrix in (X, X.tocsc(), X.tocoo(), sp.csr_array(X), X.toarray()):
        model = ThemeClassifier(threshold=0.5).fit(matrix, labels)
        assert model.featurizer_ is None and model.n_features_in_ == X.shape[1]
        np.testing.assert_allclose(model.predict_proba(matrix), expected, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :5])
    with pytest.raises(ValueError):  # texts for a model of features
        model.predict(["招商"])
    with pytest.raises(InputTypeError, match="fitted on texts"):
        on_texts.predict(X)
    with pytest.raises(NotImplementedError, match="fitted on texts"):
        model.explain("招商")


def test_threshold_mapping_and_float():
    texts = ["招商签约", "人才引进", "招商推介", "人才公寓"] * 3
    labels = [["a"], ["b"], ["a"], ["b"]] * 3
    m = ThemeClassifier(threshold={"a": 0.3, "b": 0.7}).fit(texts, labels)
    assert list(m.thresholds_) == [0.3, 0.7]
    assert list(ThemeClassifier(threshold=0.4).fit(texts, labels).thresholds_) == [0.4, 0.4]
    with pytest.raises(InputValueError, match="lacks labels"):
        ThemeClassifier(threshold={"a": 0.3}).fit(texts, labels)
    with pytest.raises(InputValueError, match="threshold must be"):
        ThemeClassifier(threshold="best").fit(texts, labels)


@pytest.mark.parametrize("estimator", ["svm", "nb"])
def test_other_estimators(tiny_corpus, estimator):
    texts, labels = tiny_corpus
    m = ThemeClassifier(estimator=estimator, cv=3).fit(texts, labels)
    assert m.predict_proba(texts).shape == (len(texts), 2)
    assert m.evaluate(texts, labels)["micro_f1"] > 0.7  # it learned its own training data
    assert set(m.explain(INVESTMENT_AND_TALENT, k=3)) == set(m.predict_labels([INVESTMENT_AND_TALENT])[0])


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
    with pytest.raises(InputValueError, match="indicator matrix"):
        ThemeClassifier().fit(["招商", "人才"] * 3, [1, 0] * 3)  # 1-D: one label is y.reshape(-1, 1)
    with pytest.raises(InputValueError, match="0 and 1 only"):
        ThemeClassifier().fit(["招商", "人才"] * 3, np.array([[1, 2], [2, 1]] * 3))
    with pytest.raises(InputValueError, match="label_order names 1 labels but y has 2 columns"):
        ThemeClassifier(label_order=["x"]).fit(["招商", "人才"] * 3, np.array([[1, 0], [0, 1]] * 3))
    with pytest.raises(InputValueError, match="y is None"):
        ThemeClassifier().fit(["招商", "人才"], None)
    with pytest.raises(InputValueError, match="1-D array of numbers"):
        ThemeClassifier().fit(np.arange(4.0), [["x"], [], ["x"], []])


def test_prediction_errors(tiny_model):
    with pytest.raises(NotFittedError):
        ThemeClassifier().predict(["文本"])
    with pytest.raises(InputTypeError, match="single str"):
        tiny_model.predict("一段文本")
    with pytest.raises(InputTypeError, match=r"texts\[2\]"):
        tiny_model.predict(["甲", "乙", float("nan")])
    assert tiny_model.predict([]).shape == (0, 2) and tiny_model.predict_labels([]) == []
    assert tiny_model.predict_proba([]).shape == (0, 2)
    assert tiny_model.predict_labels(["", " \u200b "]) == [[], []]
    assert not tiny_model.predict_proba([""]).any()


def test_score_and_evaluate_read_label_lists_or_an_indicator(tiny_model, tiny_corpus):
    texts, labels = tiny_corpus
    indicator = np.array([[int("investment" in l), int("talent" in l)] for l in labels])
    scores = tiny_model.evaluate(texts, labels)
    assert tiny_model.evaluate(texts, indicator) == scores
    assert tiny_model.score(texts, indicator) == scores["micro_f1"]
    assert set(scores["per_label"]) == {"investment", "talent"}
    with pytest.raises(InputValueError, match="not labels of this model"):
        tiny_model.evaluate(texts[:1], [["weather"]])
    with pytest.raises(InputValueError, match="3 columns but this model has 2"):
        tiny_model.evaluate(texts[:1], np.array([[1, 0, 0]]))
    with pytest.raises(InputValueError, match="sample_weight"):
        tiny_model.score(texts, labels, sample_weight=np.ones(len(texts)))


def test_pickle_and_params(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    again = pickle.loads(pickle.dumps(tiny_model))
    np.testing.assert_allclose(again.predict_proba(texts), tiny_model.predict_proba(texts), rtol=1e-6)
    params = ThemeClassifier(C=3.0, label_order=("a", "b")).get_params()
    assert params["C"] == 3.0 and params["label_order"] == ("a", "b")


def test_fit_is_reproducible_and_hashes_its_training_data(tiny_corpus):
    texts, labels = tiny_corpus
    a = ThemeClassifier(cv=3).fit(texts, labels)
    b = ThemeClassifier(cv=3).fit(texts, labels)
    assert list(a.thresholds_) == list(b.thresholds_)
    assert a.training_data_sha256_ == b.training_data_sha256_
    assert ThemeClassifier(cv=3).fit(texts[1:], labels[1:]).training_data_sha256_ != a.training_data_sha256_


def test_batches_give_the_same_result_and_name_the_right_index(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    np.testing.assert_array_equal(tiny_model.predict_proba(texts, batch_size=5), tiny_model.predict_proba(texts))
    assert tiny_model.predict_labels(texts, batch_size=1) == tiny_model.predict_labels(texts)
    with pytest.raises(InputValueError, match=r"texts\[7\]"):
        tiny_model.predict(["短"] * 7 + ["招" * 2_000_001], batch_size=3)
    with pytest.raises(InputValueError, match="batch_size"):
        tiny_model.predict(texts, batch_size=0)

