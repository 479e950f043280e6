"""From features to each label's probability: the estimators of a model as one matrix, with numpy alone.

:class:`LinearForm` is how a fitted :class:`~zonenlp.ThemeClassifier` with
linear estimators predicts, and how the safe model format holds them: every
label's estimator is a few linear columns followed by a sigmoid, so a batch
costs one sparse-times-dense product and an ``exp``, and neither
scikit-learn nor (for a few rows) scipy is imported. Estimators without a
linear form predict through their own ``predict_proba`` (:func:`positive_proba`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._ngram_tables import SparseRows

__all__ = ["LinearForm", "LabelColumns", "linear_parts", "positive_proba", "mean_weights", "margins"]

#: From this many rows on, the sparse product is scipy's (about 20 times faster
#: than numpy's gather-and-sum, for a one-off import of about 0.1 s).
_SCIPY_FROM_ROWS = 64

#: ``(w, c, a, b)`` of one linear column: the probability is ``expit(-(a * (x . w + c) + b))``.
Column = tuple[np.ndarray, float, float, float]


def _expit(x: np.ndarray) -> np.ndarray:
    """The logistic function, as scipy.special.expit computes it."""
    return 1.0 / (1.0 + np.exp(-x))


class LinearForm:
    """A model's linear estimators as one matrix, for prediction with numpy alone.

    Every built-in estimator gives each label a probability of the same shape:
    the mean, over a few columns, of ``expit(-(a * (x . w + c) + b))``. For
    ``"svm"`` the columns are the calibration folds of
    ``CalibratedClassifierCV(LinearSVC, method="sigmoid")`` (their Platt
    ``a``, ``b``); for ``"logreg"`` one column with ``a = -1, b = 0``; for
    ``"nb"`` one column of the difference of the two classes' log-probabilities.
    """

    def __init__(self, weights: np.ndarray, intercepts: np.ndarray, a: np.ndarray, b: np.ndarray, label_of_column: np.ndarray) -> None:
        # (features, columns), float64 as scikit-learn's: float32 would save 4 MB
        # but sum in another order in numpy's and scipy's products (1e-7 apart)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)
        self.a = np.asarray(a, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64)
        self.label_of_column = np.asarray(label_of_column)
        n_labels = int(self.label_of_column.max()) + 1
        self.mean_of_columns = np.zeros((len(self.label_of_column), n_labels))
        for column, label in enumerate(self.label_of_column):
            self.mean_of_columns[column, label] = 1.0 / np.count_nonzero(self.label_of_column == label)

    @classmethod
    def from_estimators(cls, estimators: Sequence[Any]) -> LinearForm | None:
        """The linear form of one binary estimator per label, or None if one has none.

        Estimators that are the :meth:`label_estimators` of one form, in order,
        give that form itself: its weights are not copied.
        """
        form = getattr(estimators[0], "form", None) if estimators else None
        if isinstance(form, LinearForm) and len(estimators) == form.mean_of_columns.shape[1] and all(
            isinstance(est, LabelColumns) and est.form is form and est.label == j for j, est in enumerate(estimators)
        ):
            return form
        columns: list[tuple[np.ndarray, float, float, float, int]] = []
        for label, est in enumerate(estimators):
            parts = linear_parts(est)
            if parts is None:
                return None
            columns += [(w, c, a, b, label) for w, c, a, b in parts]
        w, c, a, b, label = zip(*columns)
        return cls(np.column_stack(w), np.array(c), np.array(a), np.array(b), np.array(label))

    def label_estimators(self) -> list[LabelColumns]:
        """One binary estimator per label, each a view of this form's columns."""
        return [LabelColumns(self, label) for label in range(self.mean_of_columns.shape[1])]

    def predict_proba(self, X: SparseRows | Any) -> np.ndarray:
        """Each label's probability for each row of ``X`` (numpy rows, a scipy or a
        dense matrix), shape ``(rows, labels)``.

        Which product computes a batch of numpy rows depends on its size alone,
        never on what the process imported before, so a batch gets the same
        floats in every process (the two products sum in another order)."""
        if isinstance(X, SparseRows):
            if X.shape[0] < _SCIPY_FROM_ROWS:
                return self._proba(self._numpy_product(X))
            X = X.to_scipy()
        return self._proba(np.asarray(X.astype(np.float64) @ self.weights))

    def _numpy_product(self, rows: SparseRows) -> np.ndarray:
        """``rows @ weights`` for a few rows, sparing a first prediction scipy's import."""
        decision = np.zeros((rows.shape[0], self.weights.shape[1]), dtype=np.float64)
        filled = np.diff(rows.indptr) > 0
        if filled.any():
            products = self.weights[rows.indices] * rows.data[:, None].astype(np.float64)
            decision[filled] = np.add.reduceat(products, rows.indptr[:-1][filled], axis=0)
        return decision

    def _proba(self, decision: np.ndarray) -> np.ndarray:
        decision += self.intercepts
        return _expit(-(self.a * decision + self.b)) @ self.mean_of_columns


