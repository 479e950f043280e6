"""Work on several cores: this process and worker processes that each receive the work's state once.

Threads would not help: segmentation and featurization are Python code that
holds the GIL. ``n_jobs`` processes share the batches: ``n_jobs - 1`` workers
and the calling process itself, which takes a batch whenever every worker
already has two waiting — so two cores run two busy processes, not two
workers beside a third that only waits. Each worker receives the state (the
model, and whatever else the work needs) a single time, in its initializer:
where processes are forked (Linux) it inherits the caller's state with its
dictionary and lookup tables already built, and nothing is pickled; elsewhere
the state is pickled once per worker. Results come back in the order of the
input, with at most ``2 * n_jobs`` batches taken ahead of the one returned, so
a stream of any length is processed in bounded memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

import numpy as np

from .errors import InputValueError

__all__ = ["resolve_jobs", "map_batches", "proba_batches", "proba_ranges"]

State = TypeVar("State")
Batch = TypeVar("Batch")
Result = TypeVar("Result")

_WORKER_STATE: Any = None


def _init_worker(state: Any) -> None:
    global _WORKER_STATE  # set once per worker process by the pool's initializer; never in the caller
    _WORKER_STATE = state


def _run(work: Callable[[Any, Any], Any], batch: Any) -> Any:
    return work(_WORKER_STATE, batch)


def resolve_jobs(n_jobs: int | None) -> int:
    """``None`` or 1: one process; ``-1``: one per core; ``k > 1``: k processes."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InputValueError(f"n_jobs must be None, -1 or a positive int, got {n_jobs!r}")
    return os.cpu_count() or 1 if n_jobs == -1 else n_jobs


def map_batches(
    state: State, work: Callable[[State, Batch], Result], batches: Iterable[Batch], n_jobs: int
) -> Iterator[Result]:
    """``work(state, batch)`` for each batch, in order, computed by ``n_jobs`` processes:
    this one and ``n_jobs - 1`` workers.

    ``state`` should be ready to use (dictionaries loaded) before the call, so
    that forked workers inherit it built. ``work`` must be picklable (a
    module-level function, or a ``functools.partial`` of one).
    """
    if n_jobs <= 1:
        yield from (work(state, batch) for batch in batches)
        return
    helpers = n_jobs - 1
    with ProcessPoolExecutor(max_workers=helpers, initializer=_init_worker, initargs=(state,)) as pool:
        pending: deque[Future[Result]] = deque()
        for batch in batches:
            if sum(not p.done() for p in pending) < 2 * helpers:
                pending.append(pool.submit(_run, work, batch))
            else:  # every worker has two batches waiting: this process takes the next one
                own: Future[Result] = Future()
                own.set_result(work(state, batch))
                pending.append(own)
            # hand back what is finished in order; wait for the oldest only when too many are held
            while pending and (pending[0].done() or len(pending) > 2 * n_jobs):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


#: What a model (or keyword extractor) is run on before workers start.
WARM_UP_TEXT = "预热"


def warmed(model: Any) -> Any:
    """``model``, with its segmenter and lookup tables built here, for forked workers to inherit."""
    model.predict_proba([WARM_UP_TEXT])
    return model


def _proba(model: Any, texts: list[str]) -> np.ndarray:
    return model.predict_proba(texts, batch_size=max(len(texts), 1))


def proba_batches(model: Any, batches: Iterable[list[str]], n_jobs: int) -> Iterator[np.ndarray]:
    """The probabilities of each batch of texts, in order, computed by ``n_jobs`` processes."""
    return map_batches(warmed(model), _proba, batches, n_jobs)


def _proba_of_range(state: tuple[Any, list[str]], bounds: tuple[int, int]) -> np.ndarray:
    model, texts = state
    return _proba(model, texts[bounds[0] : bounds[1]])


def proba_ranges(model: Any, texts: list[str], size: int, n_jobs: int) -> Iterator[np.ndarray]:
    """The probabilities of ``texts``, ``size`` at a time, in order, computed by ``n_jobs`` processes.

    For a list known in full: the texts travel with the model as the workers'
    state (inherited, not pickled, where processes are forked), so each batch
    sent is two integers and the calling process spends its time computing,
    not pickling texts for the workers.
    """
    bounds = ((start, min(start + size, len(texts))) for start in range(0, len(texts), size))
    return map_batches((warmed(model), texts), _proba_of_range, bounds, n_jobs)
