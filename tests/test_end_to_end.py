"""The shipped model on the seed page: the one real document we were given, never trained on."""


import zonenlp
from zonenlp.corpus import texts_and_labels
from zonenlp.persistence import read_manifest
from zonenlp.text import split_paragraphs

THEMES = {"investment", "environment", "talent", "outreach"}


def test_every_paragraph_of_the_seed_page_gets_a_theme_list(shipped_model, seed_page_text):
    paragraphs = split_paragraphs(seed_page_text)
    predictions = shipped_model.predict_labels(paragraphs)
    assert len(predictions) == len(paragraphs) > 50
    assert all(set(p) <= THEMES for p in predictions)
    assert sum(bool(p) for p in predictions) > len(paragraphs) / 2


def test_seed_set_figures_are_the_manifests(shipped_model, seed_set):
    # The manifest must tell the truth: recompute its seed-page figures, in articles and alone.
    manifest = read_manifest()["metrics"]
    in_articles = shipped_model.evaluate(*texts_and_labels(seed_set), articles=[r["group"] for r in seed_set])
    alone = shipped_model.evaluate(*texts_and_labels(seed_set))
    assert round(in_articles["macro_f1"], 4) == manifest["seed_page"]["macro_f1"]
    assert round(alone["macro_f1"], 4) == manifest["seed_page_paragraphs_alone"]["macro_f1"]
    assert in_articles["n"] == manifest["seed_page"]["n"] == len(seed_set)


def test_the_snippet_of_the_readme(shipped_model, seed_set):
    paragraph = seed_set[1]["text"]
    assert zonenlp.tokenize("湘潭高新区打好招商引资主动仗")[0] == "湘潭高新区"
    keywords = zonenlp.keywords(paragraph, k=10)
    terms = [term for term, _ in keywords]
    assert 5 <= len(terms) <= 10 and {"湘潭高新区", "总投资额"} <= set(terms)
    assert all(term in paragraph for term in terms)  # words of the text, not of jieba's dictionary
    assert [score for _, score in keywords] == sorted((score for _, score in keywords), reverse=True)
    assert shipped_model.predict_proba([paragraph]).shape == (1, 4)
    explanation = shipped_model.explain(paragraph, k=5)
    assert set(explanation) == set(shipped_model.predict_labels([paragraph])[0]) == {"investment"}
    assert all(term in paragraph and weight > 0 for term, weight in explanation["investment"])
