"""Traditional Chinese is read as Simplified: same themes, same tokens, same figures."""

import json

import pytest

import zonenlp
from conftest import ROOT
from zonenlp.text import to_simplified

# 40 paragraphs (15 of the seed page, 25 of the test split) and their Traditional
# versions, written by hand without conversion software (tests/fixtures/README.md)
PAIRS = [json.loads(l) for l in (ROOT / "tests" / "fixtures" / "traditional.jsonl").read_text(encoding="utf-8").splitlines()]


def test_traditional_paragraphs_get_the_themes_of_their_simplified_versions(shipped_model):
    simplified = shipped_model.predict_labels([p["simplified"] for p in PAIRS])
    traditional = shipped_model.predict_labels([p["traditional"] for p in PAIRS])
    assert traditional == simplified


def test_conversion_is_character_for_character_and_leaves_simplified_alone():
    for pair in PAIRS:
        converted = to_simplified(pair["traditional"])
        assert len(converted) == len(pair["traditional"])
        assert to_simplified(pair["simplified"]) == pair["simplified"]
    exact = sum(to_simplified(p["traditional"]) == p["simplified"] for p in PAIRS)
    assert exact >= 30  # the rest differ only in 瞭/著, left out as ambiguous


@pytest.mark.parametrize("traditional,simplified", [
    ("招商引資", "招商引资"), ("營商環境", "营商环境"), ("人才公寓", "人才公寓"), ("科普基地", "科普基地"), ("產業園區", "产业园区"),
])
def test_domain_terms(traditional, simplified):
    assert zonenlp.tokenize(traditional) == zonenlp.tokenize(simplified)


def test_keywords_and_figures_of_traditional_text():
    text = "湘潭高新區新簽約億元以上項目10個，總投資額39億元，優化營商環境。"
    assert [w for w, _ in zonenlp.keywords(text, k=3)] == [w for w, _ in zonenlp.keywords(to_simplified(text), k=3)]
    money = [f for f in zonenlp.figures(text) if f.kind == "money"]
    assert money[0].text == "39億元" and money[0].value == 3.9e9  # the span shows the text as written
    assert [f.text for f in zonenlp.figures(text) if f.kind == "zone"] == ["湘潭高新區"]


def test_a_traditional_page_is_read_like_a_simplified_one():
    page = "湘潭高新區打好招商引資主動仗\n\n丁玉潔\n\n本報訊（記者 陳新奇）近日，湘潭高新區召開大會。\n"
    [article] = zonenlp.read_page(page)
    assert article.title == "湘潭高新區打好招商引資主動仗"
    assert article.authors == ["丁玉潔", "陳新奇"] and article.dateline == "本報訊"
    assert article.paragraphs == ["近日，湘潭高新區召開大會。"]
