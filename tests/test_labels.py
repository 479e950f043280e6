"""Labels: label lists and indicator matrices read alike, and label lists made from scores."""

import numpy as np
import pytest

from zonenlp import InputTypeError, InputValueError, TrainingDataError
from zonenlp.labels import THEMES, check_label_lists, indicator, ranked_labels, targets


def test_label_lists_and_an_indicator_give_the_same_matrix():
    lists = [["talent", "investment"], [], ["talent"]]
    read = targets(lists, 3)
    assert read.classes.tolist() == ["investment", "talent"] and read.label_lists == [["talent", "investment"], [], ["talent"]]
    np.testing.assert_array_equal(read.Y, [[True, True], [False, False], [False, True]])
    for same in (read.Y.astype(int), read.Y.astype(int).tolist(), list(read.Y.astype(int))):
        np.testing.assert_array_equal(targets(same, 3, label_order=("investment", "talent")).Y, read.Y)
    import scipy.sparse as sp

    np.testing.assert_array_equal(indicator(sp.csr_matrix(read.Y.astype(int)), read.classes), read.Y)
    np.testing.assert_array_equal(indicator(lists, read.classes), read.Y)


def test_label_lists_may_come_as_any_sequence_of_rows():
    pd = pytest.importorskip("pandas")
    lists = [["investment"], [], ["investment", "talent"]]
    expected = targets(lists, 3).Y
    np.testing.assert_array_equal(targets(pd.Series(lists), 3).Y, expected)
    np.testing.assert_array_equal(targets(iter(lists), 3).Y, expected)
    np.testing.assert_array_equal(targets([tuple(l) for l in lists], 3).Y, expected)


def test_names_follow_the_themes_then_the_alphabet():
    assert targets([["zebra"], ["outreach"], ["apple", "investment"]], 3).classes.tolist() == [
        "investment", "outreach", "apple", "zebra"]
    assert targets(np.eye(4, dtype=int), 4).classes.tolist() == list(THEMES)
    assert targets(np.eye(3, dtype=int), 3).classes.tolist() == [0, 1, 2]


def test_wrong_targets_are_refused_with_the_reason():
    with pytest.raises(InputTypeError, match="must be a list of label lists"):
        check_label_lists("investment")
    with pytest.raises(InputTypeError, match=r"label_lists\[1\] holds a label that is not a non-empty str"):
        check_label_lists([["a"], [""]])
    with pytest.raises(InputValueError, match="got 3 texts but 2 label lists"):
        check_label_lists([["a"], []], 3)
    with pytest.raises(InputValueError, match="got 3 samples but 2 rows of y"):
        targets(np.eye(2, dtype=int), 3)
    with pytest.raises(InputValueError, match="Unknown label type: continuous"):
        targets(np.array([0.5, 1.5, 2.5]), 3)
    with pytest.raises(InputValueError, match="Only binary classification is supported"):
        targets(np.array([0, 1, 2]), 3)
    with pytest.raises(ValueError, match="NaN"):
        targets(np.array([[np.nan], [1.0]]), 2)
    with pytest.raises(TrainingDataError, match="no labels"):
        targets([[], []], 2)


@pytest.mark.parametrize("n_labels", [4, 16])  # 16: too many for one int64 pattern per row
def test_ranked_labels_are_those_over_threshold_most_probable_first(n_labels):
    rng = np.random.default_rng(0)
    classes = np.array([f"label{j}" for j in range(n_labels)], dtype=object)
    thresholds = rng.uniform(0.2, 0.8, n_labels)
    proba = rng.choice([0.1, 0.5, 0.9, 0.95], size=(500, n_labels))  # ties, none and several over
    expected = [
        [str(classes[j]) for j in sorted(range(n_labels), key=lambda j: (-row[j], j)) if row[j] >= thresholds[j]]
        for row in proba
    ]
    labels = ranked_labels(proba, thresholds, classes)
    assert labels == expected and len({len(l) for l in labels}) > 2
    labels[0].append("changed")  # each row has a list of its own
    assert "changed" not in labels[1] + ranked_labels(proba, thresholds, classes)[0]
    assert ranked_labels(proba[:0], thresholds, classes) == []
