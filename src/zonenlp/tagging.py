"""Tags for people: each text's themes and per-label scores, for a list or a stream of texts.

A tag is ``{"themes": [...], "scores": {label: p}}``: the labels the model
predicts for the text, most probable first (``[]`` for "other"), and every
label's probability as :meth:`~zonenlp.ThemeClassifier.predict_proba` gives
it, unrounded. Output for people rounds the scores to
:data:`SCORE_DECIMALS` where it is formatted (:func:`rounded_scores`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import numpy as np

from .labels import ranked_labels
from .workers import resolve_jobs
from .text import check_positive_int, check_text

__all__ = ["tags_of", "tag", "tag_many", "rounded_scores", "SCORE_DECIMALS"]

#: Decimals of the scores that ``zonenlp tag``, ``zonenlp batch`` and tag frames show.
SCORE_DECIMALS = 4

#: With n_jobs, tag_many reads this many batches per process at a time: the
#: processes wait for each other once per group, so groups should be long.
_BATCHES_PER_GROUP = 8


def tags_of(model: Any, proba: np.ndarray) -> list[dict[str, Any]]:
    """The tags of the rows of ``proba``, the scores of a fitted ``model``."""
    labels = model.classes_.tolist()
    return [
        {"themes": themes, "scores": dict(zip(labels, row))}
        for themes, row in zip(ranked_labels(proba, model.thresholds_, model.classes_), proba.tolist())
    ]


def tag(
    model: Any, texts: Iterable[str], *, articles: Any = None, batch_size: int = 500, n_jobs: int | None = None,
) -> list[dict[str, Any]]:
    """The tag of each of ``texts``; see :meth:`zonenlp.ThemeClassifier.tag`.

    >>> import zonenlp
    >>> tags = tag(zonenlp.load(), ["园区人才公寓投入使用，首批200名青年人才拎包入住。"])
    >>> tags[0]["themes"], rounded_scores(tags[0]["scores"])
    (['talent'], {'investment': 0.0003, 'environment': 0.0001, 'talent': 1.0, 'outreach': 0.0001})
    """
    return tags_of(model, model.predict_proba(texts, articles=articles, batch_size=batch_size, n_jobs=n_jobs))


def tag_many(model: Any, texts: Iterable[str], *, batch_size: int = 500, n_jobs: int | None = None) -> Iterator[dict[str, Any]]:
    """The tags of a stream of texts, in input order; see :meth:`zonenlp.ThemeClassifier.tag_many`."""
    check_positive_int(batch_size, "batch_size")
    jobs = resolve_jobs(n_jobs)
    limit = model.featurizer_.tokenizer_.max_chars
    group_size = batch_size * (1 if jobs == 1 else _BATCHES_PER_GROUP * jobs)
    checked = (check_text(text, where=f"texts[{index}]", max_chars=limit) for index, text in enumerate(texts))
    while group := list(islice(checked, group_size)):
        yield from tag(model, group, batch_size=batch_size, n_jobs=jobs)


def rounded_scores(scores: dict[Any, float]) -> dict[Any, float]:
    """``scores`` to :data:`SCORE_DECIMALS` decimals, for output people read."""
    return {label: round(p, SCORE_DECIMALS) for label, p in scores.items()}
