"""Keywords are whole terms of their text (#20): never a piece of a longer word, name,
organisation or quoted term, judged by the independent boundary sources of
tests/keyword_boundaries.py, never across a line."""

from __future__ import annotations

from zonenlp import analyze, keywords


def test_keywords_never_cross_a_line():
    # normalizing a text removes the line break between Chinese characters: without care,
    # the headline's last word and the next line's first make one zone name or phrase
    text = "湘潭高新区大力发展数字经济\n产业园首批项目今年开工建设，产业园配套同步推进。"
    lines = text.splitlines()
    for term in keywords(text, k=10, withWeight=False):
        assert any(term in line for line in lines), term
    article = analyze("湘潭高新区大力发展数字经济\n\n产业园首批项目今年开工建设，产业园配套同步推进。")[0]
    assert all(any(term in line for line in lines) for term, _ in article.keywords)
