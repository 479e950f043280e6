"""Article context: a paragraph's themes informed by the other paragraphs of its article.

A reader judges a paragraph inside its article: a paragraph about an officer
visiting a company reads as business-environment work when the article around
it is about service to companies. :class:`ArticleContext` learns, for each
label, a logistic regression on three numbers per paragraph — its own margin
(``logit(p) - logit(threshold)``), the mean probability of the other
paragraphs of its article, and the higher probability of its two neighbours —
from out-of-fold probabilities of the training articles. It moves a
paragraph's probability only where the paragraph has an article around it:
a lone paragraph keeps the probability the model gave it.

>>> import numpy as np
>>> proba = np.array([[0.9], [0.4], [0.2]])
>>> context_features(proba, np.array([0.5]), ["a", "a", "b"])[1].tolist()
[True, True, False]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import InputValueError

__all__ = ["ArticleContext", "article_ranges", "check_articles", "context_features"]

_CLIP = 1e-4  # keeps logit() finite for probabilities of exactly 0 or 1


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _CLIP, 1 - _CLIP)
    return np.log(p / (1 - p))


def check_articles(articles: Sequence[Any], n: int) -> None:
    """Raise :class:`InputValueError` unless ``articles`` names exactly ``n`` paragraphs."""
    if len(articles) != n:
        raise InputValueError(f"got {n} paragraphs but {len(articles)} article names")


def context_features(proba: np.ndarray, thresholds: np.ndarray, articles: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The context features of each row, shape ``(n, n_labels, 3)``, and which rows have an article around them.

    ``articles`` names each row's article; rows of one article are in reading
    order. Features per label: the row's own margin, the mean probability of the
    other rows of its article, the higher probability of its neighbours.
    """
    proba = np.asarray(proba, dtype=float)
    check_articles(articles, len(proba))
    features = np.zeros(proba.shape + (3,))
    features[:, :, 0] = _logit(proba) - _logit(np.asarray(thresholds, dtype=float))
    if not len(proba):
        return features, np.zeros(0, dtype=bool)
    # each row's article as a number; rows ordered by article, reading order kept within one
    numbers: dict[Any, int] = {}
    article = np.array([numbers.setdefault(name, len(numbers)) for name in articles])
    sizes = np.bincount(article)
    in_article = sizes[article] >= 2
    totals = np.zeros((len(sizes), proba.shape[1]))
    np.add.at(totals, article, proba)
    others = np.maximum(sizes[article] - 1, 1)[:, None]
    features[:, :, 1] = np.where(in_article[:, None], (totals[article] - proba) / others, 0.0)
    order = np.argsort(article, kind="stable")
    ordered, same = proba[order], article[order][1:] == article[order][:-1]
    before = np.full(proba.shape, -np.inf)
    after = np.full(proba.shape, -np.inf)
    before[1:][same], after[:-1][same] = ordered[:-1][same], ordered[1:][same]
    neighbours = np.zeros(proba.shape)
    neighbours[order] = np.maximum(before, after)
    features[:, :, 2] = np.where(in_article[:, None], neighbours, 0.0)
    return features, in_article


def article_ranges(articles: Sequence[Any], size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` ranges of about ``size`` rows that never split an article
    (consecutive rows with one name), so that each range can be tagged in context.

    >>> article_ranges(["a", "a", "b", "b", "b", "c"], 3)
    [(0, 2), (2, 5), (5, 6)]
    """
    runs = [row for row in range(1, len(articles)) if articles[row] != articles[row - 1]] + [len(articles)]
    ranges: list[tuple[int, int]] = []
    start = previous = 0
    for end in runs:  # each run [previous, end) is one article
        if end - start > size and previous > start:
            ranges.append((start, previous))
            start = previous
        previous = end
    if len(articles) > start:
        ranges.append((start, len(articles)))
    return ranges


class ArticleContext:
    """Per-label logistic regressions that move a paragraph's probability by its article's.

    Parameters
    ----------
    C:
        Inverse regularization strength of the regressions.

    Attributes
    ----------
    coef_ : ndarray of shape (n_labels, 3)
        Weights of the own margin, the article mean and the neighbours' maximum.
    intercept_ : ndarray of shape (n_labels,)
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, proba: np.ndarray, thresholds: np.ndarray, Y: np.ndarray, articles: Sequence[Any]) -> ArticleContext:
        """Learn from out-of-fold probabilities ``proba`` of training paragraphs, their labels ``Y``
        (indicator matrix) and their articles. Only paragraphs with an article around them count."""
        from sklearn.linear_model import LogisticRegression

        features, in_article = context_features(proba, thresholds, articles)
        Y = np.asarray(Y).astype(int)
        if not in_article.any():
            raise InputValueError("article context needs articles of two or more paragraphs to learn from")
        # a label with one class only keeps the paragraph's own margin as it is
        coef, intercept = np.tile([1.0, 0.0, 0.0], (Y.shape[1], 1)), np.zeros(Y.shape[1])
        for j in range(Y.shape[1]):
            column = Y[in_article, j]
            if column.min() < column.max():
                regression = LogisticRegression(C=self.C).fit(features[in_article, j, :], column)
                coef[j], intercept[j] = regression.coef_[0], regression.intercept_[0]
        self.coef_, self.intercept_ = coef, intercept
        return self

    def adjust(self, proba: np.ndarray, thresholds: np.ndarray, articles: Sequence[Any]) -> np.ndarray:
        """``proba`` with the rows that have an article around them moved by it.

        The result is on the scale of the thresholds: a moved row reaches a label's
        threshold exactly where the regression says yes.
        """
        features, in_article = context_features(proba, thresholds, articles)
        out = np.array(proba, dtype=float, copy=True)
        if in_article.any():
            z = np.einsum("nkf,kf->nk", features[in_article], self.coef_) + self.intercept_
            out[in_article] = 1.0 / (1.0 + np.exp(-(z + _logit(np.asarray(thresholds, dtype=float)))))
        return out
