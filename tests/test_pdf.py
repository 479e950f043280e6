"""Reading e-paper PDFs (zonenlp.pdf): columns, headlines and articles rebuilt from the text layer."""

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber")

from zonenlp import InputValueError, MissingDependencyError  # noqa: E402
from zonenlp.pdf import read_pdf  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"


@pytest.mark.parametrize("page", sorted(FIXTURES.rglob("*.pdf")), ids=lambda p: p.stem)
def test_every_article_comes_whole_under_its_headline(page):
    from zonenlp.page import _DATELINE
    from zonenlp.text import normalize

    truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    articles = read_pdf(page)
    assert [a.title for a in articles] == [normalize(a["title"]) for a in truth["articles"]]
    for article, expected in zip(articles, truth["articles"]):
        assert article.paragraphs == [_DATELINE.sub("", normalize(p), count=1).strip() for p in expected["paragraphs"]]


def test_bytes_read_as_the_file(tmp_path):
    page = sorted(FIXTURES.glob("*.pdf"))[0]
    assert read_pdf(page.read_bytes()) == read_pdf(page)


def _pdf(path, draw, **options):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    page = canvas.Canvas(str(path), **options)
    draw(page)
    page.showPage()
    page.save()
    return path


def test_a_scan_without_text_is_refused_saying_so(tmp_path):
    scan = _pdf(tmp_path / "scan.pdf", lambda page: page.rect(50, 50, 400, 600, fill=1))
    with pytest.raises(InputValueError, match="no text layer"):
        read_pdf(scan)


def test_an_encrypted_pdf_is_refused_saying_so(tmp_path):
    locked = _pdf(tmp_path / "locked.pdf", lambda page: page.drawString(50, 700, "zone news"), encrypt="secret")
    with pytest.raises(InputValueError, match="encrypted"):
        read_pdf(locked)


def test_what_is_no_pdf_is_refused(tmp_path):
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf at all")
    with pytest.raises(InputValueError, match="not a readable PDF"):
        read_pdf(tmp_path / "fake.pdf")
    with pytest.raises(InputValueError, match="no such file"):
        read_pdf(tmp_path / "missing.pdf")


def test_without_the_pdf_extra_the_error_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "zonenlp\[pdf\]"'):
        read_pdf(sorted(FIXTURES.glob("*.pdf"))[0])


def test_commands_read_a_pdf(tmp_path, capsys):
    from zonenlp.cli import main

    page = sorted(FIXTURES.glob("*.pdf"))[0]
    truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert main(["tag", str(page), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == sum(len(a["paragraphs"]) for a in truth["articles"])
    assert rows[0]["title"] == truth["articles"][0]["title"]
