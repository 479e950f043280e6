"""Work on several cores: worker processes that each receive the model once.

Threads would not help: segmentation and featurization are Python code that
holds the GIL. Each worker process receives the model a single time (in its
initializer) and then only batches of input. Where processes are forked
(Linux) a worker inherits the parent's model with its dictionary and lookup
tables already built, and nothing is pickled; elsewhere the model is pickled
once per worker. Results come back in the order of the input, with at most two
batches per worker in flight, so a stream of any length is processed in
bounded memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

import numpy as np

from .errors import InputValueError

__all__ = ["resolve_jobs", "map_batches", "proba_batches"]

Batch = TypeVar("Batch")
Result = TypeVar("Result")

_WORKER_MODEL: Any = None


def _init_worker(model: Any) -> None:
    global _WORKER_MODEL  # one model per worker process, set once by the pool's initializer
    _WORKER_MODEL = model


def _run(work: Callable[[Any, Any], Any], batch: Any) -> Any:
    return work(_WORKER_MODEL, batch)


def resolve_jobs(n_jobs: int | None) -> int:
    """``None`` or 1: one process; ``-1``: one per core; ``k > 1``: k processes."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InputValueError(f"n_jobs must be None, -1 or a positive int, got {n_jobs!r}")
    return os.cpu_count() or 1 if n_jobs == -1 else n_jobs


def map_batches(
    model: Any, work: Callable[[Any, Batch], Result], batches: Iterable[Batch], n_jobs: int
) -> Iterator[Result]:
    """``work(model, batch)`` for each batch, in order, computed by ``n_jobs`` worker processes.

    ``work`` must be picklable (a module-level function, or a
    ``functools.partial`` of one).
    """
    model.predict_proba(["预热"])  # build the segmenter and lookup tables once, here, for forked workers to inherit
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(model,)) as pool:
        pending: deque[Future[Result]] = deque()
        for batch in batches:
            pending.append(pool.submit(_run, work, batch))
            if len(pending) >= 2 * n_jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _proba(model: Any, texts: list[str]) -> np.ndarray:
    return model.predict_proba(texts, batch_size=max(len(texts), 1))


def proba_batches(model: Any, batches: Iterable[list[str]], n_jobs: int) -> Iterator[np.ndarray]:
    """The probabilities of each batch of texts, in order, computed by ``n_jobs`` worker processes."""
    return map_batches(model, _proba, batches, n_jobs)
