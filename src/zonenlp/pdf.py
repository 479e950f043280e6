"""Reading e-paper PDFs: a newspaper page's articles, its columns and headlines rebuilt from the text layer.

pdfplumber gives every character with its place and type size. Characters set side by
side in one size make a run (a line of a column, or the part of one between two gutters).
The page is then cut, as a reader's eye parts it, along the white space that crosses a
whole region: first down every gutter that runs the region's full height, else across its
widest white band (between articles, between a headline and its body), until each piece is
one column of lines; the pieces come out in reading order. A piece set clearly larger than
the body type is a headline and begins an article; body pieces continue it, column after
column; a line that starts indented begins a paragraph, any other continues it, wherever
the column cut it. Type smaller than the body (captions) and between body and headline
(kickers, subtitles) is no paragraph. What :func:`zonenlp.read_page`'s rules find in the
paragraphs (bylines, credits, "本报讯" leads) is then left out, as for a text page.

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
#: Type this much larger than the body is a headline; between the two, a kicker or subtitle.
_HEADLINE_SCALE = 1.25
#: Characters of one size further apart than this many em stand across a gutter.
_GUTTER_EM = 0.6


class _Run(NamedTuple):
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str


def _runs(page: Any) -> list[_Run]:
    """The page's runs: characters of one size on one line, no gutter between them."""
    chars = sorted(page.chars, key=lambda c: c["top"])
    lines: list[list[Any]] = []  # characters whose tops differ by less than a third of their size
    for char in chars:
        if lines and char["top"] - lines[-1][0]["top"] < 0.3 * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    runs: list[_Run] = []
    for line in lines:
        run: list[Any] = []
        for char in sorted(line, key=lambda c: c["x0"]) + [None]:
            if run and (char is None or round(char["size"], 1) != round(run[-1]["size"], 1)
                        or not -0.2 * char["size"] < char["x0"] - run[-1]["x1"] < _GUTTER_EM * char["size"]):
                runs.append(_Run(run[0]["x0"], run[-1]["x1"], min(c["top"] for c in run), max(c["bottom"] for c in run),
                                 round(run[0]["size"], 1), "".join(c["text"] for c in run).rstrip()))
                run = []
            if char is not None and (run or char["text"].strip()):  # a run starts with a visible character
                run.append(char)
    return runs


def _gaps(spans: list[tuple[float, float]], least: float) -> list[tuple[float, float]]:
    """The stretches at least ``least`` long that none of ``spans`` covers, between the first and the last."""
    gaps, reach = [], None
    for start, end in sorted(spans):
        if reach is not None and start - reach >= least:
            gaps.append((reach, start))
        reach = end if reach is None else max(reach, end)
    return gaps


