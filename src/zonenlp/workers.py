"""Work on several cores: worker processes from loky (joblib's process executor), each holding a copy of the model.

Threads would not help: segmentation and featurization hold the GIL. ``n_jobs - 1``
workers and the calling process share the work; the caller takes an item whenever every
worker has two waiting, which on two cores is as fast as two workers beside an idle caller
(``benchmarks/speed.py``), holds one model fewer, and computes while the workers start.

loky starts each worker as a fresh interpreter with the model (the initializer), restarts
one that dies, and ends idle workers after :data:`IDLE_SECONDS` and all of them when this
process exits. Added here: a worker exits within a second of its parent's death
(``kill -9`` runs no exit handler); and the executor is zonenlp's own, not loky's
``get_reusable_executor``, which is joblib's too: scikit-learn's ``n_jobs`` would replace
it between two calls, and joblib fails on an executor it did not make.

The executor serves later calls (which then send only their input) while the model's and
its featurizer's public attributes are the objects they were when it started: a refit, a
``use_backend`` or an assignment starts new workers; a change in place
(``model.thresholds_[0] = 0.3``) is not seen.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

from .errors import InputValueError

__all__ = ["IDLE_SECONDS", "resolve_jobs", "tapering_ranges", "map_in_order", "release"]

Item = TypeVar("Item")
Result = TypeVar("Result")

#: How long idle workers wait for more work before they exit, in seconds.
IDLE_SECONDS = 60.0

#: Items waiting for each worker: one to start as soon as it finishes the one it is on.
_WAITING_PER_WORKER = 2

#: The shortest range that :func:`tapering_ranges` makes (but for the last):
#: shorter ones would cost more in per-item overhead than they save at the end.
SHORTEST_RANGE = 64


def resolve_jobs(n_jobs: int | None) -> int:
    """``None`` or 1: one process; ``-1``: one per core; ``k > 1``: k processes."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InputValueError(f"n_jobs must be None, -1 or a positive int, got {n_jobs!r}")
    return os.cpu_count() or 1 if n_jobs == -1 else n_jobs


