"""Labels: their names, the two ways a target ``y`` gives them, and label lists from scores.

A target is either an indicator matrix ``(n_samples, n_labels)`` of 0 and 1, as
scikit-learn takes it, or label lists (``[["investment"], []]``, ``[]`` meaning
"other"), as people write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .errors import InputTypeError, InputValueError, TrainingDataError

__all__ = ["THEMES", "check_label_lists", "targets", "indicator", "ranked_labels"]

#: The four themes of zonenlp's shipped model, in their canonical order.
THEMES: tuple[str, ...] = ("investment", "environment", "talent", "outreach")


def check_label_lists(label_lists: object, n: int | None = None) -> list[list[str]]:
    """Validate label sets: an iterable of lists (or tuples/sets) of str labels."""
    if isinstance(label_lists, (str, bytes)):
        raise InputTypeError("label_lists must be a list of label lists, e.g. [['investment'], []]")
    try:
        items = list(label_lists)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(f"label_lists must be iterable, got {type(label_lists).__name__}") from None
    out = []
    for index, labels in enumerate(items):
        if not isinstance(labels, (list, tuple, set, frozenset)):
            raise InputTypeError(
                f"label_lists[{index}] must be a list of labels (use [] for none), got {labels!r:.60}"
            )
        for label in labels:
            if not isinstance(label, str) or not label:
                raise InputTypeError(f"label_lists[{index}] holds a label that is not a non-empty str: {label!r:.60}")
        out.append(list(dict.fromkeys(labels)))  # without repeats, in order
    if n is not None and len(out) != n:
        raise InputValueError(f"got {n} texts but {len(out)} label lists")
    return out


def _rows(y: object) -> Any:
    """``y`` as a list when it is a sequence of rows (a list, a generator, a pandas
    Series of lists); arrays, sparse matrices and anything else as they are."""
    if isinstance(y, (str, bytes)) or hasattr(y, "toarray"):
        return y
    if hasattr(y, "__array__") and not (getattr(y, "dtype", None) == object and getattr(y, "ndim", 0) == 1):
        return y
    try:
        return list(y)  # type: ignore[call-overload]
    except TypeError:
        return y


def _is_label_lists(y: object) -> bool:
    """Whether ``y`` (after :func:`_rows`) is label lists: a list whose items are names or sets, hold a name,
    or are all empty (``[[], []]``); or neither a list nor an array, to be refused as label lists with the reason."""
    if not isinstance(y, list):
        return not (hasattr(y, "__array__") or hasattr(y, "toarray"))
    rows = [item for item in y if isinstance(item, (list, tuple, set, frozenset, str))]
    if len(rows) < len(y):
        return False
    return all(len(row) == 0 for row in rows) or any(
        isinstance(row, (str, set, frozenset)) or any(isinstance(label, str) for label in row) for row in rows
    )


def _indicator_matrix(y: Any, n: int | None) -> np.ndarray:
    """An indicator ``y`` (array, sparse matrix or nested list of 0 and 1) as a
    boolean matrix ``(samples, labels)``; with ``n``, of ``n`` samples."""
    from sklearn.utils import check_array
    from sklearn.utils.multiclass import type_of_target

    if hasattr(y, "toarray"):
        y = y.toarray()
    Y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
    if Y.ndim != 2:
        kind = type_of_target(Y, input_name="y")
        start = f"Unknown label type: {kind}. " if kind not in ("binary", "multiclass") else ""
        raise InputValueError(
            f"{start}y is 1-D ({kind}), but ThemeClassifier is multi-label, so that each label is a yes/no "
            "question: give y as an indicator matrix of shape (n_samples, n_labels) holding 0 and 1 "
            "(y.reshape(-1, 1) for one label) or as label lists such as [['investment'], []]. "
            "Only binary classification is supported, one label per column."
        )
    values = np.unique(Y)
    if not np.isin(values, (0, 1)).all():
        raise InputValueError(
            f"Unknown label type: y must hold 0 and 1 only (one column per label), got values {values[:5].tolist()}; "
            "for named labels, give label lists such as [['investment'], []]"
        )
    if n is not None and len(Y) != n:
        raise InputValueError(f"got {n} samples but {len(Y)} rows of y")
    return Y.astype(bool)


def as_classes(names: Iterable[Any]) -> np.ndarray:
    """Label names as a classifier's ``classes_``: an object array of str, or of int for unnamed columns."""
    names = list(names)
    if all(isinstance(name, str) for name in names):
        return np.asarray(names, dtype=object)
    return np.asarray(names, dtype=np.int64)


def _order(seen: set[str]) -> list[str]:
    """Labels in the order of :data:`THEMES`, any others after them in sorted order."""
    return sorted(seen, key=lambda label: (THEMES.index(label), "") if label in THEMES else (len(THEMES), label))


