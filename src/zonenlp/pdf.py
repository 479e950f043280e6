"""Reading e-paper PDFs: a newspaper page's articles, its columns and headlines rebuilt from the text layer.

pdfplumber gives every line of text with its place and type size. A line set clearly
larger than the body type is a headline; the gaps no body line crosses are the column
gutters; an article is the body under a headline in the columns the headline spans, down
to the next headline there, read column by column, top to bottom; a line that starts
indented begins a paragraph, any other continues it, wherever the column cut it. What
:func:`zonenlp.read_page`'s rules find in those paragraphs (captions, bylines, credits,
"本报讯" leads) is then left out, as for a text page.

Needs the pdf extra: ``pip install "zonenlp[pdf]"``.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputValueError, MissingDependencyError
from .page import Article, read_article
from .text import DEFAULT_MAX_CHARS, normalize

__all__ = ["read_pdf"]

_NO_PDF = 'reading PDFs needs zonenlp\'s pdf extra: pip install "zonenlp[pdf]"'
#: A line set this much larger than the body type is a headline.
_HEADLINE_SCALE = 1.25


class _Line(NamedTuple):
    x0: float
    x1: float
    top: float
    size: float
    text: str


def _lines(page: Any) -> list[_Line]:
    words = page.extract_words(keep_blank_chars=True, extra_attrs=["size"])
    return [_Line(w["x0"], w["x1"], w["top"], round(w["size"], 1), w["text"]) for w in words if w["text"].strip()]


def _columns(body: list[_Line]) -> list[tuple[float, float]]:
    """The page's columns: the stretches of the page across which body lines run, between gutters no line crosses."""
    columns: list[list[float]] = []
    for line in sorted(body, key=lambda line: line.x0):
        if columns and line.x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], line.x1)
        else:
            columns.append([line.x0, line.x1])
    return [(left, right) for left, right in columns]


def _headlines(lines: list[_Line], body_size: float) -> list[_Line]:
    """The headlines of a page, each of its lines joined (a headline may run over two or
    three, beside another headline set at the same height)."""
    blocks: list[_Line] = []
    for line in sorted((ln for ln in lines if ln.size >= _HEADLINE_SCALE * body_size), key=lambda ln: (ln.top, ln.x0)):
        for i, block in enumerate(blocks):
            below = 0 < line.top - block.top <= 1.6 * line.size * (block.text.count("\n") + 1)
            if below and line.x0 < block.x1 and block.x0 < line.x1 + line.size:
                blocks[i] = block._replace(x0=min(block.x0, line.x0), x1=max(block.x1, line.x1), text=block.text + "\n" + line.text)
                break
        else:
            blocks.append(line)
    return blocks


def _span(head: _Line, heads: list[_Line], columns: list[tuple[float, float]], body: list[_Line], body_size: float) -> list[int]:
    """The columns a headline stands over: those its type covers, and on to the right each
    column with no text beside the headline and its body starting just under it (a short
    headline over a wide article)."""
    bottom = head.top + 1.25 * head.size * (head.text.count("\n") + 1)
    span = [c for c, (left, _) in enumerate(columns) if head.x0 - body_size <= left < head.x1]
    for c in range(span[-1] + 1 if span else len(columns), len(columns)):
        left, right = columns[c]
        in_column = [line for line in body if left <= line.x0 <= right]
        beside = any(head.top - head.size <= line.top <= bottom for line in in_column) or any(
            other is not head and left <= other.x1 and other.x0 <= right and abs(other.top - head.top) < 3 * head.size
            for other in heads)
        under = [line.top for line in in_column if line.top > bottom]
        if beside or not under or min(under) - bottom > 3 * body_size:
            break
        span.append(c)
    return span


def _page_articles(lines: list[_Line]) -> list[tuple[str | None, list[str]]]:
    """``(headline, paragraphs)`` of each article of one page, in reading order."""
    if not lines:
        return []
    body_size = Counter(line.size for line in lines for _ in line.text).most_common(1)[0][0]
    body = [line for line in lines if line.size < _HEADLINE_SCALE * body_size]
    columns = _columns(body)
    heads = _headlines(lines, body_size)
    # the columns each headline spans, and for each column the headlines over it, top down
    spans = [_span(head, heads, columns, body, body_size) for head in heads]
    over = {c: sorted((h for h, span in enumerate(spans) if c in span), key=lambda h: heads[h].top) for c in range(len(columns))}
    owned: dict[int | None, list[tuple[int, _Line]]] = {}
    for line in body:
        column = next(c for c, (left, right) in enumerate(columns) if left <= line.x0 <= right)
        above = [h for h in over[column] if heads[h].top < line.top]
        owned.setdefault(above[-1] if above else None, []).append((column, line))
    order = [None] + sorted(range(len(heads)), key=lambda h: (heads[h].top, heads[h].x0))
    articles = []
    for h in order:
        paragraphs: list[str] = []
        for column, line in sorted(owned.get(h, []), key=lambda item: (item[0], item[1].top)):
            indented = line.x0 - columns[column][0] > 0.8 * body_size
            if indented or not paragraphs:
                paragraphs.append(line.text.strip())
            else:
                paragraphs[-1] += line.text.strip()
        if paragraphs or h is not None:
            articles.append((None if h is None else heads[h].text.replace("\n", ""), paragraphs))
    return articles


def read_pdf(source: str | Path | bytes, *, max_chars: int | None = DEFAULT_MAX_CHARS) -> list[Article]:
    """Read the articles of an e-paper PDF (a path, or the file's bytes), page by page.

    Each :class:`~zonenlp.Article` has its headline as ``title`` (``None`` for text under
    no headline) and its paragraphs whole, the column breaks repaired. A PDF without a
    text layer (a scan) or an encrypted one raises :class:`~zonenlp.errors.InputValueError`
    saying so; zonenlp does no OCR.

    >>> read_pdf(b"%PDF-1.4 cut short")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    zonenlp.errors.InputValueError: the PDF is not a readable PDF: ...
    """
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError:
        raise MissingDependencyError(_NO_PDF) from None
    name = "the PDF" if isinstance(source, (bytes, bytearray)) else str(source)
    try:
        with pdfplumber.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as pdf:
            pages = [_lines(page) for page in pdf.pages]
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise InputValueError(f"{name} is encrypted; save an unprotected copy to read it") from None
    except FileNotFoundError:
        raise InputValueError(f"no such file: {name}") from None
    except Exception as exc:  # pdfminer's parse errors share no base class
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise InputValueError(f"{name} is encrypted; save an unprotected copy to read it") from None
        raise InputValueError(f"{name} is not a readable PDF: {type(exc).__name__}: {exc}") from None
    if not any(pages):
        raise InputValueError(f"{name} has no text layer (a scan?): zonenlp reads a PDF's text, it does no OCR")
    articles = []
    for lines in pages:
        for title, paragraphs in _page_articles(lines):
            article = read_article(paragraphs, max_chars=max_chars, title=normalize(title) if title else None)
            if article.paragraphs:
                articles.append(article)
    return articles
