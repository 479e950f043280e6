"""Work on several cores: this process and worker processes that each receive the work's state once.

Threads would not help: segmentation and featurization are Python code that
holds the GIL. ``n_jobs`` processes share the work: ``n_jobs - 1`` workers and
the calling process itself, so two cores run two busy processes, not two
workers beside a third that only waits. Each worker receives the state (the
model, and whatever else the work needs) a single time, in its initializer:
where processes are forked (Linux) it inherits the caller's state with its
dictionary and lookup tables already built, and nothing is pickled; elsewhere
the state is pickled once per worker.

Two ways to share, both giving results in the order of the input:

- :func:`map_batches`, for a stream: batches are handed to the workers as they
  are read, the calling process takes one whenever every worker already has
  two waiting, and at most ``2 * n_jobs`` batches are taken ahead of the one
  returned, so a stream of any length is processed in bounded memory;
- :func:`map_ranges`, for a list known in full: the list travels with the
  state, and each process claims the next range of it from a counter in
  shared memory whenever it is free, so none waits for another.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from .errors import InputValueError

__all__ = ["resolve_jobs", "map_batches", "proba_batches", "map_ranges", "proba_of_list", "tapering_ranges"]

State = TypeVar("State")
Batch = TypeVar("Batch")
Result = TypeVar("Result")

_WORKER_STATE: Any = None


def _init_worker(state: Any) -> None:
    global _WORKER_STATE  # set once per worker process by the pool's initializer; never in the caller
    _WORKER_STATE = state


def _run(work: Callable[[Any, Any], Any], batch: Any) -> Any:
    return work(_WORKER_STATE, batch)


@contextmanager
def _workers(count: int, state: Any) -> Iterator[ProcessPoolExecutor]:
    """``count`` worker processes that start with ``state``. On leaving, work not
    started is cancelled and the workers' exit is not waited for: it is the
    unmapping of a copy of this process, longer the more memory this process
    holds, and the pool's own thread waits for it."""
    pool = ProcessPoolExecutor(count, multiprocessing.get_context(), initializer=_init_worker, initargs=(state,))
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


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
    with _workers(helpers, state) as pool:
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


#: The shortest range that :func:`tapering_ranges` makes (but for the last):
#: shorter ones would cost more in per-call overhead than they save at the end.
SHORTEST_RANGE = 64


def tapering_ranges(n: int, size: int, jobs: int, shortest: int = SHORTEST_RANGE) -> list[tuple[int, int]]:
    """``(start, stop)`` ranges covering ``0 .. n``: ``size`` long while much is left, then
    shorter (each a ``2 * jobs``-th of what is left, at least ``shortest``), so that
    the processes finish together instead of one waiting for another's last range.
    The ranges depend on ``n``, ``size`` and ``jobs`` only, so the results do too."""
    bounds = []
    start = 0
    while start < n:
        stop = min(n, start + min(size, max(shortest, -(-(n - start) // (2 * jobs)))))
        bounds.append((start, stop))
        start = stop
    return bounds


class _Claims:
    """The ranges of a list, claimed one at a time by whichever process is free:
    a counter in shared memory, inherited by forked workers (and passed to
    spawned ones when they start)."""

    def __init__(self, bounds: list[tuple[int, int]], context: Any) -> None:
        self.bounds = bounds
        self._next = context.Value("q", 0)

    def __iter__(self) -> Iterator[tuple[int, tuple[int, int]]]:
        while True:
            with self._next.get_lock():
                index = self._next.value
                self._next.value = index + 1
            if index >= len(self.bounds):
                return
            yield index, self.bounds[index]

    def close(self) -> None:
        """Leave nothing to claim: the workers stop after the range they are on."""
        with self._next.get_lock():
            self._next.value = len(self.bounds)


def _work_on_claims(state: tuple[Any, _Claims], work: Callable[[Any, int, int], Any]) -> list[tuple[int, Any]]:
    shared, claims = state
    return [(index, work(shared, start, stop)) for index, (start, stop) in claims]


def map_ranges(
    state: State, work: Callable[[State, int, int], Result], bounds: list[tuple[int, int]], n_jobs: int
) -> list[Result]:
    """``work(state, start, stop)`` for each of ``bounds``, in their order, computed by
    ``n_jobs`` processes: this one and ``n_jobs - 1`` workers, each claiming the
    next range whenever it is free.

    For work whose input is known in full, as a sequence in ``state`` (inherited
    with it, not pickled, where processes are forked). Each worker sends its
    results back once, at the end: no process waits for work to be handed to it
    or for another's result to be taken in order, and with
    :func:`tapering_ranges` all finish at about the same time. ``work`` must be
    picklable, as for :func:`map_batches`.
    """
    if n_jobs <= 1:
        return [work(state, start, stop) for start, stop in bounds]
    claims = _Claims(bounds, multiprocessing.get_context())
    with _workers(n_jobs - 1, (state, claims)) as pool:
        workers = [pool.submit(_run, _work_on_claims, work) for _ in range(n_jobs - 1)]
        try:
            done = _work_on_claims((state, claims), work)
        finally:  # an error here (or an interrupt) stops the workers at their next claim
            claims.close()
        for worker in workers:
            done += worker.result()
    done.sort(key=lambda item: item[0])
    return [result for _, result in done]


def _proba_of_range(state: tuple[Any, list[str]], start: int, stop: int) -> np.ndarray:
    model, texts = state
    return _proba(model, texts[start:stop])


def proba_of_list(model: Any, texts: list[str], size: int, n_jobs: int) -> np.ndarray:
    """The probabilities of ``texts``, an ``(n, labels)`` array, computed by ``n_jobs``
    processes sharing the :func:`tapering_ranges` of at most ``size`` texts."""
    bounds = tapering_ranges(len(texts), size, n_jobs)
    return np.vstack(map_ranges((warmed(model), texts), _proba_of_range, bounds, n_jobs))
