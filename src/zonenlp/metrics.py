"""How well predicted labels match true ones: per-label and averaged figures, with numpy alone.

The figures of ``zonenlp evaluate``, of a model's ``evaluate`` and
``cv_scores_``, and of the benchmarks. Both inputs are boolean indicator
matrices ``(n_samples, n_labels)``; "other" is a row without any label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["f1", "multilabel_scores"]


def f1(truth: np.ndarray, pred: np.ndarray) -> float:
    """F1 of boolean predictions against boolean truth (1.0 when both are empty).

    >>> f1(np.array([True, True, False]), np.array([True, False, False]))
    0.6666666666666666
    """
    tp = float(np.sum(truth & pred))
    denominator = float(np.sum(truth) + np.sum(pred))
    return 2 * tp / denominator if denominator else 1.0


def multilabel_scores(truth: np.ndarray, pred: np.ndarray, labels: Sequence[Any]) -> dict[str, Any]:
    """Per-label precision/recall/F1, micro and macro F1, exact match and F1 of "other".

    ``truth`` and ``pred`` are boolean arrays of shape ``(n, len(labels))``.
    """
    truth = np.asarray(truth, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    per_label = {}
    for j, label in enumerate(labels):
        t, p = truth[:, j], pred[:, j]
        tp, support, predicted = int(np.sum(t & p)), int(np.sum(t)), int(np.sum(p))
        per_label[label] = {
            "precision": tp / predicted if predicted else 0.0,
            "recall": tp / support if support else 0.0,
            "f1": f1(t, p),
            "support": support,
        }
    return {
        "per_label": per_label,
        "micro_f1": f1(truth.ravel(), pred.ravel()),
        "macro_f1": float(np.mean([v["f1"] for v in per_label.values()])),
        "exact_match": float(np.mean((truth == pred).all(axis=1))) if len(truth) else 0.0,
        "other_f1": f1(~truth.any(axis=1), ~pred.any(axis=1)),
        "n": int(len(truth)),
    }
