"""Batch jobs: tag a file of any size in bounded memory, losing no record.

The pieces, each usable on its own:

- :class:`RecordReader` streams ``(id, value)`` records out of JSON Lines, CSV,
  plain text (one paragraph per line) or newspaper pages, in UTF-8, UTF-8
  with a BOM or GB18030 (detected, or given).
- :func:`tag_values` tags one chunk of values: a record
  ``{"themes", "scores", "keywords"}`` for each text, ``{"error"}`` for each
  value that cannot be tagged. It is the one function every engine runs —
  in this process alone, in it and ``--jobs - 1`` worker processes, on Dask
  workers — so the engines give identical records.
- :func:`run_batch` reads, tags and writes a whole job: output goes to
  ``OUT.part``, is fsync'd chunk by chunk with a checkpoint
  (``OUT.checkpoint``) renamed into place after each chunk, and ``OUT.part``
  becomes ``OUT`` only when the job is complete. A killed job is continued by
  ``resume=True``: the partial output is cut back to the last checkpoint and
  the records it holds are skipped.

Memory is bounded by the chunk size, not the input: the reader holds one
record, at most ``2 * n_jobs + 1`` chunks are in memory at once, and each
process holds one model.

Semantics (the command line documents the same):

- Every input record yields exactly one output record, in input order.
  Blank lines in JSON Lines and plain-text files are not records.
- A value that is not a ``str`` (``null``, numbers, lists), an empty or
  blank text, a text over the model's ``max_chars``, a line with bytes that
  are invalid in the file's encoding, a line that is not a JSON object, or a
  record without the text field yields ``{"id": …, "error": "…"}``.
- Ids are strings: the value of the id field when the record has one (a
  JSON number or other value as its JSON text: ``2`` -> ``"2"``); otherwise
  ``"line:N"`` (JSON Lines, plain text; N counts every line of the file) or
  ``"row:N"`` (CSV, the first data row being 1), which a user's own ids do
  not take by accident; ``file:article:paragraph`` for pages. A record whose
  id an earlier record of the job already had is written with
  ``"duplicate_id": true`` (CSV: a ``duplicate_id`` column) and counted in
  the summary: nothing is dropped or merged.
- The output is never the input: a job whose output (or its ``.part`` or
  ``.checkpoint`` file) is an input file, by path or through a link, is
  refused before anything is written; an existing output is replaced only
  with ``overwrite=True``.
- Encoding: a UTF-8 BOM means UTF-8. Otherwise the non-ASCII lines of the
  first MiB decide: UTF-8 if at least half of them are valid UTF-8, else
  GB18030 if at least half are valid GB18030, else the file is refused with
  an :class:`~zonenlp.errors.InputValueError` naming its first line that is
  neither. In a file read as one encoding, a line invalid in that encoding is
  an error record, not the end of the job.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from .errors import InputTypeError, InputValueError, OutputPathError
from .text import DEFAULT_MAX_CHARS, check_positive_int, check_text, check_texts, normalize
from .workers import map_in_order, resolve_jobs

__all__ = [
    "RecordReader",
    "Unreadable",
    "detect_encoding",
    "tag_values",
    "keyword_extractor",
    "tag_chunks",
    "tag_frame",
    "frame_with_tags",
    "text_limit",
    "run_batch",
    "check_output_path",
    "BatchSummary",
    "progress_printer",
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
]

INPUT_FORMATS = ("jsonl", "csv", "lines")
OUTPUT_FORMATS = ("jsonl", "csv")
_SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "lines"}

# Bytes a file's encoding is judged on: enough lines to be sure, read once.
_SAMPLE_BYTES = 1 << 20
# Bytes that could not be decoded come through as these lone surrogates
# (Python's "surrogateescape"), so a bad line is found without a second decode.
_ESCAPED = re.compile("[\udc80-\udcff]")


# -- reading -------------------------------------------------------------------


@dataclass(frozen=True)
class Unreadable:
    """A record that could not be read (invalid bytes, broken JSON, no text field).

    It travels with the good values so that it keeps its place in the output,
    where :func:`tag_values` turns it into ``{"error": message}``.
    """

    message: str


def _display_name(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path, sample_bytes: int = _SAMPLE_BYTES) -> str:
    """``"utf-8-sig"``, ``"utf-8"`` or ``"gb18030"``: the encoding of the text file at ``path``.

    A UTF-8 byte-order mark decides at once. Otherwise each line of the first
    ``sample_bytes`` that is not plain ASCII votes: UTF-8 wins if it decodes at
    least half of them (Chinese GB18030 text is almost never valid UTF-8,
    while UTF-8 text often decodes as GB18030 mojibake, so UTF-8 is tried
    first), then GB18030. A file that neither reads is refused with an
    :class:`InputValueError` naming its first line that is neither.
    """
    with open(path, "rb") as fh:
        sample = fh.read(sample_bytes)
        truncated = bool(fh.read(1))
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = sample.split(b"\n")
    if truncated:
        lines = lines[:-1]  # the sample may end inside a character
    votes = {"utf-8": 0, "gb18030": 0}
    first_bad = None
    non_ascii = 0
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        non_ascii += 1
        ok = [enc for enc in votes if _decodes(line, enc)]
        for enc in ok:
            votes[enc] += 1
        if not ok and first_bad is None:
            first_bad = number
    for enc in ("utf-8", "gb18030"):
        if 2 * votes[enc] >= non_ascii:
            return enc
    raise InputValueError(
        f"{path} is neither UTF-8 nor GB18030 text: line {first_bad} is invalid in both; "
        "convert it, or give its encoding (e.g. --encoding gb18030) to read it with undecodable lines as error records"
    )


def _check_encoding(encoding: str) -> str:
    import codecs

    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputValueError(f"unknown encoding {encoding!r}; use e.g. utf-8 or gb18030") from None


class RecordReader:
    """Stream ``(id, value)`` records out of a file, one record in memory at a time.

    Parameters
    ----------
    path:
        The input file; with ``pages=True`` a page file or a directory whose
        ``*.txt`` files (in name order) are pages.
    input_format:
        ``"jsonl"``, ``"csv"`` or ``"lines"`` (one paragraph per line);
        ``None`` chooses by the file's suffix (``.jsonl``/``.ndjson``,
        ``.csv``, ``.txt``).
    text_field, id_field:
        The JSON key or CSV column holding the text and the id.
    encoding:
        ``None`` detects it (see :func:`detect_encoding`); any Python codec
        name reads the file as that, undecodable lines becoming error records.
    pages:
        Read each file as a newspaper page with :func:`zonenlp.read_page`;
        every paragraph is a record with id ``file:article:paragraph``.
    max_chars:
        The longest page read (a longer page is one error record).

    ``value`` is the record's text — or whatever the record held instead
    (``None``, a number …) — or an :class:`Unreadable`. ``bytes_read()`` and
    ``size`` measure progress through the input.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        input_format: str | None = None,
        text_field: str = "text",
        id_field: str = "id",
        encoding: str | None = None,
        pages: bool = False,
        max_chars: int | None = DEFAULT_MAX_CHARS,
    ) -> None:
        self.path = Path(path)
        if pages:
            if self.path.is_dir():
                self.files = sorted(p for p in self.path.glob("*.txt") if p.is_file())
            else:
                self.files = [self.path]
            self.format = "pages"
        else:
            if self.path.is_dir():
                raise InputValueError(f"{path} is a directory; only pages (--pages) are read from a directory")
            self.files = [self.path]
            self.format = input_format or _SUFFIX_FORMATS.get(self.path.suffix.lower(), "")
            if self.format not in INPUT_FORMATS:
                raise InputValueError(
                    f"cannot tell the format of {path} from its suffix; give one of {', '.join(INPUT_FORMATS)}"
                    + " (--input-format)" * (input_format is None)
                )
        for file in self.files:
            if not file.is_file():
                raise InputValueError(f"no such file: {file}")
        self.encoding = _check_encoding(encoding) if encoding else None
        self.text_field = text_field
        self.id_field = id_field
        self.max_chars = max_chars
        self.size = sum(file.stat().st_size for file in self.files)
        self._done_bytes = 0  # bytes of the files finished so far
        self._current: IO[bytes] | None = None

    def settings(self) -> dict[str, Any]:
        """What decides which records come out: recorded in a checkpoint, checked on resume."""
        return {
            "input": str(self.path.resolve()), "format": self.format, "text_field": self.text_field,
            "id_field": self.id_field, "encoding": self.encoding, "max_chars": self.max_chars,
        }

    def bytes_read(self) -> int:
        """How far into the input the reader is, in bytes (read-ahead included)."""
        current = self._current.tell() if self._current is not None and not self._current.closed else 0
        return min(self._done_bytes + current, self.size)

    def __iter__(self) -> Iterator[tuple[str, object]]:
        self._done_bytes = 0
        for file in self.files:
            if self.format == "pages":
                yield from self._page(file)
            else:
                encoding = self.encoding or detect_encoding(file)
                with open(file, "rb") as raw:
                    self._current = raw
                    text = io.TextIOWrapper(
                        raw, encoding=encoding, errors="surrogateescape", newline="" if self.format == "csv" else None
                    )
                    read = {"jsonl": self._jsonl, "csv": self._csv, "lines": self._lines}[self.format]
                    yield from read(text, _display_name(encoding))
                    self._current = None
            self._done_bytes += file.stat().st_size

    @staticmethod
    def _lines_of(text: IO[str]) -> Iterator[tuple[int, str]]:
        for number, line in enumerate(text, 1):
            if number == 1:
                line = line.lstrip("\ufeff")  # a BOM the codec kept (GB18030's, or UTF-8 read as "utf-8")
            yield number, line.rstrip("\r\n")

    def _lines(self, text: IO[str], encoding: str) -> Iterator[tuple[str, object]]:
        for number, line in self._lines_of(text):
            if not line.strip():
                continue
            if _ESCAPED.search(line):
                yield f"line:{number}", Unreadable(f"invalid bytes for {encoding} at line {number}")
            else:
                yield f"line:{number}", line

    def _record_id(self, record: dict[str, Any], number: int) -> str:
        value = record.get(self.id_field)
        if value is None or value == "":
            return f"line:{number}"
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def _jsonl(self, text: IO[str], encoding: str) -> Iterator[tuple[str, object]]:
        for number, line in self._lines_of(text):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                record = exc
            # the id survives bad bytes elsewhere in the line: the line still parses
            record_id = self._record_id(record, number) if isinstance(record, dict) else f"line:{number}"
            if _ESCAPED.search(line):
                yield record_id, Unreadable(f"invalid bytes for {encoding} at line {number}")
            elif isinstance(record, json.JSONDecodeError):
                yield record_id, Unreadable(f"line {number} is not valid JSON: {record.msg} (column {record.colno})")
            elif not isinstance(record, dict):
                yield record_id, Unreadable(f"line {number} is a JSON {type(record).__name__}, not an object")
            elif self.text_field not in record:
                yield record_id, Unreadable(f"line {number} has no {self.text_field!r} field")
            else:
                yield record_id, record[self.text_field]

    def _csv(self, text: IO[str], encoding: str) -> Iterator[tuple[str, object]]:
        # The csv module refuses fields over 128 KiB by default; a long text must
        # be read to be refused as too long, not end the job. The limit is
        # process-wide, so it is only ever raised.
        csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
        reader = csv.reader(self._lines_of_csv(text))
        try:
            header = next(reader)
        except StopIteration:
            return
        if self.text_field not in header:
            raise InputValueError(f"{self.path} has no column {self.text_field!r}; its columns are {header}")
        text_at = header.index(self.text_field)
        id_at = header.index(self.id_field) if self.id_field in header else None
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputValueError(f"{self.path}: broken CSV at line {reader.line_num}: {exc}") from None
            if not row:
                continue
            number += 1
            record_id = row[id_at] if id_at is not None and id_at < len(row) and row[id_at] else f"row:{number}"
            if any(_ESCAPED.search(cell) for cell in row):
                yield record_id, Unreadable(f"invalid bytes for {encoding} in the row ending at line {reader.line_num}")
            elif text_at >= len(row):
                yield record_id, Unreadable(f"the row ending at line {reader.line_num} has no {self.text_field!r} column")
            else:
                yield record_id, row[text_at]

    @staticmethod
    def _lines_of_csv(text: IO[str]) -> Iterator[str]:
        for number, line in enumerate(text, 1):
            yield line.lstrip("\ufeff") if number == 1 else line  # line ends kept: csv needs them

    def _page(self, file: Path) -> Iterator[tuple[str, object]]:
        from .page import read_page

        name = file.name
        data = file.read_bytes()
        try:
            encoding = self.encoding or detect_encoding(file)
        except InputValueError as exc:
            yield name, Unreadable(str(exc))
            return
        text = data.decode(encoding, errors="surrogateescape").lstrip("\ufeff")
        bad = _ESCAPED.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            yield name, Unreadable(f"invalid bytes for {_display_name(encoding)} at line {line}")
            return
        try:
            articles = read_page(text, max_chars=self.max_chars)
        except InputValueError as exc:
            yield name, Unreadable(f"page {exc}")
            return
        paragraphs = [(a, p, para) for a, article in enumerate(articles, 1) for p, para in enumerate(article.paragraphs, 1)]
        if not paragraphs:
            yield name, Unreadable("the page has no paragraphs")
        for a, p, paragraph in paragraphs:
            yield f"{name}:{a}:{p}", paragraph


