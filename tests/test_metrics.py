"""Per-label and averaged figures of predicted against true labels."""

import numpy as np
import pytest

from zonenlp.metrics import f1, multilabel_scores


def test_multilabel_scores():
    truth = np.array([[1, 0], [0, 1], [0, 0], [1, 1]], dtype=bool)
    pred = np.array([[1, 0], [0, 0], [0, 0], [1, 1]], dtype=bool)
    s = multilabel_scores(truth, pred, ["a", "b"])
    assert s["per_label"]["a"]["f1"] == 1.0
    assert s["per_label"]["b"]["recall"] == 0.5 and s["per_label"]["b"]["precision"] == 1.0
    assert s["per_label"]["b"]["support"] == 2 and s["n"] == 4
    assert s["micro_f1"] == pytest.approx(2 * 3 / (4 + 3))
    assert s["macro_f1"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert s["exact_match"] == 0.75
    assert s["other_f1"] == pytest.approx(2 / 3)


def test_f1_agrees_with_scikit_learn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    truth, pred = rng.random((2, 200)) < 0.3
    assert f1(truth, pred) == pytest.approx(f1_score(truth, pred))
    assert f1(np.zeros(3, dtype=bool), np.zeros(3, dtype=bool)) == 1.0  # nothing to find, nothing found
