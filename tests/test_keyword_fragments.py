"""Keywords are whole terms of their text (#20): never a piece of a longer word, name,
organisation or quoted term, judged by the independent boundary sources of
tests/keyword_boundaries.py, never across a line."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from keyword_boundaries import fragments, is_fragment

from zonenlp import KeywordExtractor, analyze, keywords, read_page

#: The most of zonenlp's top 5 keywords that may be fragments (the issue's target).
MAX_FRAGMENT_SHARE = 0.01

SEED_07 = "北京、上海、重庆、广州、深圳……这段时间，陈荣率队招商考察，从北到南，风雨无阻，步履不停——"
SEED_10 = ("在上海，对接温斯罗普生物医学科技(上海)有限公司、上海微技术工业研究院等一批企业，"
           "就深化务实合作、促进项目落地等开展洽谈，力争实现双赢。")
SEED_27 = ("去年，江阴高新区出台《江阴高新区关于加快推动科技招商工作的若干政策(试行)》，按照“引进一位人才、落地一个项目、"
           "带动一个产业”的思路，着力打造“政策+人才+技术+载体+资本+服务”六位一体科技招商模式，全年引进科技项目515个。")
SMALL_FIRMS = "高新区为中小微企业纾困减负，对租用标准厂房的中小微企业减免半年租金。"

#: The fragments of the issue, each with a text it is a fragment of.
ISSUE_FRAGMENTS = [
    ("段时间", SEED_07),  # of 这段时间
    ("从北到", SEED_07),  # of 从北到南
    ("斯罗普", SEED_10),  # of 温斯罗普生物医学科技(上海)有限公司
    ("技术工业研究院", SEED_10),  # of 上海微技术工业研究院
    ("中小", SMALL_FIRMS),  # of 中小微企业
    ("一体科技招商模式", SEED_27),  # of 六位一体科技招商模式
]


def paragraphs(part: str) -> list[str]:
    """The paragraphs of the labelled corpus (data/themes/*.jsonl) or of the seed page, as zonenlp reads it."""
    if part == "seed page":
        page = (ROOT / "data" / "seed" / "page-2024-hitech-zones.txt").read_text(encoding="utf-8")
        return [p for article in read_page(page) for p in article.paragraphs]
    texts = []
    for path in sorted((ROOT / "data" / "themes").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


@pytest.mark.parametrize("part", ["corpus", "seed page"])
def test_few_of_the_top_keywords_are_fragments(part):
    extractor = KeywordExtractor()
    n_keywords, offenders = 0, []
    for text in paragraphs(part):
        top = [term for term, _ in extractor.extract(text, 5)]
        n_keywords += len(top)
        offenders += [(term, text[:40]) for term in fragments(top, text)]
    share = len(offenders) / n_keywords
    listed = "\n".join(f"  {term}  in  {start}…" for term, start in offenders)
    assert share < MAX_FRAGMENT_SHARE, f"{len(offenders)} of {n_keywords} top-5 keywords ({share:.2%}) are fragments:\n{listed}"


@pytest.mark.parametrize(("fragment", "text"), ISSUE_FRAGMENTS, ids=[f for f, _ in ISSUE_FRAGMENTS])
def test_the_issues_fragments_are_fragments_and_not_keywords(fragment, text):
    assert is_fragment(fragment, text)
    assert fragment not in keywords(text, k=10, withWeight=False)


@pytest.mark.parametrize(("term", "text"), [
    ("招商引资", "湘潭高新区全力抓好招商引资，招商引资成效明显。"),
    ("湘潭高新区", "湘潭高新区召开招商引资动员大会，部署招商引资工作。"),
    ("六位一体科技招商模式", SEED_27),
])
def test_whole_terms_are_still_keywords(term, text):
    assert not is_fragment(term, text)
    assert term in keywords(text, k=5, withWeight=False)


def test_a_name_inside_a_longer_name_is_whole():
    text = "湘潭高新区管委会召开招商引资动员大会。"
    assert not is_fragment("湘潭高新区", text)  # the zone's name, in its committee's
    assert is_fragment("管委会", text)


def test_organisation_names_are_kept_whole_or_not_at_all():
    words = keywords(SEED_10, k=10, withWeight=False)
    names = ["温斯罗普生物医学科技(上海)有限公司", "上海微技术工业研究院"]
    assert set(names) <= set(words)
    assert not [w for w in words if w not in names and any(w in name for name in names) and SEED_10.count(w) == 1]


def test_keywords_never_cross_a_line():
    # normalizing a text removes the line break between Chinese characters: without care,
    # the headline's last word and the next line's first make one zone name or phrase
    text = "湘潭高新区大力发展数字经济\n产业园首批项目今年开工建设，产业园配套同步推进。"
    lines = text.splitlines()
    for term in keywords(text, k=10, withWeight=False):
        assert any(term in line for line in lines), term
    article = analyze("湘潭高新区大力发展数字经济\n\n产业园首批项目今年开工建设，产业园配套同步推进。")[0]
    assert all(any(term in line for line in lines) for term, _ in article.keywords)
