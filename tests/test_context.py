"""zonenlp.context: article context, alone and inside ThemeClassifier."""

from __future__ import annotations

import numpy as np
import pytest

from zonenlp import ThemeClassifier, load, save
from zonenlp.context import ArticleContext, context_features
from zonenlp.errors import InputValueError


def test_context_features_are_the_article_mean_and_the_neighbours_maximum():
    proba = np.array([[0.9], [0.1], [0.5], [0.7]])
    features, in_article = context_features(proba, np.array([0.5]), ["a", "a", "a", "b"])
    assert in_article.tolist() == [True, True, True, False]
    assert features[:3, 0, 1].tolist() == pytest.approx([0.3, 0.7, 0.5])  # mean of the others
    assert features[:3, 0, 2].tolist() == pytest.approx([0.1, 0.9, 0.1])  # the higher neighbour
    assert features[3, 0, 1:].tolist() == [0.0, 0.0]  # a lone paragraph has no context
    assert features[0, 0, 0] == pytest.approx(np.log(9))  # own margin: logit(0.9) - logit(0.5)


def _articles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Articles of four paragraphs; in a positive article one paragraph is positive with a weak score
    (no theme words), in a negative article one paragraph has the same weak score and is negative."""
    proba, labels, articles = [], [], []
    for a in range(n):
        positive = a % 2 == 0
        for position in range(4):
            weak = position == 2
            p = 0.3 if weak else (rng.uniform(0.75, 0.95) if positive else rng.uniform(0.02, 0.2))
            proba.append([p])
            labels.append([int(positive)])
            articles.append(a)
    return np.array(proba), np.array(labels), articles


def test_article_context_lifts_a_weak_paragraph_of_a_themed_article_and_only_that():
    rng = np.random.default_rng(0)
    thresholds = np.array([0.5])
    proba, Y, articles = _articles(60, rng)
    context = ArticleContext().fit(proba, thresholds, Y, articles)
    test_proba, test_Y, test_articles = _articles(20, rng)
    weak = test_proba[:, 0] == 0.3
    assert ((test_proba[weak] >= thresholds) == test_Y[weak]).mean() == 0.5  # alone: half of them wrong
    adjusted = context.adjust(test_proba, thresholds, test_articles)
    assert ((adjusted >= thresholds) == test_Y).all()
    assert context.coef_.shape == (1, 3) and context.coef_[0, 1] > 0  # the article mean counts for the label


def test_a_paragraph_alone_keeps_its_probability():
    proba, Y, articles = _articles(20, np.random.default_rng(1))
    context = ArticleContext().fit(proba, np.array([0.5]), Y, articles)
    proba = np.array([[0.3], [0.9]])
    assert context.adjust(proba, np.array([0.5]), ["x", "y"]).tolist() == proba.tolist()


def test_article_names_must_match_the_paragraphs():
    with pytest.raises(InputValueError, match="3 paragraphs but 2 article names"):
        context_features(np.zeros((3, 1)), np.array([0.5]), ["a", "a"])


@pytest.fixture(scope="module")
def context_model(tiny_corpus):
    texts, labels = tiny_corpus
    groups = [i // 2 for i in range(len(texts))]  # eleven two-paragraph articles
    return ThemeClassifier(label_order=("investment", "talent"), article_context=True, cv=3).fit(texts, labels, groups=groups)


def test_classifier_needs_articles_to_learn_context(tiny_corpus):
    with pytest.raises(InputValueError, match="needs groups"):
        ThemeClassifier(article_context=True).fit(*tiny_corpus)


def test_classifier_with_context_tags_lone_paragraphs_as_without(context_model, tiny_corpus):
    texts = tiny_corpus[0]
    assert isinstance(context_model.context_, ArticleContext)
    alone = context_model.predict_proba(texts, articles=list(range(len(texts))))
    assert alone.tolist() == context_model.predict_proba(texts).tolist()
    together = context_model.predict_proba(texts, articles=[0] * len(texts))
    assert not np.allclose(together, alone)
    assert context_model.tag(texts, articles=[0] * len(texts))[0]["scores"]["investment"] == together[0, 0]


def test_a_model_without_context_ignores_articles(tiny_model, tiny_corpus):
    texts = tiny_corpus[0]
    assert tiny_model.context_ is None
    assert tiny_model.predict(texts, articles=[0] * len(texts)).tolist() == tiny_model.predict(texts).tolist()


@pytest.mark.parametrize("suffix", [".npz", ".joblib"])
def test_context_survives_save_and_load(context_model, tiny_corpus, tmp_path, suffix):
    texts = tiny_corpus[0]
    path = tmp_path / f"m{suffix}"
    save(context_model, path)
    loaded = load(path)
    articles = [0] * 5 + [1] * (len(texts) - 5)
    assert loaded.article_context is True
    np.testing.assert_allclose(loaded.predict_proba(texts, articles=articles),
                               context_model.predict_proba(texts, articles=articles), rtol=1e-6)


def test_tag_texts_tags_each_article_whole_whatever_the_batch_size(context_model, tiny_corpus):
    from zonenlp.batch import tag_texts

    texts = tiny_corpus[0]
    articles = [i // 7 for i in range(len(texts))]  # articles of seven paragraphs, batches of three
    expected = context_model.tag(texts, articles=articles)
    assert [tag for tag, _ in tag_texts(context_model, texts, articles=articles, batch_size=3)] == expected
    assert expected != context_model.tag(texts)  # so the comparison above can fail


def test_article_ranges_pack_whole_articles():
    from zonenlp.context import article_ranges

    articles = ["a"] * 4 + ["b"] * 2 + ["c"] * 5 + ["d"]
    ranges = article_ranges(articles, 6)
    assert ranges == [(0, 6), (6, 12)]  # c and d together are six rows
    assert all(articles[a] != articles[a - 1] for a, _ in ranges[1:])  # no article is split


def test_batch_pages_tag_each_article_whole_whatever_the_chunk_size(context_model, seed_page_text, tmp_path):
    import json
    import pickle

    from zonenlp import read_page
    from zonenlp.batch import run_batch
    from zonenlp.readers import ArticleParagraph, RecordReader

    page = tmp_path / "page.txt"
    page.write_text(seed_page_text, encoding="utf-8")
    articles = read_page(seed_page_text)
    texts = [p for a in articles for p in a.paragraphs]
    names = [f"page.txt:{n}" for n, a in enumerate(articles, 1) for _ in a.paragraphs]
    expected = context_model.tag(texts, articles=names)
    run_batch(RecordReader(page, pages=True), tmp_path / "out.jsonl", context_model, chunk_size=3)
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["themes"] for r in records] == [t["themes"] for t in expected]
    assert [r["scores"] for r in records] == [{k: round(v, 4) for k, v in t["scores"].items()} for t in expected]
    assert expected != context_model.tag(texts)  # so the comparison above can fail
    paragraph = pickle.loads(pickle.dumps(ArticleParagraph("园区新闻", "page.txt:1")))
    assert (paragraph, paragraph.article) == ("园区新闻", "page.txt:1")  # what worker processes receive


def test_article_names_must_match_the_texts_with_or_without_context(tiny_model, context_model, tiny_corpus):
    for model in (tiny_model, context_model):
        with pytest.raises(InputValueError, match="but 1 article names"):
            model.predict(tiny_corpus[0], articles=["a"])