def tapering_ranges(n: int, size: int, jobs: int) -> list[tuple[int, int]]:
    """``(start, stop)`` ranges covering ``0 .. n``: ``size`` long while much is left, then
    shorter (each a ``2 * jobs``-th of what is left, at least :data:`SHORTEST_RANGE`), so
    that the processes finish together instead of one waiting for another's last range.
    The ranges depend on ``n``, ``size`` and ``jobs`` only, so the results do too."""
    bounds = []
    start = 0
    while start < n:
        stop = min(n, start + min(size, max(SHORTEST_RANGE, -(-(n - start) // (2 * jobs)))))
        bounds.append((start, stop))
        start = stop
    return bounds


# -- in a worker -------------------------------------------------------------------

_model: Any = None


def _exit_when_orphaned(parent: int) -> None:
    """End this worker once ``parent`` is gone (it then has another parent process)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


#: What a worker's model predicts first, so that its lookup tables are built (and scipy
#: imported: a batch of 64 texts or more goes through scipy's sparse product) before work arrives.
WARM_UP = ("预热",) * 64


def _receive(model: Any) -> None:
    """The executor's initializer: runs once in each worker as it starts."""
    global _model  # set in worker processes only, never in the one that calls map_in_order
    _model = model
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    model.predict_proba(list(WARM_UP))


def _run(work: Callable[[Any, Any], Any], item: Any) -> Any:
    return work(_model, item)


# -- in the calling process -----------------------------------------------------------


def _parts(model: Any) -> tuple[Any, ...]:
    """What the model computes with: its public attributes and its featurizer's, as objects."""
    parts = [value for name, value in vars(model).items() if not name.startswith("_")]
    featurizer = getattr(model, "featurizer_", None)
    if featurizer is not None:
        parts += [value for name, value in vars(featurizer).items() if not name.startswith("_")]
    return tuple(parts)


class _Weak:
    """A model as the executor's initializer argument: held weakly here, so that the
    workers of a model that is gone end with their executor (see ``_workers``), and
    unpickled in each worker as the model itself."""

    def __init__(self, model: Any) -> None:
        self.ref = weakref.ref(model)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return pickle.loads, (pickle.dumps(self.ref(), protocol=pickle.HIGHEST_PROTOCOL),)


class _Workers:
    """A loky executor of ``count`` workers started with a model, and what the model was made of then."""

    def __init__(self, model: Any, count: int) -> None:
        from joblib.externals.loky import ProcessPoolExecutor

        self.count, self.parts = count, _parts(model)
        self.executor = ProcessPoolExecutor(count, timeout=IDLE_SECONDS, initializer=_receive, initargs=(_Weak(model),))
        #: whether a worker has handed back a result: until then, they may still be starting
        self.warm = False

    def serve(self, model: Any, count: int) -> bool:
        """Whether these workers hold ``model`` as it is now, and are ``count``."""
        parts = _parts(model)
        return self.count == count and len(parts) == len(self.parts) and all(a is b for a, b in zip(parts, self.parts))

    def submit(self, work: Callable[[Any, Item], Result], item: Item) -> Future[Result]:
        """``work(model, item)`` in a worker; raises RuntimeError if the workers were shut down or broke."""
        future = self.executor.submit(_run, work, item)
        future.add_done_callback(self._returned)
        return future

    def _returned(self, future: Future[Any]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.warm = True

    def close(self) -> None:
        """Let the workers exit after the items they have, without waiting."""
        self.executor.shutdown(wait=False)


_lock = threading.Lock()
# each model's workers, for as long as the model lives
_workers: weakref.WeakKeyDictionary[Any, _Workers] = weakref.WeakKeyDictionary()


def _workers_for(model: Any, count: int, failed: _Workers | None = None) -> _Workers:
    """``count`` workers holding ``model``: its running ones, or new ones if they hold
    an earlier state of it or are ``failed`` (shut down, or broken by a worker's death)."""
    with _lock:
        workers = _workers.get(model)
        if workers is None or workers is failed or not workers.serve(model, count):
            if workers is not None:
                workers.close()
            workers = _workers[model] = _Workers(model, count)
        return workers


def release(model: Any) -> None:
    """Let the workers of ``model`` exit now (without waiting for them)."""
    with _lock:
        workers = _workers.pop(model, None)
    if workers is not None:
        workers.close()


def _done(result: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(result)
    return future


def map_in_order(
    model: Any, work: Callable[[Any, Item], Result], items: Iterable[Item], n_jobs: int, *, ahead: int | None = None
) -> Iterator[Result]:
    """``work(model, item)`` for each item, in order, on ``n_jobs`` processes: this one
    and ``n_jobs - 1`` workers that hold a copy of ``model``.

    At most ``ahead`` items (default ``2 * n_jobs``) are read ahead of the result
    handed back, so a stream takes bounded memory; a list in memory can pass its
    length, so that this process goes on computing while a worker finishes an item.
    ``work`` (a module-level function, or a ``functools.partial`` of one), the items
    and the results must be picklable. An error in a worker is raised here, and
    the items not yet started are cancelled.
    """
    if n_jobs <= 1:
        yield from (work(model, item) for item in items)
        return
    ahead = 2 * n_jobs if ahead is None else ahead
    workers = _workers_for(model, n_jobs - 1)
    pending: deque[tuple[Item, Future[Result]]] = deque()
    try:
        for item in items:
            future = None
            if sum(not f.done() for _, f in pending) < _WAITING_PER_WORKER * (n_jobs - 1):
                try:
                    future = workers.submit(work, item)
                except RuntimeError:  # shut down by another thread's call, or broken: new workers from the next item
                    workers = _workers_for(model, n_jobs - 1, failed=workers)
            pending.append((item, _done(work(model, item)) if future is None else future))
            while pending and (pending[0][1].done() or len(pending) > ahead):
                yield _result(model, work, workers, *pending.popleft())
        while pending:
            waiting = sum(not f.done() for _, f in pending)
            if waiting > n_jobs - 1 and workers.warm and pending[-1][1].cancel():
                # nothing left to read, and a worker has an item it has not begun (more items
                # than workers), now withdrawn from it: this process takes it instead of waiting idle
                item, _ = pending.pop()
                pending.append((item, _done(work(model, item))))
                continue
            yield _result(model, work, workers, *pending.popleft())
    finally:
        for _, future in pending:
            future.cancel()


def _result(model: Any, work: Callable[[Any, Item], Result], workers: _Workers, item: Item, future: Future[Result]) -> Result:
    """The result of ``item``: the future's, or computed here while no worker has handed
    back anything yet (they may still be starting: an interpreter, the model, a dictionary)."""
    return future.result() if future.done() or workers.warm else work(model, item)
