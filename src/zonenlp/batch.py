"""Batch jobs: tag a file of any size in bounded memory, losing no record.

The pieces, each usable on its own (and importable from here):

- :class:`~zonenlp.readers.RecordReader` streams ``(id, value)`` records out
  of JSON Lines, CSV, plain text or newspaper pages, in UTF-8, UTF-8 with a
  BOM or GB18030 (:mod:`zonenlp.readers`).
- :func:`tag_values` tags one chunk of values: a record
  ``{"themes", "scores", "keywords"}`` for each text, ``{"error"}`` for each
  value that cannot be tagged (:mod:`zonenlp.records` has the layout). It is
  the one function every engine runs — in this process alone, in it and
  ``--jobs - 1`` worker processes (:func:`tag_chunks`), on Dask workers — so
  the engines give identical records.
- :func:`run_batch` reads, tags and writes a whole job through the
  checkpointed writer of :mod:`zonenlp.checkpoint`: output goes to
  ``OUT.part``, committed chunk by chunk, and becomes ``OUT`` only when the
  job is complete; ``resume=True`` continues a killed job.

Memory is bounded by the chunk size, not the input: the reader holds one
record, at most ``2 * n_jobs + 1`` chunks are in memory at once, and each
process holds one model.

Semantics (the command line documents the same):

- Every input record yields exactly one output record, in input order.
- A value that is not a ``str`` (``null``, numbers, lists), an empty or
  blank text, a text over the model's ``max_chars``, or an unreadable record
  (invalid bytes, not a JSON object, no text field) yields
  ``{"id": …, "error": "…"}``.
- A record whose id an earlier record of the job already had is written with
  ``"duplicate_id": true`` (CSV: a ``duplicate_id`` column) and counted in
  the summary: nothing is dropped or merged.
- The output is never the input: a job whose output (or its ``.part`` or
  ``.checkpoint`` file) is an input file, by path or through a link, is
  refused before anything is written; an existing output is replaced only
  with ``overwrite=True``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain, islice
from pathlib import Path
from typing import Any

from .checkpoint import CheckpointedWriter, SeenIds, check_output_path, skip_written, working_files
from .display import progress_bar
from .errors import InputTypeError, InputValueError
from .readers import INPUT_FORMATS, RecordReader, Unreadable, detect_encoding
from .records import frame_with_tags, tag_record
from .text import check_positive_int, check_text, check_texts, clean
from .workers import map_in_order, resolve_jobs

__all__ = [
    "RecordReader",
    "Unreadable",
    "detect_encoding",
    "tag_values",
    "keyword_extractor",
    "tag_chunks",
    "tag_texts",
    "tag_frame",
    "frame_with_tags",
    "text_limit",
    "run_batch",
    "check_output_path",
    "BatchSummary",
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
]

OUTPUT_FORMATS = ("jsonl", "csv")


def text_limit(model: Any) -> int | None:
    """The longest text (in characters) ``model`` accepts (its keywords are found with its tokenizer)."""
    return model.featurizer_.tokenizer_.max_chars


def _cleaned(value: object, max_chars: int | None) -> tuple[Any, str | None]:
    """``value`` cleaned once, where it enters (see :func:`zonenlp.text.clean`), or why it
    cannot be tagged: ``(text, None)`` or ``(None, "why")``."""
    if isinstance(value, Unreadable):
        return None, value.message
    if isinstance(value, str) and max_chars is not None and len(value) > max_chars:
        # check_text's message would suggest a max_chars option, which a batch job has not
        return None, f"text is {len(value):,} characters long, over the limit of {max_chars:,}; split it into paragraphs"
    try:
        text = clean(check_text(value, max_chars=max_chars), max_chars=None)
    except (InputTypeError, InputValueError) as exc:
        return None, str(exc)
    if not text:
        return None, "text is empty" if value == "" else "text has only whitespace or invisible characters"
    return text, None


def keyword_extractor(model: Any) -> Any:
    """The keyword extractor that goes with ``model``: zonenlp's, with the model's
    tokenizer (so rjieba's speed where the model uses it), as ``zonenlp batch``,
    ``zonenlp tag`` and :func:`zonenlp.analyze` use it, so that they give one
    paragraph the same keywords. Make one per job and pass it to
    :func:`tag_values`: it caches what it learns about each word."""
    from .keyword_extraction import KeywordExtractor

    return KeywordExtractor(tokenizer=model.featurizer_.tokenizer_)


def tag_values(
    model: Any, values: Sequence[object], *, k: int = 5, with_figures: bool = False, extractor: Any = None
) -> list[dict[str, Any]]:
    """Tag a chunk of values, one record per value, in order.

    A text gets ``{"themes": [...], "scores": {label: p}, "keywords": [term, ...]}``
    (plus ``"figures"``, dicts of :class:`~zonenlp.Figure`, with
    ``with_figures``); a value that cannot be tagged — not a ``str``, empty,
    over the model's ``max_chars``, an :class:`Unreadable` — gets
    ``{"error": "why"}`` instead of stopping the chunk. Keywords are the
    ``k`` best of ``extractor`` (default: :func:`keyword_extractor` of the model), terms only.
    Paragraphs of pages (:class:`~zonenlp.readers.ArticleParagraph`) are tagged in their
    articles; :func:`run_batch` never splits an article across chunks.
    """
    from .quantities import figures

    check_positive_int(k, "k")
    extractor = extractor if extractor is not None else keyword_extractor(model)
    limit = text_limit(model)
    cleaned = [_cleaned(value, limit) for value in values]
    texts = [text for text, problem in cleaned if problem is None]
    # paragraphs of a page come with their article (readers.ArticleParagraph): tagged in it
    articles = [getattr(value, "article", None) for value, (_, problem) in zip(values, cleaned) if problem is None]
    in_articles = texts and all(article is not None for article in articles)
    tags = iter(model.tag(texts, articles=articles if in_articles else None) if texts else [])
    out = []
    for text, problem in cleaned:
        if problem is not None:
            out.append({"error": problem})
            continue
        keywords = [term for term, _ in extractor.extract(text, k)]
        found = [f.as_dict() for f in figures(text, max_chars=None)] if with_figures else None
        out.append(tag_record(next(tags), keywords, found))
    return out


@lru_cache(maxsize=1)
def _extractor_of(tokenizer: Any) -> Any:
    """This process's keyword extractor for ``tokenizer``, made once: the workers
    of :func:`tag_chunks` and :func:`tag_texts` are sent the model only."""
    from .keyword_extraction import KeywordExtractor

    return KeywordExtractor(tokenizer=tokenizer)


def _tag_chunk(model: Any, chunk: list[object], k: int, with_figures: bool) -> list[dict[str, Any]]:
    extractor = _extractor_of(model.featurizer_.tokenizer_)
    return tag_values(model, chunk, k=k, with_figures=with_figures, extractor=extractor)


def tag_chunks(
    model: Any, chunks: Iterable[list[object]], *, k: int = 5, with_figures: bool = False, n_jobs: int | None = None
) -> Iterator[list[dict[str, Any]]]:
    """:func:`tag_values` of each chunk, in order, on ``n_jobs`` processes (``None`` or 1:
    this one alone; see :mod:`zonenlp.workers`); at most ``2 * n_jobs`` chunks are
    taken ahead of the one returned."""
    check_positive_int(k, "k")
    yield from map_in_order(model, partial(_tag_chunk, k=k, with_figures=with_figures), chunks, resolve_jobs(n_jobs))


def _tag_texts(model: Any, batch: tuple[list[str], list[Any] | None], k: int) -> list[tuple[dict[str, Any], list[tuple[str, float]]]]:
    texts, articles = batch
    extractor = _extractor_of(model.featurizer_.tokenizer_)
    return [(tag, extractor.extract(text, k)) for tag, text in zip(model.tag(texts, articles=articles), texts)]


def tag_texts(
    model: Any, texts: Sequence[str], *, articles: Sequence[Any] | None = None, k: int = 5,
    n_jobs: int | None = None, batch_size: int = 200,
) -> Iterator[tuple[dict[str, Any], list[tuple[str, float]]]]:
    """For each text, in order: its tag (as ``model.tag`` gives it) and its ``k``
    best keywords with their scores, both computed on ``n_jobs`` processes
    (what ``zonenlp tag`` prints). Every text is checked here first, so that an
    error names its index in ``texts``. With ``articles`` (one name per text), the
    texts of one article are tagged together, in its context (:mod:`zonenlp.context`)."""
    from .context import article_ranges, check_articles

    check_positive_int(k, "k")
    check_positive_int(batch_size, "batch_size")
    jobs = resolve_jobs(n_jobs)
    checked = check_texts(texts, max_chars=text_limit(model))
    if articles is None:
        batches = ((checked[start : start + batch_size], None) for start in range(0, len(checked), batch_size))
    else:
        check_articles(articles, len(checked))
        batches = ((checked[a:b], list(articles[a:b])) for a, b in article_ranges(articles, batch_size))
    for results in map_in_order(model, partial(_tag_texts, k=k), batches, jobs):
        yield from results


def tag_frame(model: Any, df: Any, column: str, *, k: int = 5, extractor: Any = None) -> Any:
    """See :meth:`zonenlp.ThemeClassifier.tag_frame`."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputTypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if column not in df.columns:
        raise InputValueError(f"the frame has no column {column!r}; its columns are {list(df.columns)}")
    # None, NaN, pandas.NA and NaT all mean "no value"; one spelling of it keeps the
    # error the same whichever missing-value marker a frame (or Dask) chose
    values = [None if pd.api.types.is_scalar(v) and pd.isna(v) else v for v in df[column].tolist()]
    return frame_with_tags(df, tag_values(model, values, k=k, extractor=extractor), model.classes_.tolist())


@dataclass
class BatchSummary:
    """What a batch job did: records read and written, how many tagged and
    failed, how many had an id an earlier record had (``duplicate_ids``; all
    three in the whole output, earlier runs included), how many records an
    earlier run had written (``resumed``), and this run's time."""

    output: Path
    read: int = 0
    tagged: int = 0
    failed: int = 0
    duplicate_ids: int = 0
    resumed: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Records tagged or failed per second in this run."""
        return (self.read - self.resumed) / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        earlier = f" ({self.resumed:,} of them by an earlier run)" if self.resumed else ""
        duplicates = (f"; {self.duplicate_ids:,} with an id an earlier record had (flagged duplicate_id)"
                      if self.duplicate_ids else "")
        return (f"read {self.read:,} records{earlier}: {self.tagged:,} tagged, {self.failed:,} failed{duplicates}; "
                f"{self.seconds:,.1f} s, {self.rate:,.0f} records/s; wrote {self.output}")


def _chunked(items: Iterable[tuple[Any, object]], size: int) -> Iterator[tuple[list[Any], list[object]]]:
    ids: list[Any] = []
    values: list[object] = []
    for record_id, value in items:
        article = getattr(value, "article", None)
        # a full chunk ends before the next record, unless that record continues the last one's article
        if len(ids) >= size and (article is None or article != getattr(values[-1], "article", None)):
            yield ids, values
            ids, values = [], []
        ids.append(record_id)
        values.append(value)
    if ids:
        yield ids, values


def _advance(bar: Any, reader: RecordReader, done: int) -> None:
    """Move ``bar`` (bytes of the input) to where ``reader`` is, with the records ``done`` and their rate."""
    if not bar.disable:
        rate = done / max(bar.format_dict["elapsed"], 1e-9)
        bar.set_postfix_str(f"{done:,} records, {rate:,.0f} records/s", refresh=False)
        bar.update(reader.bytes_read() - bar.n)


Tagger = Callable[[Iterable[list[object]]], Iterator[list[dict[str, Any]]]]


def run_batch(
    reader: RecordReader,
    output: str | Path,
    model: Any,
    *,
    output_format: str | None = None,
    k: int = 5,
    with_figures: bool = False,
    n_jobs: int | None = None,
    chunk_size: int = 1000,
    resume: bool = False,
    overwrite: bool = False,
    tagger: Tagger | None = None,
    progress: bool = False,
) -> BatchSummary:
    """Tag every record of ``reader`` and write one output record per input record to ``output``.

    ``output_format`` is ``"jsonl"`` or ``"csv"`` (``None``: ``csv`` for a
    ``.csv`` file, else ``jsonl``). Records are tagged ``chunk_size`` at a
    time by ``tagger`` (default: :func:`tag_chunks` with ``n_jobs``) and
    committed chunk by chunk (see the module documentation); ``resume``
    continues an earlier run from its checkpoint — with other settings it is
    refused. ``progress`` shows a bar on standard error: records done, their
    rate, the share of the input read and the time left. Returns a
    :class:`BatchSummary`.

    Raises :class:`~zonenlp.errors.OutputPathError`, before anything is
    opened for writing, when ``output`` (or its ``.part`` or ``.checkpoint``
    file) is one of the reader's input files — by path, relative path, or
    through a symbolic or hard link — and when ``output`` exists and neither
    ``overwrite`` nor a ``resume`` of an unfinished run says to replace it.
    """
    check_positive_int(chunk_size, "chunk_size")
    check_positive_int(k, "k")
    target = Path(output)
    # a resume may replace the output only when there is an unfinished run to continue
    unfinished = resume and all(path.is_file() for path in working_files(target))
    check_output_path(target, reader.files, overwrite=overwrite or unfinished)
    fmt = output_format or ("csv" if target.suffix.lower() == ".csv" else "jsonl")
    if fmt not in OUTPUT_FORMATS:
        raise InputValueError(f"output format must be one of {OUTPUT_FORMATS}, got {fmt!r}")
    if tagger is None:
        tagger = partial(tag_chunks, model, k=k, with_figures=with_figures, n_jobs=n_jobs)
    settings = {**reader.settings(), "output_format": fmt, "k": k, "figures": with_figures,
                "labels": model.classes_.tolist()}
    writer = CheckpointedWriter(target, fmt, model.classes_.tolist(), with_figures, settings)
    started = time.perf_counter()
    try:
        records = iter(reader)
        # the first record settles the encoding and the CSV header: a file that
        # cannot be read at all fails here, before any output file is touched
        records = chain(list(islice(records, 1)), records)
        seen = SeenIds()
        if resume and writer.resume():
            skip_written(records, writer.records, writer.last_id, writer.part, seen)
        else:
            writer.start()
        resumed = writer.records
        chunks = _chunked(records, chunk_size)
        pending_ids: deque[list[Any]] = deque()

        def values() -> Iterator[list[object]]:
            for ids, chunk in chunks:
                pending_ids.append(ids)  # the tagger keeps order, so ids line up with results
                yield chunk

        with progress_bar(total=reader.size, initial=reader.bytes_read(), unit="B", desc="tagging",
                          show=progress, unit_scale=True, unit_divisor=1024) as bar:
            for results in tagger(values()):
                ids = pending_ids.popleft()
                writer.write(ids, results, seen.add(ids))
                _advance(bar, reader, writer.records - resumed)
        writer.finish()
    finally:
        writer.close()
    return BatchSummary(target, read=writer.records, tagged=writer.tagged, failed=writer.failed,
                        duplicate_ids=writer.duplicates, resumed=resumed, seconds=time.perf_counter() - started)
