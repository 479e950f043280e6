"""Tagging on several cores: worker processes that each receive the model once.

Threads would not help: segmentation and featurization are Python code that
holds the GIL. Each worker process receives the model a single time (in its
initializer) and then only batches of text: where processes are forked (Linux)
it inherits the parent's model, dictionary and lookup tables already built,
with nothing pickled; elsewhere the model is pickled once per worker; results come back in the
order of the input, with at most two batches per worker in flight, so a
stream of any length is tagged in bounded memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np

from .errors import InputValueError

__all__ = ["resolve_jobs", "proba_batches"]

_WORKER_MODEL: Any = None


def _init_worker(model: Any) -> None:
    global _WORKER_MODEL  # one model per worker process, set once by the pool's initializer
    _WORKER_MODEL = model


def _worker_proba(texts: list[str]) -> np.ndarray:
    return _WORKER_MODEL.predict_proba(texts, batch_size=max(len(texts), 1))


def resolve_jobs(n_jobs: int | None) -> int:
    """``None`` or 1: one process; ``-1``: one per core; ``k > 1``: k processes."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InputValueError(f"n_jobs must be None, -1 or a positive int, got {n_jobs!r}")
    return os.cpu_count() or 1 if n_jobs == -1 else n_jobs


def proba_batches(model: Any, batches: Iterable[list[str]], n_jobs: int) -> Iterator[np.ndarray]:
    """The probabilities of each batch, in order, computed by ``n_jobs`` worker processes."""
    model.predict_proba(["预热"])  # build the segmenter and lookup tables once, here, for forked workers to inherit
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(model,)) as pool:
        pending: deque[Future[np.ndarray]] = deque()
        for batch in batches:
            pending.append(pool.submit(_worker_proba, batch))
            if len(pending) >= 2 * n_jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
