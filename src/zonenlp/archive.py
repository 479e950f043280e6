"""A digest of an archive: one row per article — where and when, which zones, how much of each theme, its keywords and figures — and its investment ledger.

:func:`read_archive` reads text pages, saved web pages, PDFs, folders of them, URLs, and
JSON Lines and CSV records (one article each), analyses every article as :func:`zonenlp.analyze`
does, on ``n_jobs`` processes, and returns both pandas DataFrames an analyst works with:
:func:`digest`'s (one row per article) and :func:`zonenlp.ledger`'s (one row per investment
figure). An article whose date cannot be found keeps an empty date (``date_from`` says
``"unknown"``), and a page or record that cannot be read becomes a row with its ``error``:
neither is ever dropped.

Needs pandas: ``pip install "zonenlp[digest]"``.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .dates import article_date
from .errors import InputTypeError, InputValueError, MissingDependencyError, ZonenlpError
from .page import Article

__all__ = ["digest", "read_archive", "Archive", "ArchiveSummary", "zone_key", "archive_sources", "pandas_for",
           "DIGEST_COLUMNS", "LEDGER_COLUMNS"]

#: Records of a JSON Lines or CSV file sent to a worker at a time.
RECORDS_PER_ITEM = 64
#: Files of records, an article each: JSON Lines, and CSV with a header row.
RECORD_SUFFIXES = (".jsonl", ".csv")
#: The digest's columns, with ``share_<theme>`` for each theme of the model in place of ``*``.
DIGEST_COLUMNS = ("source", "article", "title", "date", "date_from", "zones", "themes", "*", "paragraphs",
                  "keywords", "money_yuan", "project_counts", "url", "error")
#: The ledger's columns: where the entry came from, then :func:`zonenlp.investments.ledger_entries`'s fields.
LEDGER_COLUMNS = ("source", "article", "title", "date", "paragraph", "kind", "amount_yuan", "count", "counted",
                  "approximate", "zone", "counterpart", "figure", "sentence", "start", "end", "url")


# the long forms of a zone's kind, and the short one news uses for the same zone
_ZONE_KIND_FORMS = re.compile(
    r"(?:国家级?)?(?:(高新技术产业开发区|高新区)|(经济技术开发区|经济开发区|经开区))$"
)


def zone_key(name: str) -> str:
    """One name for one zone however it is written: the short kind (高新区, 经开区) after its
    place, so that an archive's articles group by zone.

    >>> [zone_key(n) for n in ["武进国家高新区", "湘潭高新技术产业开发区", "嘉兴经济技术开发区", "烟台开发区"]]
    ['武进高新区', '湘潭高新区', '嘉兴经开区', '烟台开发区']
    """
    match = _ZONE_KIND_FORMS.search(name)
    if match is None or match.start() < 2:  # a bare kind (国家高新区) names no one zone
        return name
    return name[: match.start()] + ("高新区" if match.group(1) else "经开区")


def _one_name_each(zones: list[str]) -> list[str]:
    """``zones`` in order, each zone once, as first written (武进高新区 and 武进国家高新区 are one)."""
    first: dict[str, str] = {}
    for zone in zones:
        first.setdefault(zone_key(zone), zone)
    return list(first.values())


def _listed_inputs(inputs: object) -> list[str | os.PathLike[str]]:
    """``inputs`` as a list of paths and URLs, or an :class:`InputTypeError` saying what is wrong."""
    try:
        items = list(inputs)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(f"inputs must be a path, a URL or a list of them, got {type(inputs).__name__}") from None
    for index, item in enumerate(items):
        if not isinstance(item, (str, os.PathLike)):
            raise InputTypeError(f"inputs[{index}] must be a path or a URL, got {type(item).__name__}: {item!r:.60}")
    return items


def archive_sources(inputs: str | Path | Iterable[str | Path]) -> tuple[list[str], list[tuple[str, str]]]:
    """Every page or record file the inputs name (folders opened with the folders inside them,
    as archives are kept by year and month, in name order; URLs kept), and the files in those
    folders that are left out, with why. Hidden files and folders (``.git``) are passed over."""
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else _listed_inputs(inputs)
    sources: list[str] = []
    skipped: list[tuple[str, str]] = []
    for item in map(str, items):
        if Path(item).is_dir():
            _walk(Path(item), sources, skipped)
        else:
            sources.append(item)
    return sources, skipped


def _walk(folder: Path, sources: list[str], skipped: list[tuple[str, str]]) -> None:
    from .readers import PAGE_SUFFIXES

    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            _walk(path, sources, skipped)
        elif path.suffix.lower() in (*PAGE_SUFFIXES, *RECORD_SUFFIXES):
            sources.append(str(path))
        else:
            skipped.append((str(path), f"not a page or a file of records ({path.suffix or 'no suffix'})"))


def pandas_for(what: str) -> Any:
    """pandas, or an error naming the extra that brings it, for ``what`` needs it."""
    try:
        import pandas
    except ImportError:
        raise MissingDependencyError(f'{what} needs pandas: pip install "zonenlp[digest]"') from None
    return pandas


# An article read, as the workers are sent it: (name, its number in the source, the article or
# None when it could not be read, its record's fields or {"error": why}).
_Entry = tuple[str, int, Any, dict[str, Any]]
#: Pages a worker is sent at a time: enough that sending costs little beside reading them.
FILES_PER_ITEM = 8


def _record(source: str, where: str, record: object) -> tuple[str, Article, dict[str, Any]] | str:
    """``(name, article, record)`` of one record (``where`` it is: "line 3", "row 3"), or why it is none."""
    from .text import split_paragraphs

    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return f'{where} has no "text" string'
    record = {key: value for key, value in record.items() if value != ""}  # an empty CSV cell is no value
    article = Article(title=record.get("title"), paragraphs=split_paragraphs(record.get("text", "")),
                      url=record.get("url"))
    return str(record.get("source") or record.get("url") or f"{source}:{where.split()[-1]}"), article, record


def _records(source: str) -> Iterator[tuple[str, object]]:
    """``(where, record)`` of each record of a JSON Lines or CSV file (a ``str`` saying why for a
    line that is not JSON), read in its encoding (UTF-8, with or without BOM, or GB18030)."""
    from .readers import detect_encoding

    with open(source, encoding=detect_encoding(source), newline="") as lines:
        if source.lower().endswith(".csv"):
            rows = csv.DictReader(lines)
            if "text" not in (rows.fieldnames or []):
                raise InputValueError(f'{source} has no "text" column; its columns are {rows.fieldnames or []}')
            yield from ((f"row {number}", row) for number, row in enumerate(rows, 2))  # row 1 is the header
            return
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield f"line {number}", json.loads(line)
                except json.JSONDecodeError as exc:
                    yield f"line {number}", f"line {number} is not valid JSON: {exc.msg}"


def _items(sources: list[str], fetcher: Any) -> Iterator[tuple[list[str | _Entry], int]]:
    """The work of ``sources``, in their order: lists of pages to read (their paths, up to
    :data:`FILES_PER_ITEM`) or of articles read here (records of a JSON Lines or CSV file,
    :data:`RECORDS_PER_ITEM` at a time; pages fetched from URLs, one pace per host), each with
    the number of sources it completes, for the progress bar."""
    from .fetch import is_url, read_url

    files: list[str | _Entry] = []
    for source in sources:
        records = not is_url(source) and source.lower().endswith(RECORD_SUFFIXES)
        if not is_url(source) and not records:
            files.append(source)
            if len(files) == FILES_PER_ITEM:
                yield files, len(files)
                files = []
            continue
        if files:
            yield files, len(files)
            files = []
        if records:
            yield from _record_items(source)
            continue
        try:
            yield _found(source, read_url(source, fetcher=fetcher)), 1
        except ZonenlpError as exc:
            yield [(source, 1, None, {"error": str(exc)})], 1
    if files:
        yield files, len(files)


def _record_items(source: str) -> Iterator[tuple[list[str | _Entry], int]]:
    """The records of the JSON Lines or CSV file ``source`` as items, the last one completing it;
    a line that is no record, or a file that cannot be read, is an entry with its ``error``."""
    numbers: Counter[str] = Counter()
    batch: list[str | _Entry] = []
    try:
        for where, record in _records(source):
            read = record if isinstance(record, str) else _record(source, where, record)
            if isinstance(read, str):
                batch.append((f"{source}:{where.split()[-1]}", 1, None, {"error": read}))
            else:
                name, article, fields = read
                numbers[name] += 1
                batch.append((name, numbers[name], article, fields))
            if len(batch) == RECORDS_PER_ITEM:
                yield batch, 0
                batch = []
    except (OSError, UnicodeDecodeError, csv.Error, ZonenlpError) as exc:
        batch.append((source, 1, None, {"error": f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}"}))
    yield batch, 1


def _entries(item: list[str | _Entry]) -> list[_Entry]:
    """The articles of an item, its pages read (a page that cannot be read is an entry with its error)."""
    from .readers import file_articles

    out: list[_Entry] = []
    for part in item:
        if not isinstance(part, str):
            out.append(part)
            continue
        try:
            out += _found(part, file_articles(part))
        except ZonenlpError as exc:
            out.append((part, 1, None, {"error": str(exc)}))
    return out


def _found(source: str, articles: list[Article]) -> list[_Entry]:
    """The entries of the articles read from ``source``; one saying so if none was found, so
    that an empty page is a row of the digest, not a page that vanished."""
    if not articles:
        return [(source, 1, None, {"error": "no article found in the page"})]
    return [(source, n, article, {}) for n, article in enumerate(articles, 1)]


def _ledger_rows(name: str, number: int, article: Article, record: dict[str, Any], date: str | None,
                 tags: list[list[str]]) -> list[dict[str, Any]]:
    """The ledger rows of one article, from the paragraphs tagged ``investment``; a record's
    ``zone`` field, else the first zone the article names, is the zone of entries that name none."""
    from .investments import first_zone, ledger_entries

    investing = [(n, paragraph) for n, (paragraph, themes) in enumerate(zip(article.paragraphs, tags), 1)
                 if "investment" in themes]
    if not investing:  # most articles: no need to read their zones again
        return []
    article_zone = record.get("zone") or first_zone([article.title or "", *article.paragraphs])
    return [{"source": name, "article": number, "title": article.title, "date": date, "paragraph": n,
             **entry, "url": article.url}
            for n, paragraph in investing for entry in ledger_entries(paragraph, zone=article_zone)]


def _analysed(model: Any, item: list[str | _Entry], k: int) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """``(digest row, ledger rows)`` of each article of one item: what a worker does."""
    from .analysis import analyze

    payload = _entries(item)
    readable = [(name, number, a, r) for name, number, a, r in payload if a is not None and a.paragraphs]
    analyses = iter(analyze([a for _, _, a, _ in readable], model, k=max(1, k // 2)) if readable else [])
    labels = model.classes_.tolist()
    out = []
    for name, number, article, record in payload:
        if article is None:
            out.append((_error_row(name, record["error"]), []))
            continue
        date, date_from = article_date(article, name, record.get("date"))
        analysis = next(analyses) if article.paragraphs else None
        tagged = analysis.paragraphs if analysis else []
        figures = [f for p in tagged for f in p.figures]
        zones = ([record["zone"]] if record.get("zone") else []) + (analysis.zones if analysis else [])
        row = {
            "source": name, "article": number, "title": article.title, "date": date, "date_from": date_from,
            "zones": _one_name_each(zones),
            "themes": analysis.themes if analysis else [],
            **{f"share_{label}": (analysis.theme_shares[label] if analysis else 0.0) for label in labels},
            "paragraphs": len(article.paragraphs),
            "keywords": [term for term, _ in analysis.keywords][:k] if analysis else [],
            "money_yuan": [f.value for f in figures if f.kind == "money" and f.unit == "CNY" and f.value],
            "project_counts": [f.value for f in figures if f.kind == "count" and "项目" in f.counted],
            "url": article.url, "error": None,
        }
        out.append((row, _ledger_rows(name, number, article, record, date, [p.themes for p in tagged])))
    return out


def _error_row(source: str, error: str) -> dict[str, Any]:
    return {"source": source, "date_from": "unknown", "zones": [], "themes": [], "paragraphs": 0, "keywords": [],
            "money_yuan": [], "project_counts": [], "error": error}


@dataclass
class ArchiveSummary:
    """What :func:`read_archive` read: sources, articles and paragraphs, articles with no date
    found, the sources or records that failed with why (``failed``: ``(name, reason)``), and
    the files of the folders given that were not read, with why (``skipped``)."""

    sources: int = 0
    articles: int = 0
    paragraphs: int = 0
    undated: int = 0
    ledger_entries: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        listed = "".join(_listed(what, pairs) for what, pairs in (("failed", self.failed), ("skipped", self.skipped)))
        return (f"read {_count(self.sources, 'source')}: {_count(self.articles, 'article')} ({self.undated:,} with no "
                f"date found, kept as 'date unknown'), {_count(self.paragraphs, 'paragraph')}, "
                f"{_count(self.ledger_entries, 'ledger entry', 'ledger entries')}, {len(self.failed):,} failed, "
                f"{_count(len(self.skipped), 'file')} skipped; {self.seconds:,.1f} s{listed}")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _listed(what: str, pairs: list[tuple[str, str]], shown: int = 10) -> str:
    """The first ``shown`` of ``pairs`` as lines ``what: name: why``, and how many more."""
    lines = "".join(f"\n  {what}: {name}: {why}" for name, why in pairs[:shown])
    return lines + (f"\n  … and {len(pairs) - shown:,} more {what}" if len(pairs) > shown else "")


@dataclass
class Archive:
    """The digest (:func:`digest`'s frame), the ledger (:func:`zonenlp.ledger`'s) and the summary of one read."""

    digest: Any
    ledger: Any
    summary: ArchiveSummary


def read_archive(
    inputs: str | Path | Iterable[str | Path], *, model: Any = None, k: int = 10, n_jobs: int | None = None,
    cache: str | Path | None = None, progress: bool = False, client: Any = None,
) -> Archive:
    """Read every article of ``inputs`` once, on ``n_jobs`` processes, into the digest, the
    ledger and a summary (an :class:`Archive`).

    ``inputs`` are pages (``.txt``), saved web pages, PDFs, folders of them, URLs (fetched here,
    one request a second per host, kept in ``cache`` if given) and JSON Lines or CSV records (a
    header row) with ``text`` and optional ``title``, ``date``, ``zone``, ``source``/``url``. A source or record
    that cannot be read is a digest row with its ``error`` and is listed in the summary.
    ``progress`` shows a bar of the sources done on standard error. Memory holds the rows and
    a few items in flight, never the archive's text.

    With a Dask ``client`` (:func:`zonenlp.dask.connect`) the articles are analysed on its
    cluster instead of ``n_jobs`` local processes, with the same result; ``model`` is then a
    model file every worker can read, or ``None`` for the shipped model. The workers read the
    pages themselves, so on a cluster of several machines the files must be at the same paths
    on every worker (a shared file system); records and URLs are read here and sent.
    """
    from .analysis import _shipped_tagger
    from .display import progress_bar
    from .fetch import Fetcher
    from .text import check_positive_int
    from .workers import map_in_order, resolve_jobs

    pd = pandas_for("the digest")
    check_positive_int(k, "k")
    if client is not None:
        from .dask import map_on_cluster
        from .persistence import load

        run = partial(map_on_cluster, client, model=model)
        model = load(model)  # here only for its labels
    else:
        model = model if model is not None else _shipped_tagger()[0]
        run = partial(map_in_order, model, n_jobs=resolve_jobs(n_jobs))
    started = time.perf_counter()
    sources, skipped = archive_sources(inputs)
    summary = ArchiveSummary(sources=len(sources), skipped=skipped)
    fetcher = Fetcher(cache=cache)
    rows: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    jobs = ((item, finished, k) for item, finished in _items(sources, fetcher))
    with progress_bar(total=len(sources), unit="source", desc="digest", show=progress) as bar:
        for finished, results in run(_work, jobs):
            for row, ledger_rows in results:
                rows.append(row)
                entries += ledger_rows
                if row["error"] is not None:
                    summary.failed.append((row["source"], row["error"]))
                else:
                    summary.articles += 1
                    summary.paragraphs += row["paragraphs"]
                    summary.undated += row["date"] is None
            bar.update(finished)
    summary.ledger_entries = len(entries)
    summary.seconds = time.perf_counter() - started
    labels = model.classes_.tolist()
    columns = [c for name in DIGEST_COLUMNS for c in ([f"share_{t}" for t in labels] if name == "*" else [name])]
    return Archive(pd.DataFrame(rows, columns=columns), pd.DataFrame(entries, columns=list(LEDGER_COLUMNS)), summary)


def _work(model: Any, job: tuple[list[str | _Entry], int, int]) -> tuple[int, list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    """The sources an item completes, and :func:`_analysed` of it."""
    item, finished, k = job
    return finished, _analysed(model, item, k)


def digest(inputs: str | Path | Iterable[str | Path], *, model: Any = None, k: int = 10,
           n_jobs: int | None = None, progress: bool = False) -> Any:
    """One row per article of ``inputs`` (as :func:`read_archive` takes them), as a
    ``pandas.DataFrame`` with the columns:

    ``source``, ``article`` (its number in the source), ``title``, ``date`` (``YYYY-MM-DD``
    or empty), ``date_from`` (see :func:`zonenlp.dates.article_date`), ``zones`` (the zones it names,
    most named first; a record's ``zone`` field first), ``themes`` (those of at least a
    fifth of its paragraphs), ``share_<theme>`` for every theme of ``model``,
    ``paragraphs``, ``keywords`` (``k``), ``money_yuan`` (the money amounts it names, in
    yuan), ``project_counts`` (the numbers of projects it names), ``url`` and ``error``
    (why a source or record could not be read, else empty).
    """
    return read_archive(inputs, model=model, k=k, n_jobs=n_jobs, progress=progress).digest