# -- tagging -------------------------------------------------------------------


def text_limit(model: Any) -> int | None:
    """The longest text (in characters) ``model`` accepts (its keywords are found with its tokenizer)."""
    return model.featurizer_._tokenizer().max_chars


def _problem(value: object, max_chars: int | None) -> str | None:
    """Why ``value`` cannot be tagged, or ``None`` when it can."""
    if isinstance(value, Unreadable):
        return value.message
    if isinstance(value, str) and max_chars is not None and len(value) > max_chars:
        # check_text's message would suggest a max_chars option, which a batch job has not
        return f"text is {len(value):,} characters long, over the limit of {max_chars:,}; split it into paragraphs"
    try:
        check_text(value, max_chars=max_chars)
    except (InputTypeError, InputValueError) as exc:
        return str(exc)
    if not normalize(value, max_chars=None):  # type: ignore[arg-type]  # checked to be str above
        return "text is empty" if value == "" else "text has only whitespace or invisible characters"
    return None


def keyword_extractor(model: Any) -> Any:
    """The keyword extractor that goes with ``model``: zonenlp's, with the model's
    tokenizer (so rjieba's speed where the model uses it), as ``zonenlp batch``,
    ``zonenlp tag`` and :func:`zonenlp.analyze` use it, so that they give one
    paragraph the same keywords. Make one per job and pass it to
    :func:`tag_values`: it caches what it learns about each word."""
    from .keyword_extraction import KeywordExtractor

    return KeywordExtractor(tokenizer=model.featurizer_._tokenizer())


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
    """
    from .quantities import figures

    check_positive_int(k, "k")
    extractor = extractor if extractor is not None else keyword_extractor(model)
    limit = text_limit(model)
    problems = [_problem(value, limit) for value in values]
    texts: list[str] = [v for v, p in zip(values, problems) if p is None]  # type: ignore[misc]
    tags = iter(model.tag(texts) if texts else [])
    out = []
    for value, problem in zip(values, problems):
        if problem is not None:
            out.append({"error": problem})
            continue
        record = next(tags)
        record["keywords"] = [term for term, _ in extractor.extract(value, k)]  # type: ignore[arg-type]
        if with_figures:
            record["figures"] = [f.as_dict() for f in figures(value, max_chars=None)]  # type: ignore[arg-type]
        out.append(record)
    return out


# Each process's keyword extractor for the tokenizer it was last asked for: the
# workers of tag_chunks and tag_texts hold the model only, and make it once.
_extractor: tuple[Any, Any] = (None, None)


def _extractor_of(model: Any) -> Any:
    global _extractor  # a cache of this process, as a worker's copy of the model is
    tokenizer = model.featurizer_._tokenizer()
    cached = _extractor
    if cached[0] is not tokenizer:
        cached = _extractor = (tokenizer, keyword_extractor(model))
    return cached[1]


def _tag_chunk(model: Any, chunk: list[object], k: int, with_figures: bool) -> list[dict[str, Any]]:
    return tag_values(model, chunk, k=k, with_figures=with_figures, extractor=_extractor_of(model))


def tag_chunks(
    model: Any, chunks: Iterable[list[object]], *, k: int = 5, with_figures: bool = False, n_jobs: int | None = None
) -> Iterator[list[dict[str, Any]]]:
    """:func:`tag_values` of each chunk, in order, on ``n_jobs`` processes (``None`` or 1:
    this one alone; see :mod:`zonenlp.workers`); at most ``2 * n_jobs`` chunks are
    taken ahead of the one returned."""
    check_positive_int(k, "k")
    yield from map_in_order(model, partial(_tag_chunk, k=k, with_figures=with_figures), chunks, resolve_jobs(n_jobs))


def _tag_texts(model: Any, texts: list[str], k: int) -> list[tuple[dict[str, Any], list[tuple[str, float]]]]:
    extractor = _extractor_of(model)
    return [(tag, extractor.extract(text, k)) for tag, text in zip(model.tag(texts), texts)]


def tag_texts(
    model: Any, texts: Sequence[str], *, k: int = 5, n_jobs: int | None = None, batch_size: int = 200
) -> Iterator[tuple[dict[str, Any], list[tuple[str, float]]]]:
    """For each text, in order: its tag (as ``model.tag`` gives it) and its ``k``
    best keywords with their scores, both computed on ``n_jobs`` processes
    (what ``zonenlp tag`` prints). Every text is checked here first, so that an
    error names its index in ``texts``."""
    check_positive_int(k, "k")
    check_positive_int(batch_size, "batch_size")
    jobs = resolve_jobs(n_jobs)
    checked = check_texts(texts, max_chars=text_limit(model))
    batches = (checked[start : start + batch_size] for start in range(0, len(checked), batch_size))
    for results in map_in_order(model, partial(_tag_texts, k=k), batches, jobs):
        yield from results


def frame_with_tags(df: Any, results: Sequence[dict[str, Any]], labels: Sequence[str]) -> Any:
    """A copy of the pandas frame ``df`` with the records of :func:`tag_values`
    as columns: ``themes`` (list), ``score_<label>`` (float), ``keywords``
    (list) and ``error`` (``None`` for a tagged row; the row's other new
    columns are then ``None``/NaN)."""
    import pandas as pd

    columns = ["themes", *[f"score_{label}" for label in labels], "keywords", "error"]
    clash = [c for c in columns if c in df.columns]
    if clash:
        raise InputValueError(f"the frame already has column(s) {clash}; rename them before tagging")
    out = df.copy()
    out["themes"] = pd.Series([r.get("themes") for r in results], index=df.index, dtype=object)
    for label in labels:
        out[f"score_{label}"] = pd.Series(
            [r["scores"][label] if "scores" in r else float("nan") for r in results], index=df.index, dtype="float64"
        )
    out["keywords"] = pd.Series([r.get("keywords") for r in results], index=df.index, dtype=object)
    out["error"] = pd.Series([r.get("error") for r in results], index=df.index, dtype=object)
    return out


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
    return frame_with_tags(df, tag_values(model, values, k=k, extractor=extractor), model.labels)


# -- writing and resuming ----------------------------------------------------------


def _encode_jsonl(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


class _Writer:
    """Appends chunks of records to ``OUT.part``; after each chunk, fsyncs it and
    renames a new checkpoint into place, so the checkpoint never names bytes
    that are not on disk."""

    def __init__(self, target: Path, fmt: str, labels: Sequence[str], with_figures: bool, settings: dict[str, Any]) -> None:
        self.target = target
        self.part = target.with_name(target.name + ".part")
        self.checkpoint = target.with_name(target.name + ".checkpoint")
        self.format = fmt
        self.labels = list(labels)
        self.with_figures = with_figures
        self.settings = settings
        self.records = self.tagged = self.failed = self.duplicates = 0
        self.last_id: Any = None
        self._fh: IO[bytes] | None = None

    def header(self) -> list[str]:
        return ["id", "themes", *[f"score_{l}" for l in self.labels], "keywords", *["figures"] * self.with_figures,
                "error", "duplicate_id"]

    def _encode(self, ids: Sequence[str], results: Sequence[dict[str, Any]], duplicates: Sequence[bool]) -> bytes:
        if self.format == "jsonl":
            text = "".join(
                _encode_jsonl({"id": i, "duplicate_id": True, **r} if d else {"id": i, **r})
                for i, r, d in zip(ids, results, duplicates)
            )
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for record_id, r, duplicate in zip(ids, results, duplicates):
                flag = "true" if duplicate else ""
                if "error" in r:
                    writer.writerow([record_id, "", *[""] * len(self.labels), "", *[""] * self.with_figures,
                                     r["error"], flag])
                else:
                    figures = [json.dumps(r["figures"], ensure_ascii=False)] if self.with_figures else []
                    writer.writerow([record_id, ";".join(r["themes"]), *[r["scores"][l] for l in self.labels],
                                     ";".join(r["keywords"]), *figures, "", flag])
            text = buffer.getvalue()
        # an id carrying undecodable input bytes (lone surrogates) is written as
        # \udcXX, which JSON reads back as the same string, instead of failing
        return text.encode("utf-8", "backslashreplace")

    def start(self) -> None:
        """Begin a new ``OUT.part`` (a stale one and its checkpoint are discarded)."""
        self.checkpoint.unlink(missing_ok=True)
        self._fh = open(self.part, "wb")
        if self.format == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow(self.header())
            self._fh.write(buffer.getvalue().encode("utf-8"))

    def resume(self) -> bool:
        """Continue ``OUT.part`` from its checkpoint; ``False`` when there is nothing to continue."""
        if not (self.checkpoint.is_file() and self.part.is_file()):
            return False
        try:
            state = json.loads(self.checkpoint.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputValueError(f"cannot read {self.checkpoint}: {exc}; run without --resume to start over") from None
        if state.get("settings") != self.settings:
            changed = sorted(k for k in set(state.get("settings", {})) | set(self.settings)
                             if state.get("settings", {}).get(k) != self.settings.get(k))
            raise InputValueError(
                f"{self.part} was written with other settings ({', '.join(changed)} differ); "
                "resume with the options of the first run, or run without --resume to start over"
            )
        if self.part.stat().st_size < state["bytes"]:
            raise InputValueError(f"{self.part} is shorter than its checkpoint records; run without --resume to start over")
        self._fh = open(self.part, "r+b")
        self._fh.truncate(state["bytes"])  # drop whatever was written after the last checkpoint
        self._fh.seek(state["bytes"])
        self.records, self.tagged, self.failed = state["records"], state["tagged"], state["failed"]
        self.duplicates = state.get("duplicates", 0)
        self.last_id = state["last_id"]
        return True

    def write(self, ids: Sequence[str], results: Sequence[dict[str, Any]], duplicates: Sequence[bool]) -> None:
        """Append one chunk and commit it; ``duplicates`` flags the records whose id an earlier one had."""
        assert self._fh is not None, "start() or resume() first"
        self._fh.write(self._encode(ids, results, duplicates))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.records += len(results)
        failed = sum("error" in r for r in results)
        self.failed += failed
        self.tagged += len(results) - failed
        self.duplicates += sum(duplicates)
        if ids:
            self.last_id = ids[-1]
        state = {"records": self.records, "bytes": self._fh.tell(), "tagged": self.tagged, "failed": self.failed,
                 "duplicates": self.duplicates, "last_id": self.last_id, "settings": self.settings}
        temporary = self.checkpoint.with_name(self.checkpoint.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as fh:
            json.dump(state, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, self.checkpoint)

    def finish(self) -> None:
        """Make ``OUT.part`` the output. The checkpoint goes first: were the job killed
        between the two steps, a resume would start over rather than trust a
        checkpoint of a file that has been renamed."""
        assert self._fh is not None
        self._fh.close()
        self.checkpoint.unlink(missing_ok=True)
        os.replace(self.part, self.target)

    def close(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()


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
        ids.append(record_id)
        values.append(value)
        if len(ids) == size:
            yield ids, values
            ids, values = [], []
    if ids:
        yield ids, values


class _SeenIds:
    """The ids a job has written, to flag the ones that come again.

    Held as 64-bit hashes in sorted numpy runs, merged like a binary counter
    (a run is merged into the one before it when that one is not more than
    twice its size): 8 bytes an id instead of a Python string and set slot,
    and O(n log n) work in all. Python's string hash is salted per process,
    which is enough: a resumed job hashes again the ids of the records it
    skips. Two different ids share a hash with odds of about n² / 2⁶⁵
    (10⁻⁸ for a million ids).
    """

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._runs: list[Any] = []

    def add(self, ids: Sequence[str]) -> list[bool]:
        """Record ``ids`` (in order); for each, whether an earlier id (in this call or before) was the same."""
        np = self._np
        if not ids:
            return []
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        repeated = np.zeros(len(ids), dtype=bool)
        # among equal ids of this call, all but the first (stable order keeps it first) come again
        repeated[order[1:][ordered[1:] == ordered[:-1]]] = True
        for run in self._runs:
            at = np.minimum(np.searchsorted(run, hashes), len(run) - 1)
            repeated |= run[at] == hashes
        self._runs.append(ordered)
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            last = self._runs.pop()
            # two sorted runs: a stable sort (timsort) of their concatenation merges them in linear time
            self._runs[-1] = np.sort(np.concatenate([self._runs[-1], last]), kind="stable")
        return repeated.tolist()


def _skip(records: Iterator[tuple[str, object]], n: int, last_id: Any, part: Path, seen: _SeenIds) -> None:
    """Consume the ``n`` records an earlier run wrote, checking that the last of them has its id,
    and note their ids in ``seen``."""
    record_id: Any = None
    batch: list[str] = []
    for count in range(n):
        try:
            record_id, _ = next(records)
        except StopIteration:
            raise InputValueError(
                f"{part} holds {n:,} records but the input has only {count:,}; it is the output of another input"
            ) from None
        batch.append(record_id)
        if len(batch) == 10_000:
            seen.add(batch)
            batch = []
    if batch:
        seen.add(batch)
    # ids go through JSON in the checkpoint: compare them as JSON (1 == 1, not "1")
    if n and json.dumps(record_id, ensure_ascii=False) != json.dumps(last_id, ensure_ascii=False):
        raise InputValueError(
            f"record {n:,} of the input has id {record_id!r} but {part} ends with id {last_id!r}; "
            "it is the output of another input"
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they lead
        return a.resolve() == b.resolve()


def check_output_path(output: Path, inputs: Sequence[Path], *, overwrite: bool = False) -> None:
    """Refuse an ``output`` that would destroy data, before anything is written.

    The output, and the ``.part`` and ``.checkpoint`` files written beside it,
    must not be any of ``inputs`` — compared with :func:`os.path.samefile`
    (which sees through symbolic and hard links) where both exist, else by
    resolved path. An existing ``output`` is refused unless ``overwrite``.
    Raises :class:`~zonenlp.errors.OutputPathError`.
    """
    companions = [output, output.with_name(output.name + ".part"), output.with_name(output.name + ".checkpoint")]
    for written in companions:
        for source in inputs:
            if _same_file(written, source):
                what = "the output" if written == output else f"the job's working file {written}"
                raise OutputPathError(
                    f"{what} would be the input file {source}; writing it would destroy the input. "
                    "Choose another output path"
                )
    if output.is_dir():
        raise OutputPathError(f"the output {output} is a directory; give a file name")
    if not overwrite and (output.exists() or output.is_symlink()):
        raise OutputPathError(f"the output {output} already exists; remove it, choose another path, or pass --force to replace it")


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
    progress: Callable[[int, RecordReader, float], None] | None = None,
) -> BatchSummary:
    """Tag every record of ``reader`` and write one output record per input record to ``output``.

    ``output_format`` is ``"jsonl"`` or ``"csv"`` (``None``: ``csv`` for a
    ``.csv`` file, else ``jsonl``). Records are tagged ``chunk_size`` at a
    time by ``tagger`` (default: :func:`tag_chunks` with ``n_jobs``) and
    committed chunk by chunk (see the module documentation); ``resume``
    continues an earlier run from its checkpoint — with other settings it is
    refused. ``progress(records_done, reader, seconds)`` is called after each
    chunk. Returns a :class:`BatchSummary`.

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
    unfinished = resume and all(target.with_name(target.name + s).is_file() for s in (".part", ".checkpoint"))
    check_output_path(target, reader.files, overwrite=overwrite or unfinished)
    fmt = output_format or ("csv" if target.suffix.lower() == ".csv" else "jsonl")
    if fmt not in OUTPUT_FORMATS:
        raise InputValueError(f"output format must be one of {OUTPUT_FORMATS}, got {fmt!r}")
    if tagger is None:
        def tagger(chunks: Iterable[list[object]]) -> Iterator[list[dict[str, Any]]]:
            return tag_chunks(model, chunks, k=k, with_figures=with_figures, n_jobs=n_jobs)

    settings = {**reader.settings(), "output_format": fmt, "k": k, "figures": with_figures,
                "labels": list(model.labels)}
    writer = _Writer(target, fmt, model.labels, with_figures, settings)
    started = time.perf_counter()
    try:
        records = iter(reader)
        # the first record settles the encoding and the CSV header: a file that
        # cannot be read at all fails here, before any output file is touched
        records = chain(list(islice(records, 1)), records)
        seen = _SeenIds()
        resumed = resume and writer.resume()
        if resumed:
            _skip(records, writer.records, writer.last_id, writer.part, seen)
        else:
            writer.start()
        summary = BatchSummary(target, resumed=writer.records)
        chunks = _chunked(records, chunk_size)
        pending_ids: deque[list[Any]] = deque()

        def values() -> Iterator[list[object]]:
            for ids, chunk in chunks:
                pending_ids.append(ids)  # the tagger keeps order, so ids line up with results
                yield chunk

        for results in tagger(values()):
            ids = pending_ids.popleft()
            writer.write(ids, results, seen.add(ids))
            if progress is not None:
                progress(writer.records - summary.resumed, reader, time.perf_counter() - started)
        writer.finish()
    finally:
        writer.close()
    summary.read, summary.tagged, summary.failed = writer.records, writer.tagged, writer.failed
    summary.duplicate_ids = writer.duplicates
    summary.seconds = time.perf_counter() - started
    return summary


def progress_printer(stream: IO[str] | None = None) -> Callable[[int, RecordReader, float], None]:
    """A ``progress`` callback for :func:`run_batch` that redraws one line on
    ``stream`` (default: the ``sys.stderr`` of the moment): records done, rate,
    share of the input read and time left."""

    def show(done: int, reader: RecordReader, seconds: float) -> None:
        rate = done / max(seconds, 1e-9)
        position = reader.bytes_read()
        share = position / reader.size if reader.size else 1.0
        left = seconds * (1 - share) / share if share > 0 else float("inf")
        print(f"\rtagged {done:,} records, {rate:,.0f}/s, {share:.0%} of the input, {_duration(left)} left ",
              end="", file=stream or sys.stderr, flush=True)

    return show


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
