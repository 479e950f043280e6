"""Each label's decision threshold, chosen on out-of-fold probabilities of the training data only.

A label's threshold is where its F1 is best on probabilities that the model
gave to training examples it had not been fitted on (k-fold cross-validation
of the training data) — never on a test set. :func:`choose_thresholds` reads
a classifier's ``threshold`` setting (``"cv"``, one float, or one per label).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .errors import InputValueError
from .inference import positive_proba
from .metrics import f1, multilabel_scores

__all__ = ["THRESHOLD_GRID", "best_threshold", "out_of_fold_proba", "choose_thresholds"]

#: The thresholds tried for each label.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)

#: ``fold_data(train_rows, validation_rows) -> (X_train, X_validation)``: the
#: features of one fold, its featurizer fitted on its training rows only.
FoldData = Callable[[np.ndarray, np.ndarray], tuple[Any, Any]]


def best_threshold(truth: np.ndarray, proba: np.ndarray) -> float:
    """The threshold of :data:`THRESHOLD_GRID` with the best F1 of ``proba >= threshold`` against ``truth``.

    The centre of the plateau of near-best thresholds, not its edge: an edge
    chosen on one sample moves most on the next.
    """
    scores = np.array([f1(truth, proba >= t) for t in THRESHOLD_GRID])
    near_best = THRESHOLD_GRID[scores >= scores.max() - 0.005]
    return float(np.median(near_best))


def out_of_fold_proba(
    Y: np.ndarray, fold_data: FoldData, make_estimator: Callable[[], Any], *, cv: int,
    groups: Sequence[Any] | None, random_state: int | None,
) -> np.ndarray:
    """Each training example's probability of each label from a model fitted on the other folds.

    ``groups`` (one per example) keeps a group's examples in one fold
    (``GroupKFold``); else the folds are shuffled with ``random_state``.
    A label without both classes in a fold's training rows gets its base rate there.
    """
    from sklearn.model_selection import GroupKFold, KFold

    n = len(Y)
    if groups is not None:
        splits = GroupKFold(n_splits=cv).split(np.zeros(n), groups=groups)
    else:
        splits = KFold(n_splits=cv, shuffle=True, random_state=random_state).split(np.zeros(n))
    oof = np.zeros(Y.shape, dtype=float)
    for train_idx, val_idx in splits:
        X_train, X_val = fold_data(train_idx, val_idx)
        Y_train = Y[train_idx]
        for j in range(Y.shape[1]):
            if Y_train[:, j].all() or not Y_train[:, j].any():
                oof[val_idx, j] = Y_train[:, j].mean()
                continue
            est = make_estimator().fit(X_train, Y_train[:, j].astype(int))
            oof[val_idx, j] = positive_proba([est], X_val)[:, 0]
    return oof


def choose_thresholds(
    threshold: str | float | Mapping[Any, float], classes: np.ndarray, Y: np.ndarray, oof: Callable[[], np.ndarray], cv: int,
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """The threshold of each label, and the out-of-fold figures at them (``None`` when not cross-validated).

    ``threshold`` is ``"cv"`` (each label's :func:`best_threshold` on ``oof()``,
    or 0.5 with a warning when a label has fewer than ``cv`` examples of one
    class), a float for every label, or a mapping from label to threshold.
    """
    labels = classes.tolist()
    if isinstance(threshold, str):
        if threshold != "cv":
            raise InputValueError(f"threshold must be 'cv', a float or a mapping, got {threshold!r}")
        fewest = int(min(Y.sum(axis=0).min(), (~Y).sum(axis=0).min()))
        if fewest < cv:
            warnings.warn(
                f"a label has only {fewest} examples of one class, fewer than cv={cv}; using threshold 0.5 for every label",
                stacklevel=3,
            )
            return np.full(len(labels), 0.5), None
        proba = oof()
        thresholds = np.array([best_threshold(Y[:, j], proba[:, j]) for j in range(len(labels))])
        return thresholds, multilabel_scores(Y, proba >= thresholds, labels)
    if isinstance(threshold, Mapping):
        missing = [label for label in labels if label not in threshold]
        if missing:
            raise InputValueError(f"threshold mapping lacks labels {missing}")
        return np.array([float(threshold[label]) for label in labels]), None
    return np.full(len(labels), float(threshold)), None
