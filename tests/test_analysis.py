"""analyze(): the page read, every paragraph tagged, every article summarised."""

import json

import pytest

from zonenlp import analyze
from zonenlp.analysis import MAIN_THEME_SHARE


@pytest.fixture(scope="module")
def page(seed_page_text, shipped_model):
    return analyze(seed_page_text, shipped_model)


def test_every_paragraph_is_tagged(page, seed_set):
    paragraphs = [p for a in page for p in a.paragraphs]
    assert [p.text for p in paragraphs] == [r["text"] for r in seed_set]
    for p in paragraphs:
        assert set(p.scores) == {"investment", "environment", "talent", "outreach"}
        assert set(p.themes) <= set(p.scores)
        assert len(p.keywords) <= 5


def test_article_summary(page):
    xiangtan = page[0]
    assert xiangtan.title == "湘潭高新区打好招商引资主动仗"
    assert xiangtan.zones[0] == "湘潭高新区"
    figures = {f.text for f in xiangtan.headline_figures}
    assert {"10个", "39亿元"} <= figures
    assert all(xiangtan.theme_shares[t] >= MAIN_THEME_SHARE for t in xiangtan.themes)
    assert xiangtan.themes == sorted(xiangtan.themes, key=lambda t: -xiangtan.theme_shares[t])
    assert len(xiangtan.keywords) == 10


def test_article_themes_follow_the_paragraphs(page):
    # the summary is computed from the paragraph tags, whatever the model says about them
    for article in page:
        n = len(article.paragraphs)
        for theme, share in article.theme_shares.items():
            assert share == round(sum(theme in p.themes for p in article.paragraphs) / n, 3)


def test_serialises_to_json(page):
    data = json.loads(json.dumps([a.as_dict() for a in page], ensure_ascii=False))
    assert data[1]["authors"] == ["许晨威", "刘潇"]
    assert data[0]["paragraphs"][1]["figures"][0]["kind"] == "date"


def test_empty_page(shipped_model):
    assert analyze("", shipped_model) == []


def test_keywords_come_from_the_models_tokenizer(tiny_corpus):
    """A paragraph's keywords are those of the model's own tokenizer, as in ``zonenlp batch``."""
    from zonenlp import TfidfFeaturizer, ThemeClassifier, Tokenizer
    from zonenlp.batch import tag_values

    texts, labels = tiny_corpus
    tokenizer = Tokenizer(extra_words=("云上推介",))
    model = ThemeClassifier(featurizer=TfidfFeaturizer(tokenizer=tokenizer), threshold=0.5).fit(texts, labels)
    paragraph = "招商局驻点上海开展云上推介活动，云上推介已洽谈在谈项目20个。"
    [article] = analyze(paragraph, model, k=3)
    terms = [term for term, _ in article.paragraphs[0].keywords]
    assert "云上推介" in terms  # one word only in this model's dictionary (the default's is 云上 + 推介)
    assert terms == tag_values(model, [paragraph], k=3)[0]["keywords"]


def test_without_a_model_the_shipped_one_is_loaded_once(seed_page_text, monkeypatch, page):
    from zonenlp import analysis, persistence

    loads = []
    real_load = persistence.load
    monkeypatch.setattr(persistence, "load", lambda *a, **kw: loads.append(1) or real_load(*a, **kw))
    analysis._shipped_tagger.cache_clear()
    try:
        first = analyze(seed_page_text)
        second = analyze(seed_page_text)
    finally:
        analysis._shipped_tagger.cache_clear()
    assert len(loads) == 1
    as_json = [json.dumps([a.as_dict() for a in articles], ensure_ascii=False) for articles in (first, second, page)]
    assert as_json[0] == as_json[1] == as_json[2]  # the same as with the model passed in
