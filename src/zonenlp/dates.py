"""An article's date: from its record, its page's metadata, the text printed with it, or its file's name.

:func:`article_date` says where the date came from, so that an analyst can tell a date the
page gave from one guessed from a file name, and an article with none is kept as "unknown".
"""

from __future__ import annotations

import re
from typing import Any

from .page import PRINTED_DATE, Article

__all__ = ["article_date"]

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
    the page's own metadata (``"page"``), a full date in its headline, the lines printed with
    it (a date line under the headline) or its first paragraphs (``"text"``; a 3月29日 without
    a year takes the year of the file's name), the file's or URL's name (``"name"``), else
    ``(None, "unknown")``.

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
    for text in [article.title or "", *article.kickers, *article.paragraphs[:2]]:
        for figure in figures(text):
            if figure.kind == "date" and (date := _full(figure, year)) is not None:
                return date, "text"
        if printed := PRINTED_DATE.search(text):
            year_, _, month, day = printed.groups()
            return f"{year_}-{int(month):02d}-{int(day):02d}", "text"
    if named:
        return "-".join(named.groups()), "name"
    return None, "unknown"
