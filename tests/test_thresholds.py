"""Each label's threshold: chosen on out-of-fold probabilities of the training data."""

import numpy as np
import pytest

from zonenlp import TfidfFeaturizer, ThemeClassifier
from zonenlp.thresholds import THRESHOLD_GRID, best_threshold, choose_thresholds, out_of_fold_proba


def test_thresholds_are_chosen_by_cross_validation(tiny_corpus):
    texts, labels = tiny_corpus
    model = ThemeClassifier(cv=3).fit(texts, labels)
    assert model.cv_scores_ is not None and model.cv_scores_["n"] == len(texts)
    assert ((model.thresholds_ >= THRESHOLD_GRID[0]) & (model.thresholds_ <= THRESHOLD_GRID[-1])).all()
    assert set(model.cv_scores_["per_label"]) == {"investment", "talent"}
    assert ThemeClassifier(threshold=0.5).fit(texts, labels).cv_scores_ is None


def test_the_best_threshold_is_the_middle_of_the_best_plateau():
    truth = np.array([True] * 5 + [False] * 5)
    proba = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.3, 0.2, 0.1, 0.1, 0.05])
    # every threshold from 0.31 to 0.55 separates the classes: F1 1.0; the middle is 0.43
    assert best_threshold(truth, proba) == pytest.approx(0.43)


def test_groups_keep_their_samples_in_one_fold():
    Y = np.array([[True], [False]] * 6)
    groups = [i // 3 for i in range(12)]  # four groups of three
    seen = []

    def fold_data(train, validation):
        seen.append(validation.tolist())
        return np.arange(12.0)[train, None], np.arange(12.0)[validation, None]

    def make_estimator():
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression()

    oof = out_of_fold_proba(Y, fold_data, make_estimator, cv=4, groups=groups, random_state=0)
    assert oof.shape == Y.shape and ((oof >= 0) & (oof <= 1)).all()
    assert sorted(sorted({groups[i] for i in fold}) for fold in seen) == [[0], [1], [2], [3]]


def test_few_examples_fall_back_to_half_with_a_warning():
    texts = ["招商签约项目", "人才公寓入住", "招商推介会", "道路建设"]
    with pytest.warns(UserWarning, match="threshold 0.5"):
        m = ThemeClassifier(featurizer=TfidfFeaturizer(min_df=1)).fit(texts, [["a"], ["b"], ["a"], []])
    assert list(m.thresholds_) == [0.5, 0.5] and m.cv_scores_ is None


def test_a_mapping_gives_each_label_its_threshold():
    Y = np.array([[True, False], [False, True]] * 3)
    classes = np.array(["a", "b"], dtype=object)
    thresholds, scores = choose_thresholds({"b": 0.7, "a": 0.3}, classes, Y, oof=lambda: pytest.fail("no CV"), cv=3)
    assert thresholds.tolist() == [0.3, 0.7] and scores is None
