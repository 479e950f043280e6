"""Write the e-paper PDF fixtures of tests/fixtures/pdf/ from text we wrote.

Each page is laid out as a newspaper prints one: 4 to 6 columns, several articles, each
under a headline in a larger type that spans the columns its body runs down, the body's
lines cut at the column's width wherever they fall (mid-word, mid-sentence), a paragraph
starting with a two-character indent. The articles are those of the web-page fixtures
(tests/fixtures/html/*.json: our own text). Next to each PDF a ground-truth .json lists its
articles with their headlines and paragraphs, in reading order.

The type is reportlab's built-in STSong-Light (a CID font every PDF reader has), so no
font file is needed and the text layer holds the characters themselves.

    python scripts/make_pdf_fixtures.py      # needs reportlab: pip install reportlab
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "html"
TARGET = ROOT / "tests" / "fixtures" / "pdf"

PAGE_WIDTH, PAGE_HEIGHT = 842.0, 1191.0  # A3 portrait, in points
MARGIN = 36.0
GUTTER = 12.0
BODY_SIZE, BODY_LEADING = 9.5, 13.0
HEAD_SIZE, HEAD_LEADING = 18.0, 22.0

# Each page: its number of columns and its articles, each an (html fixture, first column,
# number of columns) placed one under another where they share columns.
PAGES = {
    "epaper-4col": (4, [("portal-1", 0, 2), ("gbk-1", 2, 2), ("epaper-1", 0, 4)]),
    "epaper-5col": (5, [("wechat-1", 0, 3), ("tables-1", 3, 2), ("xxgk-1", 0, 2), ("mobile-1", 2, 3)]),
    "epaper-6col": (6, [("portal2-1", 0, 4), ("gbk-2", 4, 2), ("epaper-2", 0, 3), ("tables-2", 3, 3)]),
    "epaper-6col-b": (6, [("wechat-2", 0, 2), ("heldout/heldout-portal", 2, 4), ("heldout/heldout-gbk", 2, 2),
                          ("heldout/heldout-epaper", 4, 2)]),
}


def wrap(text: str, width: float, size: float, font: str, first_indent: float) -> list[str]:
    """``text`` cut into lines no wider than ``width``, the first one indented."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, room = [], "", width - first_indent
    for char in text:
        if line and stringWidth(line + char, font, size) > room:
            lines.append(line)
            line, room = "", width
        line += char
    return lines + [line] if line else lines


def main() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, (n_columns, placed) in PAGES.items():
        column_width = (PAGE_WIDTH - 2 * MARGIN - (n_columns - 1) * GUTTER) / n_columns
        tops = [PAGE_HEIGHT - MARGIN] * n_columns  # where each column is filled down to
        page = canvas.Canvas(str(TARGET / f"{name}.pdf"), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
        articles = []
        for fixture, first, span in placed:
            truth = json.loads((SOURCE / f"{fixture}.json").read_text(encoding="utf-8"))
            columns = range(first, first + span)
            top = min(tops[c] for c in columns) - (HEAD_LEADING if any(t < PAGE_HEIGHT - MARGIN for t in tops) else 0)
            left = MARGIN + first * (column_width + GUTTER)
            head_width = span * column_width + (span - 1) * GUTTER
            page.setFont(font, HEAD_SIZE)
            for line in wrap(truth["title"], head_width, HEAD_SIZE, font, 0):
                top -= HEAD_LEADING
                page.drawString(left, top, line)
            top -= BODY_LEADING * 0.6
            # the body's lines, each with its indent, then poured down the columns in turn
            body = [(indent, line) for paragraph in truth["paragraphs"]
                    for i, line in enumerate(wrap(paragraph, column_width, BODY_SIZE, font, 2 * BODY_SIZE))
                    for indent in [2 * BODY_SIZE if i == 0 else 0.0]]
            per_column = -(-len(body) // span)
            page.setFont(font, BODY_SIZE)
            for k, c in enumerate(columns):
                y = top
                x = MARGIN + c * (column_width + GUTTER)
                for indent, line in body[k * per_column : (k + 1) * per_column]:
                    y -= BODY_LEADING
                    page.drawString(x + indent, y, line)
                tops[c] = y - BODY_LEADING
            articles.append({"title": truth["title"], "paragraphs": truth["paragraphs"], "from": fixture})
        page.showPage()
        page.save()
        (TARGET / f"{name}.json").write_text(
            json.dumps({"columns": n_columns, "articles": articles}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"wrote {name}.pdf: {n_columns} columns, {len(articles)} articles")


if __name__ == "__main__":
    main()
