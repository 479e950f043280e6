"""Tagging on Dask: bags of texts and dataframe columns, with the model loaded once per worker.

Needs the optional dependencies: ``pip install "zonenlp[dask]"``.

>>> import dask.bag as db, zonenlp.dask
>>> bag = db.from_sequence(["园区新签约项目12个。", ""], npartitions=2)
>>> zonenlp.dask.tag_bag(bag).compute(scheduler="sync")  # a cluster's workers run the same
[{'themes': ['investment'], 'scores': {...}, 'keywords': ['签约项目']}, {'error': 'text is empty'}]

The workers run :func:`zonenlp.batch.tag_values`, as the local batch path
does, so both give identical records. A worker loads a model file once and
keeps it, so the file must be readable at the same path on every worker (the
shipped model, ``model=None``, always is).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from .batch import tag_frame as _tag_pandas_frame
from .batch import keyword_extractor, tag_values
from .errors import InputTypeError, InputValueError, MissingDependencyError
from .records import frame_with_tags
from .text import check_positive_int

__all__ = ["tag_bag", "tag_frame", "tag_chunks", "map_on_cluster", "connect"]

# (model path, backend) -> (model, keyword extractor) in a worker; the lock keeps its threads from loading twice
_MODELS: dict[tuple[str | None, str], tuple[Any, Any]] = {}
_MODELS_LOCK = threading.Lock()


def _require(module: str) -> ModuleType:
    """Import ``module`` or say how to install it."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"zonenlp.dask needs {module} ({exc}); install it with: pip install \"zonenlp[dask]\""
        ) from exc


def _model_path(model: str | Path | None) -> str | None:
    # absolute, so that a worker started in another directory finds the same file
    return None if model is None else str(Path(model).resolve())


def _on_worker(
    partition: Any, tag: Callable[..., Any], model: str | None, backend: str, *args: Any, **options: Any
) -> Any:
    """``tag(model, partition, *args, **options)`` with this worker's model and keyword extractor, loaded once."""
    from .persistence import load

    with _MODELS_LOCK:
        if (model, backend) not in _MODELS:
            loaded = load(model, backend=backend)
            _MODELS[model, backend] = (loaded, keyword_extractor(loaded))
        loaded, extractor = _MODELS[model, backend]
    return tag(loaded, partition, *args, extractor=extractor, **options)


def tag_bag(bag: Any, model: str | Path | None = None, *, k: int = 5, figures: bool = False, backend: str = "auto") -> Any:
    """A ``dask.bag`` of texts -> a bag of records, in the same order.

    Each text becomes ``{"themes": [...], "scores": {label: p}, "keywords": [term, ...]}``
    (plus ``"figures"`` with ``figures=True``); a value that cannot be tagged
    (not a str, empty, too long) becomes ``{"error": "why"}``. ``model`` is a
    model file every worker can read (``None``: the shipped model);
    ``backend`` is passed to :func:`zonenlp.load` on the workers.
    """
    dask_bag = _require("dask.bag")
    if not isinstance(bag, dask_bag.Bag):
        raise InputTypeError(f"bag must be a dask.bag.Bag, got {type(bag).__name__}")
    check_positive_int(k, "k")
    return bag.map_partitions(_on_worker, tag_values, _model_path(model), backend, k=k, with_figures=figures)


def tag_frame(ddf: Any, column: str, model: str | Path | None = None, *, k: int = 5, backend: str = "auto") -> Any:
    """A ``dask.dataframe`` with the tags of its text ``column`` added as columns.

    The columns are those of :meth:`zonenlp.ThemeClassifier.tag_frame`:
    ``themes`` (list), ``score_<label>`` per label, ``keywords`` (list) and
    ``error`` (the reason a row could not be tagged, else ``None``). The
    labels come from the model's manifest, so the client never loads the model.
    """
    from .persistence import read_manifest

    dask_dataframe = _require("dask.dataframe")
    if not isinstance(ddf, dask_dataframe.DataFrame):
        raise InputTypeError(f"ddf must be a dask.dataframe.DataFrame, got {type(ddf).__name__}")
    if column not in ddf.columns:
        raise InputValueError(f"the frame has no column {column!r}; its columns are {list(ddf.columns)}")
    check_positive_int(k, "k")
    path = _model_path(model)
    meta = frame_with_tags(ddf._meta, [], read_manifest(path)["labels"])
    return ddf.map_partitions(_on_worker, _tag_pandas_frame, path, backend, column, k=k, meta=meta)


def tag_chunks(
    client: Any, chunks: Iterable[list[object]], model: str | Path | None = None, *,
    k: int = 5, figures: bool = False, backend: str = "auto",
) -> Iterator[list[dict[str, Any]]]:
    """Tag a stream of chunks on the cluster of ``client``, yielding each chunk's
    records in order. Each chunk is a one-partition bag through :func:`tag_bag`;
    at most two chunks per worker thread are in flight, so a stream of any
    length is tagged in bounded memory. This is ``zonenlp batch --engine dask``.

    Make ``client`` with :func:`connect`, or with ``distributed.admin.low-level-log-length``
    set to 0: otherwise distributed keeps the last 1,000 chunks sent, for debugging.
    """
    dask_bag = _require("dask.bag")

    def compute(chunk: list[object]) -> Any:
        return client.compute(tag_bag(dask_bag.from_sequence(chunk, npartitions=1), model, k=k, figures=figures,
                                      backend=backend))

    return _in_order(client, compute, chunks)


def _in_order(client: Any, submit: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """The results of ``submit(item)`` (a future on ``client``'s cluster) for each item, in
    order, with at most two items per worker thread in flight: bounded memory for any stream."""
    window = 2 * max(sum(client.nthreads().values()), 1)
    pending: deque[Any] = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _with_model(model: Any, item: Any, work: Callable[[Any, Any], Any], extractor: Any = None) -> Any:
    return work(model, item)


def map_on_cluster(
    client: Any, work: Callable[[Any, Any], Any], items: Iterable[Any], model: str | Path | None = None, *,
    backend: str = "auto",
) -> Iterator[Any]:
    """``work(model, item)`` for each item on the cluster of ``client``, in order, with the
    model each worker loads once (``model``: a file every worker can read, ``None``: the
    shipped model). At most two items per worker thread are in flight, so a stream of any
    length takes bounded memory. This is ``zonenlp digest --engine dask``; ``work`` must be
    a module-level function the workers can import."""
    path = _model_path(model)
    return _in_order(client, lambda item: client.submit(_on_worker, item, _with_model, path, backend, work,
                                                        pure=False), items)


@contextmanager
def connect(scheduler: str | None = None, n_workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``scheduler``, or — without
    one — of a new local cluster of ``n_workers`` single-threaded worker
    processes (default: one per core), closed on exit."""
    dask = _require("dask")
    distributed = _require("distributed")
    # distributed keeps, for debugging, the last 1,000 messages of each connection, chunks of texts
    # included (measured: 1.4 GB at 10^4 records, 2.1 GB at 10^6); connections read this when made
    cluster = None
    with dask.config.set({"distributed.admin.low-level-log-length": 0}):
        if scheduler is None:
            # one thread per worker: tagging holds the GIL; any free dashboard port: another cluster may have 8787
            cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                               dashboard_address=":0")
        client = distributed.Client(scheduler if cluster is None else cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
