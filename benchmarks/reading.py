"""Reading web pages and e-paper PDFs: zonenlp.read_html against trafilatura + htmldate as they
come, and zonenlp.read_pdf against pdfplumber's page text read by read_page, in one run.

Fixtures: tests/fixtures/html/*.html, pages in the template styles of zone portals,
government sites, e-papers and WeChat articles, written by us, each with a ground-truth
.json (title, date, body paragraphs, and the furniture text that must not come out as a
paragraph). For each system and page:

- body paragraphs recovered exactly (after normalisation, and without a "本报讯（…）"
  lead, which zonenlp keeps apart as the article's dateline);
- extra paragraphs: what a system returns that is no body paragraph (captions, credits,
  navigation ...);
- title and date right.

For the PDF pages (tests/fixtures/pdf/, made by scripts/make_pdf_fixtures.py, and
tests/fixtures/pdf/heldout/, made by scripts/make_pdf_heldout.py): each article found
under its own headline, and its paragraphs recovered whole.

Writes benchmarks/results/reading.md.

    python benchmarks/reading.py
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIXTURES = ROOT / "tests" / "fixtures" / "html"
RESULTS = ROOT / "benchmarks" / "results"


def comparable(paragraph: str) -> str:
    """A paragraph as compared: normalised, and without a leading dateline (本报讯（记者 …）)."""
    from zonenlp.page import _DATELINE
    from zonenlp.text import normalize

    text = normalize(paragraph)
    return _DATELINE.sub("", text, count=1).strip()


def zonenlp_reader(html: bytes) -> tuple[str | None, str | None, list[str]]:
    from zonenlp.web import read_html

    articles = read_html(html)
    if not articles:
        return None, None, []
    return articles[0].title, articles[0].date, articles[0].paragraphs


def trafilatura_reader(html: bytes) -> tuple[str | None, str | None, list[str]]:
    """trafilatura's text (one paragraph a line) and title, and htmldate's date, as they come."""
    import trafilatura
    from htmldate import find_date

    from zonenlp.web import decode_html

    text = decode_html(html)
    document = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=False)
    if document is None:
        return None, find_date(text), []
    lines = [line.strip() for line in (document.text or "").split("\n") if line.strip()]
    return document.title, find_date(text), lines


SYSTEMS = {"zonenlp read_html": zonenlp_reader, "trafilatura + htmldate": trafilatura_reader}


def score(truth: dict, title: str | None, date: str | None, paragraphs: list[str]) -> dict[str, int]:
    gold = [comparable(p) for p in truth["paragraphs"]]
    got = [comparable(p) for p in paragraphs]
    furniture = {comparable(p) for p in truth.get("not_paragraphs", [])}
    return {
        "paragraphs": len(gold),
        "recovered": sum(p in got for p in gold),
        "extra": sum(p not in gold for p in got),
        "furniture": sum(p in furniture for p in got if p not in gold),
        "title": int(title is not None and comparable(title) == comparable(truth["title"])),
        "date": int(date == truth["date"]),
    }


def table(results: dict[str, dict[str, dict[str, int]]]) -> list[str]:
    lines = ["| system | body paragraphs recovered | extra paragraphs | of them furniture the page lists | titles right "
             "| dates right |", "|---|---|---|---|---|---|"]
    for name, by_page in results.items():
        total = {key: sum(s[key] for s in by_page.values()) for key in next(iter(by_page.values()))}
        lines.append(
            f"| {name} | {total['recovered']}/{total['paragraphs']} ({total['recovered'] / max(total['paragraphs'], 1):.1%}) "
            f"| {total['extra']} | {total['furniture']} | {total['title']}/{len(by_page)} | {total['date']}/{len(by_page)} |"
        )
    return lines


def by_page(results: dict[str, dict[str, dict[str, int]]]) -> list[str]:
    lines = ["| page | " + " | ".join(f"{n}: recovered, extra, title, date" for n in SYSTEMS) + " |",
             "|---|" + "---|" * len(SYSTEMS)]
    for page in next(iter(results.values())):
        cells = [f"{s['recovered']}/{s['paragraphs']}, {s['extra']}, {'yes' if s['title'] else 'no'}, {'yes' if s['date'] else 'no'}"
                 for s in (results[name][page] for name in SYSTEMS)]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return lines


def pdf_baseline(path: Path) -> list:
    """The plain way: pdfplumber's text of each page (lines in the order of the page, across
    its columns), read by zonenlp.read_page."""
    import pdfplumber

    from zonenlp import read_page

    with pdfplumber.open(path) as pdf:
        return [article for page in pdf.pages for article in read_page(page.extract_text() or "")]


PDF_SYSTEMS = {"zonenlp read_pdf": lambda path: __import__("zonenlp.pdf", fromlist=["read_pdf"]).read_pdf(path),
               "pdfplumber text + read_page": pdf_baseline}


def pdf_score(truth: dict, articles: list) -> dict[str, int]:
    got = {comparable(a.title or ""): [comparable(p) for p in a.paragraphs] for a in articles}
    paragraphs = recovered = headed = 0
    for article in truth["articles"]:
        gold = [comparable(p) for p in article["paragraphs"]]
        mine = got.get(comparable(article["title"]))
        paragraphs += len(gold)
        headed += mine is not None
        recovered += sum(p in mine for p in gold) if mine is not None else 0
    return {"articles": len(truth["articles"]), "headed": headed, "paragraphs": paragraphs, "recovered": recovered}


PDF_GROUPS = {
    "": "Made by `python scripts/make_pdf_fixtures.py` (reportlab) from the articles of the web-page fixtures: 4 to 6 "
        "columns, several articles a page, headlines in a larger type over the columns their body runs down, lines "
        "cut at the column's width. The reader was written with these pages in view.",
    "heldout": "Held out: made by `python scripts/make_pdf_heldout.py` (HTML and CSS printed by headless Chromium), "
               "written by someone who saw neither the reader nor the pages above: mastheads, kickers, subtitles, "
               "bylines, photos with captions, boxed articles, justified type. Seen since their first run "
               "(`tests/fixtures/pdf/README.md`).",
}


def pdf_section() -> list[str]:
    return [line for group, about in PDF_GROUPS.items() for line in pdf_group(ROOT / "tests" / "fixtures" / "pdf" / group, about)]


def pdf_group(folder: Path, about: str) -> list[str]:
    pages = sorted(folder.glob("*.pdf"))
    if not pages:
        return []
    lines = ["", f"## {len(pages)} e-paper PDF pages{' (held out)' if folder.name == 'heldout' else ''}", "",
             about + " Articles: found under their own headline; paragraphs: recovered whole (column breaks "
             "repaired) in their article.", "",
             "| page | " + " | ".join(f"{n}: articles, paragraphs" for n in PDF_SYSTEMS) + " |", "|---|" + "---|" * len(PDF_SYSTEMS)]
    totals = {name: Counter() for name in PDF_SYSTEMS}
    for page in pages:
        truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        cells = []
        for name, read in PDF_SYSTEMS.items():
            s = pdf_score(truth, read(page))
            totals[name].update(s)
            cells.append(f"{s['headed']}/{s['articles']}, {s['recovered']}/{s['paragraphs']}")
        lines.append(f"| {page.stem} | " + " | ".join(cells) + " |")
    lines.append("| **all** | " + " | ".join(
        f"**{t['headed']}/{t['articles']}, {t['recovered']}/{t['paragraphs']} ({t['recovered'] / max(t['paragraphs'], 1):.0%})**"
        for t in totals.values()) + " |")
    return lines


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    groups = {
        "pages in view while the reader was written": sorted(FIXTURES.glob("*.html")),
        "held-out pages (written later, by someone who saw neither the pages above nor the reader)":
            sorted((FIXTURES / "heldout").glob("*.html")),
    }
    lines = [
        "# Reading web pages", "",
        "Command: `python benchmarks/reading.py` (one run). News pages written by us in the template styles of zone "
        "portals, government sites, e-papers and WeChat articles (`tests/fixtures/html/`), each with a ground-truth "
        "file. Recovered: body paragraphs found exactly (normalised, without a 本报讯 lead); extra: returned "
        "paragraphs that are no body paragraph, and how many of those are furniture the ground truth lists "
        "(captions, credits, navigation, footers …).",
    ]
    for heading, pages in groups.items():
        if not pages:
            continue
        results: dict[str, dict[str, dict[str, int]]] = {name: {} for name in SYSTEMS}
        for page in pages:
            truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
            html = page.read_bytes()
            for name, read in SYSTEMS.items():
                results[name][page.stem] = score(truth, *read(html))
        lines += ["", f"## {len(pages)} {heading}", "", *table(results), "", *by_page(results)]
    lines += pdf_section()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reading.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
