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

- :func:`map_batches`, for a stream of work that needs more than the model (the
  batch tagger's keywords and figures): batches are handed to the workers as
  they are read, the calling process takes one whenever every worker already
  has two waiting, and at most ``2 * n_jobs`` batches are taken ahead of the
  one returned, so a stream of any length is processed in bounded memory. Its
  workers live for one stream.
- :class:`KeptWorkers`, for lists known in full (``predict_proba``, and
  ``tag_many`` a group of batches at a time): workers kept between calls, to
  which each call sends its list; every process claims the next range of it
  from a counter in shared memory whenever it is free, so none waits for
  another.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from .errors import InputValueError

__all__ = ["resolve_jobs", "map_batches", "KeptWorkers", "kept_proba", "tapering_ranges"]

State = TypeVar("State")
Batch = TypeVar("Batch")
Result = TypeVar("Result")

_WORKER_STATE: Any = None


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _init_worker(state: Any) -> None:
    global _WORKER_STATE  # set once per worker process by the pool's initializer; never in the caller
    _WORKER_STATE = state
    # A worker waits for work on a pipe that it holds open itself, so it would
    # outlive a parent that ended without shutting it down (killed, or left by
    # os._exit, as a forked child does): it exits within a second of that.
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    # What the worker inherited or received lives as long as it does: out of the
    # garbage collector's sight, a full collection neither scans it (about 70 ms
    # in a process of 150,000 objects) nor writes to its pages, which would make
    # private copies of pages shared with the calling process.
    gc.freeze()


def _run(work: Callable[[Any, Any], Any], batch: Any) -> Any:
    return work(_WORKER_STATE, batch)


def _pool(count: int, state: Any) -> ProcessPoolExecutor:
    """``count`` worker processes that start with ``state`` (see :func:`_init_worker`)."""
    return ProcessPoolExecutor(count, multiprocessing.get_context(), initializer=_init_worker, initargs=(state,))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the work not started, and do not wait for the workers' exit: it is the
    unmapping of a copy of this process, longer the more memory this process
    holds, and the pool's own thread waits for it."""
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _workers(count: int, state: Any) -> Iterator[ProcessPoolExecutor]:
    """:func:`_pool`, stopped (:func:`_stop`) on leaving."""
    pool = _pool(count, state)
    try:
        yield pool
    finally:
        _stop(pool)


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
    """The ranges of one call, claimed one at a time by whichever process is free,
    from a counter in shared memory that the workers received when they started."""

    def __init__(self, bounds: list[tuple[int, int]], counter: Any) -> None:
        self.bounds = bounds
        self._next = counter

    def __iter__(self) -> Iterator[tuple[int, tuple[int, int]]]:
        while True:
            with self._next.get_lock():
                index = self._next.value
                self._next.value = index + 1
            if index >= len(self.bounds):
                return
            yield index, self.bounds[index]

    def open(self) -> None:
        """Start claiming from the first range (no worker is claiming now)."""
        with self._next.get_lock():
            self._next.value = 0

    def close(self) -> None:
        """Leave nothing to claim: the workers stop after the range they are on."""
        with self._next.get_lock():
            self._next.value = len(self.bounds)


_Call = tuple[Callable[[Any, Any, int, int], Any], Any, list[tuple[int, int]]]


def _work_on_claims(state_and_counter: tuple[Any, Any], call: _Call) -> list[tuple[int, Any]]:
    state, counter = state_and_counter
    work, shared, bounds = call
    return [(index, work(state, shared, start, stop)) for index, (start, stop) in _Claims(bounds, counter)]


#: How long kept workers wait for the next call before they exit.
KEPT_IDLE_SECONDS = 60.0


class KeptWorkers:
    """``jobs - 1`` worker processes that hold a copy of ``state`` between calls.

    Starting a worker costs a fork of this process — longer the more memory it
    holds — and, in both processes, copying every page either writes to for a
    while after; a call of 10,000 paragraphs is only about 0.15 s of work on each
    of two cores. So the workers are started once, with ``state``, and each
    call of :meth:`map` sends them only its input. They exit after
    ``idle_seconds`` without a call, on :meth:`close`, or after an error in a
    call; the object is then of no more use (:attr:`usable` is false).

    Each call is shared by this process and the workers: each claims the next
    of the call's ranges from a counter in shared memory whenever it is free,
    and each worker sends its results back once, at the end. With
    :func:`tapering_ranges` all finish within about one short range of each
    other. One call at a time: a call made while another thread's is running
    gets ``None`` and computes by itself.
    """

    def __init__(self, state: Any, jobs: int, key: tuple[Any, ...] = (), idle_seconds: float = KEPT_IDLE_SECONDS) -> None:
        self.jobs = jobs
        self.pid = os.getpid()
        self._key = key
        self._counter = multiprocessing.get_context().Value("q", 0)  # the pool's context (see _pool)
        self._pool = _pool(jobs - 1, (state, self._counter))
        self._idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._closed = False

    @property
    def usable(self) -> bool:
        """Not closed, and started by this process (a forked child must start its own)."""
        return not self._closed and self.pid == os.getpid()

    def serves(self, jobs: int, key: tuple[Any, ...]) -> bool:
        """Usable, with ``jobs`` processes, for state made of the very objects of ``key``."""
        return self.usable and self.jobs == jobs and len(key) == len(self._key) and all(a is b for a, b in zip(key, self._key))

    def map(
        self, state: State, work: Callable[[State, Any, int, int], Result], shared: Any, bounds: list[tuple[int, int]]
    ) -> list[Result] | None:
        """``work(state, shared, start, stop)`` for each of ``bounds``, in their order;
        ``state`` is this process's copy of what the workers hold, ``shared`` is
        sent to each worker (pickled). ``None`` if the workers are busy with
        another thread's call or closed. ``work`` must be picklable."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if not self.usable:
                return None
            if self._timer is not None:
                self._timer.cancel()
            try:
                done = self._share(state, (work, shared, bounds))
            except BaseException:  # a worker may still be on this call: none may see the next one's counter
                self._shut_down()
                raise
            self._timer = threading.Timer(self._idle_seconds, self._close_if_idle)
            self._timer.daemon = True
            self._timer.start()
        finally:
            self._lock.release()
        done.sort(key=lambda item: item[0])
        return [result for _, result in done]

    def _share(self, state: Any, call: _Call) -> list[tuple[int, Any]]:
        claims = _Claims(call[2], self._counter)
        claims.open()
        workers = [self._pool.submit(_run, _work_on_claims, call) for _ in range(self.jobs - 1)]
        try:
            done = _work_on_claims((state, self._counter), call)
        finally:  # an error here stops the workers at their next claim
            claims.close()
            wait(workers)
        for worker in workers:
            done += worker.result()
        return done

    def _close_if_idle(self) -> None:
        if self._lock.acquire(blocking=False):  # else a call has just begun: it starts a new timer
            try:
                self._shut_down()
            finally:
                self._lock.release()

    def close(self) -> None:
        """Let the workers exit (after the call in progress, if any). In a forked
        child, whose copy of this object refers to its parent's workers, only
        forget them."""
        if self.pid != os.getpid():  # the lock was copied as it was at the fork: maybe held for ever
            self._closed, self._key = True, ()
            return
        with self._lock:
            self._shut_down()

    def _shut_down(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._closed = True
        self._key = ()  # let go of the objects the workers were started from
        _stop(self._pool)


def _proba_of_range(model: Any, texts: list[str], start: int, stop: int) -> np.ndarray:
    return model.predict_proba(texts[start:stop], batch_size=stop - start)  # one batch, in this process


def kept_proba(kept: KeptWorkers, model: Any, texts: list[str], size: int) -> np.ndarray | None:
    """The probabilities of ``texts`` from ``model`` and the ``kept`` workers, which
    hold a copy of it, sharing the :func:`tapering_ranges` of at most ``size``
    texts; ``None`` if the workers are busy with another thread's call or closed."""
    parts = kept.map(model, _proba_of_range, texts, tapering_ranges(len(texts), size, kept.jobs))
    return None if parts is None else np.vstack(parts)
