"""A digest of an archive: one row per article — where and when, which zones, how much of each theme, its keywords and figures.

:func:`digest` reads text pages, saved web pages, PDFs, folders of them, URLs, and JSON
Lines records (one article each), analyses every article as :func:`zonenlp.analyze` does,
and returns a pandas DataFrame an analyst can group by month and zone. An article whose
date cannot be found keeps an empty date (``date_from`` says ``"unknown"``): it is never
dropped.

Needs pandas: ``pip install "zonenlp[digest]"``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputValueError, MissingDependencyError
from .page import Article

__all__ = ["digest", "article_date", "archive_articles", "pandas_for"]

# a date in a file or URL name: 2024-03-29, 2024_03_29, 20240329
_NAME_DATE = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _full(figure: Any, year: int | None) -> str | None:
    """``YYYY-MM-DD`` of a date figure, its year taken from ``year`` when the text gives none."""
    parts = figure.normalized
    year = parts.get("year", year)
    if year is None or "month" not in parts or "day" not in parts:
        return None
    return f"{int(year):04d}-{int(parts['month']):02d}-{int(parts['day']):02d}"


def article_date(article: Article, name: str = "", record_date: str | None = None) -> tuple[str | None, str]:
    """The date of ``article`` and where it came from: the record's date field (``"record"``),
    the page's own metadata (``"page"``), a full date in its headline or first paragraphs
    (``"text"``; a 3月29日 without a year takes the year of the file's name), the file's or
    URL's name (``"name"``), else ``(None, "unknown")``.

    >>> article_date(Article(paragraphs=["3月29日，园区签约项目5个。"]), "daily-2024-04-01.txt")
    ('2024-03-29', 'text')
    >>> article_date(Article(paragraphs=["园区签约项目5个。"]), "notes.txt")
    (None, 'unknown')
    """
    from .quantities import figures

    if record_date:
        return str(record_date)[:10], "record"
    if article.date:
        return article.date, "page"
    named = _NAME_DATE.search(name)
    year = int(named.group(1)) if named else None
    for text in [article.title or "", *article.paragraphs[:2]]:
        for figure in figures(text):
            if figure.kind == "date" and (date := _full(figure, year)) is not None:
                return date, "text"
    if named:
        return "-".join(named.groups()), "name"
    return None, "unknown"


def _sources(inputs: str | Path | Iterable[str | Path]) -> list[str]:
    """Every page or record file the inputs name: folders opened (in name order), URLs kept."""
    from .readers import PAGE_SUFFIXES

    items = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    sources = []
    for item in map(str, items):
        if Path(item).is_dir():
            sources += sorted(str(p) for p in Path(item).iterdir() if p.suffix.lower() in (*PAGE_SUFFIXES, ".jsonl"))
        else:
            sources.append(item)
    return sources


def _articles(source: str) -> Iterable[tuple[Article, str, dict[str, Any]]]:
    """``(article, name, record fields)`` of each article of one source."""
    from .fetch import is_url
    from .readers import file_articles
    from .text import split_paragraphs

    if source.endswith(".jsonl") and not is_url(source):
        with open(source, encoding="utf-8-sig") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputValueError(f"{source}: line {number} is not valid JSON: {exc.msg}") from None
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise InputValueError(f"{source}: line {number} has no \"text\" string")
                article = Article(title=record.get("title"), paragraphs=split_paragraphs(record["text"]),
                                  url=record.get("url"))
                yield article, str(record.get("source") or record.get("url") or f"{source}:{number}"), record
        return
    for article in file_articles(source):
        yield article, source, {}


def archive_articles(inputs: str | Path | Iterable[str | Path]) -> Iterator[tuple[str, int, Article, dict[str, Any]]]:
    """``(source name, article number in it, article, record fields)`` of every article of
    ``inputs`` (as :func:`digest` takes them), in order: what the digest and the ledger read."""
    for source in _sources(inputs):
        numbers: Counter[str] = Counter()
        for article, name, record in _articles(source):
            numbers[name] += 1
            yield name, numbers[name], article, record


def pandas_for(what: str) -> Any:
    """pandas, or an error naming the extra that brings it, for ``what`` needs it."""
    try:
        import pandas
    except ImportError:
        raise MissingDependencyError(f'{what} needs pandas: pip install "zonenlp[digest]"') from None
    return pandas


def digest(inputs: str | Path | Iterable[str | Path], *, model: Any = None, k: int = 10) -> Any:
    """One row per article of ``inputs`` (pages, saved web pages, PDFs, folders of them,
    URLs, JSON Lines records with ``text`` and optional ``title``, ``date``, ``zone``,
    ``source``/``url``), as a ``pandas.DataFrame`` with the columns:

    ``source``, ``article`` (its number in the source), ``title``, ``date`` (``YYYY-MM-DD``
    or empty), ``date_from`` (see :func:`article_date`), ``zones`` (the zones it names,
    most named first; a record's ``zone`` field first), ``themes`` (those of at least a
    third of its paragraphs), ``share_<theme>`` for every theme of ``model``,
    ``paragraphs``, ``keywords`` (``k``), ``money_yuan`` (the money amounts it names, in
    yuan) and ``project_counts`` (the numbers of projects it names).
    """
    pd = pandas_for("digest")
    from .analysis import _shipped_tagger, analyze

    model = model if model is not None else _shipped_tagger()[0]
    labels = model.classes_.tolist()
    rows = []
    for name, number, article, record in archive_articles(inputs):
        date, date_from = article_date(article, name, record.get("date"))
        analysis, = analyze([article], model, k=max(1, k // 2)) if article.paragraphs else [None]
        figures = [f for p in (analysis.paragraphs if analysis else []) for f in p.figures]
        zones = ([record["zone"]] if record.get("zone") else []) + (analysis.zones if analysis else [])
        rows.append({
            "source": name, "article": number, "title": article.title, "date": date, "date_from": date_from,
            "zones": list(dict.fromkeys(zones)),
            "themes": analysis.themes if analysis else [],
            **{f"share_{label}": (analysis.theme_shares[label] if analysis else 0.0) for label in labels},
            "paragraphs": len(article.paragraphs),
            "keywords": [term for term, _ in analysis.keywords][:k] if analysis else [],
            "money_yuan": [f.value for f in figures if f.kind == "money" and f.unit == "CNY" and f.value],
            "project_counts": [f.value for f in figures if f.kind == "count" and "项目" in f.counted],
        })
    columns = ["source", "article", "title", "date", "date_from", "zones", "themes",
               *(f"share_{label}" for label in labels), "paragraphs", "keywords", "money_yuan", "project_counts"]
    return pd.DataFrame(rows, columns=columns)