class LabelColumns:
    """One label's columns of a :class:`LinearForm`, as a binary estimator.

    The safe model format rebuilds a model's estimators as these: each is a
    view of the one weight matrix its form predicts with, so the weights are
    held once.
    """

    def __init__(self, form: LinearForm, label: int) -> None:
        self.form, self.label = form, label

    def linear_parts(self) -> list[Column]:
        """``(w, c, a, b)`` of each of this label's columns."""
        form = self.form
        return [
            (form.weights[:, k], float(form.intercepts[k]), float(form.a[k]), float(form.b[k]))
            for k in np.flatnonzero(form.label_of_column == self.label).tolist()
        ]


def linear_parts(est: Any) -> list[Column] | None:
    """``(w, c, a, b)`` of each column of a binary estimator, or None if it is not one zonenlp knows as linear."""
    if hasattr(est, "linear_parts"):  # the safe format's LabelColumns
        return est.linear_parts()
    if "sklearn" not in sys.modules:  # then est cannot be one of scikit-learn's classes
        return None
    from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    if list(getattr(est, "classes_", [])) != [0, 1]:
        return None
    if isinstance(est, LogisticRegression) and est.coef_.shape[0] == 1:
        return [(est.coef_[0], float(est.intercept_[0]), -1.0, 0.0)]
    if isinstance(est, ComplementNB):
        return [(est.feature_log_prob_[1] - est.feature_log_prob_[0], 0.0, -1.0, 0.0)]
    if isinstance(est, CalibratedClassifierCV):
        parts = []
        for fold in est.calibrated_classifiers_:
            base = fold.estimator
            if (
                len(fold.calibrators) != 1
                or not isinstance(fold.calibrators[0], _SigmoidCalibration)
                or getattr(base, "coef_", np.zeros((2, 0))).shape[0] != 1
            ):
                return None
            calibrator = fold.calibrators[0]
            parts.append((base.coef_[0], float(base.intercept_[0]), float(calibrator.a_), float(calibrator.b_)))
        return parts
    return None


def positive_proba(estimators: Sequence[Any], X: Any) -> np.ndarray:
    """Each binary estimator's probability of its positive class (1) for the rows of ``X``, one column each."""
    columns = []
    for est in estimators:
        proba = est.predict_proba(X)
        columns.append(proba[:, list(est.classes_).index(1)])
    return np.column_stack(columns)


def mean_weights(estimators: Sequence[Any]) -> np.ndarray | None:
    """One weight per feature and label, as explanations read them: the mean of
    the label's linear columns (the calibration folds of ``"svm"``), or the
    ``coef_`` of another linear estimator; ``None`` if one has neither."""
    rows = []
    for est in estimators:
        parts = linear_parts(est)
        if parts is not None:
            row = np.mean([w for w, _, _, _ in parts], axis=0)
        elif hasattr(est, "coef_"):
            row = np.ravel(est.coef_[0] if est.coef_.ndim > 1 else est.coef_)
        else:
            return None
        rows.append(np.asarray(row, dtype=np.float32))
    return np.vstack(rows)


def margins(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Each probability's margin over its label's threshold, ``logit(p) - logit(threshold)``:
    positive exactly where ``p >= threshold``, and in the same order as ``p`` within a label."""
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = (np.log(proba) - np.log1p(-proba)) - (np.log(thresholds) - np.log1p(-thresholds))
    # the logit rounds: where its sign would disagree with p >= threshold (ties, a few ulps), that comparison wins
    tiny = np.finfo(np.float64).tiny
    return np.where(proba >= thresholds, np.fmax(margin, tiny), np.fmin(margin, -tiny))
