"""The HTML report is one self-contained file; test_report_browser.py renders it in Chromium."""

import re

import pytest

from zonenlp import analyze
from zonenlp.report import render_report


@pytest.fixture(scope="module")
def document(seed_page_text, shipped_model):
    return render_report(analyze(seed_page_text, shipped_model), shipped_model.classes_.tolist(), source="seed page")


def test_report_shows_every_article_and_paragraph(document, seed_set):
    assert document.count('class="para"') == len(seed_set)
    assert document.count("<article") == 6
    assert "湘潭高新区打好招商引资主动仗" in document and "(untitled article)" in document
    assert "<svg" in document and 'class="kw"' in document and 'class="fig"' in document


def test_report_needs_no_network(document):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", document)
    assert "<script" not in document and "<link" not in document and "@import" not in document


def test_text_is_escaped(shipped_model):
    html = render_report(analyze("<b>园区</b>举办科普讲座，学生参观实验室。", shipped_model), shipped_model.classes_.tolist())
    assert "<b>园区</b>" not in html and "&lt;b&gt;" in html