def _pieces(runs: list[_Run], em: float) -> list[list[_Run]]:
    """The runs cut along the white space that crosses a whole region, in reading order:
    down every full-height gutter, else across the widest white band, until each piece
    is a column of lines."""
    if len(runs) <= 1:
        return [runs] if runs else []
    columns = _gaps([(r.x0, r.x1) for r in runs], _GUTTER_EM * em)
    if columns:
        edges = [left for left, _ in columns] + [float("inf")]
        parts: list[list[_Run]] = [[] for _ in edges]
        for run in runs:
            parts[next(i for i, edge in enumerate(edges) if run.x1 <= edge)].append(run)
        return [piece for part in parts for piece in _pieces(part, em)]
    bands = _gaps([(r.top, r.bottom) for r in runs], 0.0)
    line_gap = sorted(b - a for a, b in bands)[len(bands) // 2] if bands else 0.0
    widest = max(bands, key=lambda band: band[1] - band[0], default=None)
    if widest is None or widest[1] - widest[0] < max(1.5 * line_gap, 0.9 * em):
        return [runs]
    above = [run for run in runs if run.bottom <= widest[0] + 0.01]
    below = [run for run in runs if run.bottom > widest[0] + 0.01]
    return _pieces(above, em) + _pieces(below, em)


class _Box(NamedTuple):
    x0: float
    x1: float
    top: float
    bottom: float


def _box(runs: list[_Run]) -> _Box:
    return _Box(min(r.x0 for r in runs), max(r.x1 for r in runs), min(r.top for r in runs), max(r.bottom for r in runs))


def _page_articles(runs: list[_Run]) -> list[tuple[str | None, list[str]]]:
    """``(headline, paragraphs)`` of each article of one page, in reading order."""
    if not runs:
        return []
    body_size = Counter(run.size for run in runs for _ in run.text).most_common(1)[0][0]
    kept = [run for run in runs if run.size >= 0.95 * body_size]  # captions and credits in small type go
    pieces = _pieces(kept, body_size)
    is_head = [any(run.size >= _HEADLINE_SCALE * body_size for run in piece) for piece in pieces]
    # a headline and its kicker, subtitle or next line, cut apart by white space, are one header
    heads: list[list[_Run]] = []
    for piece, head in zip(pieces, is_head):
        if not head:
            continue
        box, last = _box(piece), _box(heads[-1]) if heads else None
        if last is not None and box.x0 < last.x1 and last.x0 < box.x1 and box.top - last.bottom < 1.2 * body_size * _HEADLINE_SCALE:
            heads[-1] = heads[-1] + piece
        else:
            heads.append(piece)
    boxes = [_box(head) for head in heads]
    owned: dict[int | None, list[list[_Run]]] = {}
    for piece, head in zip(pieces, is_head):
        if head:
            continue
        box = _box(piece)
        above = [h for h, b in enumerate(boxes) if b.bottom <= box.top + 0.5 * body_size]
        over = [h for h in above if boxes[h].x0 < box.x1 and box.x0 < boxes[h].x1]
        # the body under a headline; but a headline further down to its left, below that one,
        # stands over this body too (a short headline over a wide article)
        left = [h for h in above if boxes[h].x0 <= box.x0]
        choice = max(over, key=lambda h: boxes[h].bottom, default=None)
        lower = max(left, key=lambda h: boxes[h].bottom, default=None)
        if lower is not None and (choice is None or boxes[lower].top > boxes[choice].bottom):
            choice = lower
        owned.setdefault(choice, []).append(piece)
    # articles in the order their headlines stand on the page: row by row, left to right
    rows = sorted(range(len(heads)), key=lambda h: (boxes[h].top, boxes[h].x0))
    order: list[int] = []
    for h in rows:
        row = [k for k in rows if k not in order and abs(boxes[k].top - boxes[h].top) < 2 * body_size]
        order += sorted(row, key=lambda k: boxes[k].x0)
    articles = []
    for h in [None, *order]:
        paragraphs: list[str] = []
        for piece in owned.get(h, []):
            left = min(run.x0 for run in piece)
            for run in sorted(piece, key=lambda run: (run.top, run.x0)):
                if run.size > 1.05 * body_size:  # a kicker, subtitle or byline in larger type
                    continue
                if run.x0 - left > 0.8 * body_size or not paragraphs:
                    paragraphs.append(run.text.strip())
                else:
                    paragraphs[-1] += run.text.strip()
        title = None if h is None else "".join(
            run.text for run in sorted(heads[h], key=lambda run: (run.top, run.x0)) if run.size >= _HEADLINE_SCALE * body_size)
        articles.append((title, paragraphs))
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
            pages = [_runs(page) for page in pdf.pages]
    except FileNotFoundError:
        raise InputValueError(f"no such file: {name}") from None
    except Exception as exc:  # pdfminer's parse errors share no base class
        message = str(exc).lower()
        if isinstance(exc, (PDFEncryptionError, PDFPasswordIncorrect)) or "encrypt" in message or "password" in message:
            raise InputValueError(f"{name} is encrypted; save an unprotected copy to read it") from None
        raise InputValueError(f"{name} is not a readable PDF: {type(exc).__name__}: {exc}") from None
    if not any(pages):
        raise InputValueError(f"{name} has no text layer (a scan?): zonenlp reads a PDF's text, it does no OCR")
    articles = []
    for runs in pages:
        for title, paragraphs in _page_articles(runs):
            article = read_article(paragraphs, max_chars=max_chars, title=normalize(title) if title else None)
            if article.paragraphs:
                articles.append(article)
    return articles