class Targets(NamedTuple):
    """A target read by :func:`targets`."""

    classes: np.ndarray  #: the label of each column
    Y: np.ndarray  #: boolean, shape (n_samples, n_labels)
    label_lists: list[list[str]] | None  #: as given (checked), when y was label lists


def targets(y: object, n: int, label_order: Sequence[Any] | None = None) -> Targets:
    """Read a training target: label lists or an indicator matrix, for ``n`` samples.

    The labels are named, in this order: ``label_order`` if given; for label
    lists, the themes among them in :data:`THEMES` order, then any other
    labels sorted; for an indicator matrix, :data:`THEMES` if it has four
    columns, else its column numbers ``0 .. k-1`` (as scikit-learn's
    ``OneVsRestClassifier`` names them).

    >>> read = targets([["talent"], [], ["investment", "talent"]], 3)
    >>> read.classes.tolist(), read.Y.astype(int).tolist()
    (['investment', 'talent'], [[0, 1], [0, 0], [1, 1]])
    >>> targets([[0, 1], [1, 1]], 2).classes.tolist()
    [0, 1]
    """
    if y is None:
        raise InputValueError("ThemeClassifier requires y to be passed, but the target y is None; give the labels of X")
    y = _rows(y)
    if _is_label_lists(y):
        label_lists = check_label_lists(y, n)
        seen = {label for labels in label_lists for label in labels}
        if label_order is not None and not seen <= set(label_order):
            unknown = sorted(seen - set(label_order))
            raise TrainingDataError(f"labels {unknown} are not in label_order {list(label_order)}")
        classes = as_classes(_order(seen) if label_order is None else label_order)
        if not len(classes):
            raise TrainingDataError("no labels in the training data: every label list is empty")
        return Targets(classes, indicator(label_lists, classes), label_lists)
    Y = _indicator_matrix(y, n)
    if label_order is None:
        label_order = THEMES if Y.shape[1] == len(THEMES) else range(Y.shape[1])
    elif len(label_order) != Y.shape[1]:
        raise InputValueError(f"label_order names {len(label_order)} labels but y has {Y.shape[1]} columns")
    return Targets(as_classes(label_order), Y, None)


def indicator(y: object, classes: np.ndarray) -> np.ndarray:
    """``y`` — label lists or an indicator matrix — as a boolean matrix with the columns of ``classes``.

    This is how a fitted model reads true labels (``score``, ``evaluate``).
    """
    y = _rows(y)
    if not _is_label_lists(y):
        Y = _indicator_matrix(y, None)
        if Y.shape[1] != len(classes):
            raise InputValueError(f"y has {Y.shape[1]} columns but this model has {len(classes)} labels {classes.tolist()}")
        return Y
    label_lists = check_label_lists(y)
    index = {label: j for j, label in enumerate(classes.tolist())}
    unknown = sorted({label for labels in label_lists for label in labels} - set(index))
    if unknown:
        raise InputValueError(f"labels {unknown} are not labels of this model {classes.tolist()}")
    Y = np.zeros((len(label_lists), len(classes)), dtype=bool)
    for i, labels in enumerate(label_lists):
        Y[i, [index[label] for label in labels]] = True
    return Y


def ranked_labels(proba: np.ndarray, thresholds: np.ndarray, classes: np.ndarray) -> list[list[Any]]:
    """Each row's labels: those whose score reaches their threshold, most probable first (ties in label order).

    The lists are made once per pattern of (labels, order), not once per row. A
    pattern is one integer, the row's label numbers + 1 as digits (``np.unique``
    of whole rows is four times slower), unless that would overflow int64.

    >>> ranked_labels(np.array([[0.2, 0.9], [0.6, 0.1]]), np.array([0.5, 0.5]), np.array(["a", "b"], dtype=object))
    [['b'], ['a']]
    >>> ranked_labels(np.array([[0.7, 0.9]]), np.array([0.5, 0.5]), np.array(["a", "b"], dtype=object))
    [['b', 'a']]
    """
    if len(proba) == 0:
        return []
    order = np.argsort(-proba, axis=1, kind="stable")
    kept = np.where(np.take_along_axis(proba >= thresholds, order, axis=1), order, -1)
    n_labels = kept.shape[1]
    if (n_labels + 1) ** n_labels < 2**63:
        codes = (kept + 1) @ ((n_labels + 1) ** np.arange(n_labels, dtype=np.int64))
    else:
        codes = np.unique(kept, axis=0, return_inverse=True)[1].reshape(-1)
    _, first_row, row_pattern = np.unique(codes, return_index=True, return_inverse=True)
    names = classes.tolist()
    patterns = [[names[j] for j in kept[row] if j >= 0] for row in first_row.tolist()]
    return [list(patterns[i]) for i in row_pattern.tolist()]
