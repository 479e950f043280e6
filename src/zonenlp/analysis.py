"""A page read, every paragraph tagged, every article summarised.

>>> page = analyze("湘潭高新区打好招商引资主动仗\\n\\n湘潭高新区新签约亿元以上项目10个，总投资额39亿元。"
...                "\\n\\n园区人才公寓投入使用，首批200名青年人才拎包入住。")
>>> article = page[0]
>>> article.title, article.themes, article.zones
('湘潭高新区打好招商引资主动仗', ['investment', 'talent'], ['湘潭高新区'])
>>> [paragraph.themes for paragraph in article.paragraphs]
[['investment'], ['talent']]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from .quantities import Figure, figures
from .page import Article, read_page
from .text import DEFAULT_MAX_CHARS, check_text, clean_lines

__all__ = ["TaggedParagraph", "ArticleAnalysis", "analyze", "MAIN_THEME_SHARE"]

#: An article's main themes are those carried by at least this share of its paragraphs.
MAIN_THEME_SHARE = 0.2


@dataclass
class TaggedParagraph:
    """One content paragraph with its themes, per-theme scores, keywords and figures."""

    text: str
    themes: list[str]
    scores: dict[str, float]
    keywords: list[tuple[str, float]]
    figures: list[Figure]

    def as_dict(self) -> dict[str, Any]:
        """The paragraph as JSON-ready data: keyword pairs as lists, figures as dicts."""
        return {**asdict(self), "keywords": [list(k) for k in self.keywords]}


@dataclass
class ArticleAnalysis:
    """An article of the page, its tagged paragraphs and its summary.

    ``theme_shares`` gives, for every theme of the model, the share of the
    article's paragraphs that carry it; ``themes`` lists those with a share of
    at least :data:`MAIN_THEME_SHARE`, largest first.
    """

    article: Article
    paragraphs: list[TaggedParagraph]
    theme_shares: dict[str, float]
    themes: list[str]
    keywords: list[tuple[str, float]]
    zones: list[str]
    headline_figures: list[Figure] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        return self.article.title

    def as_dict(self) -> dict[str, Any]:
        """The article's layout and its analysis as JSON-ready data."""
        layout = ("title", "subtitle", "kickers", "authors", "dateline", "headings", "captions", "tables")
        return {
            **{name: getattr(self.article, name) for name in layout},
            "themes": self.themes,
            "theme_shares": self.theme_shares,
            "keywords": [list(k) for k in self.keywords],
            "zones": self.zones,
            "headline_figures": [f.as_dict() for f in self.headline_figures],
            "paragraphs": [p.as_dict() for p in self.paragraphs],
        }


def _headline_figures(paragraphs: list[TaggedParagraph]) -> list[Figure]:
    """The money and project counts of the first paragraph that names an amount of money."""
    for paragraph in paragraphs:
        if any(f.kind == "money" for f in paragraph.figures):
            return [f for f in paragraph.figures if f.kind == "money" or (f.kind == "count" and "项目" in f.counted)][:4]
    return []


@lru_cache(maxsize=1)
def _shipped_tagger() -> tuple[Any, Any]:
    """The shipped model and its keyword extractor, loaded on the first
    :func:`analyze` without a model and kept for the next pages: loading takes
    longer than analysing a page. Never handed out, so no caller can change it."""
    from .batch import keyword_extractor
    from .persistence import load

    model = load()
    return model, keyword_extractor(model)


def analyze(
    text: str | list[Article], model: Any = None, *, k: int = 5, max_chars: int | None = DEFAULT_MAX_CHARS
) -> list[ArticleAnalysis]:
    """Read ``text`` as a page (:func:`zonenlp.read_page`), or take the articles given (as
    :func:`zonenlp.web.read_html` returns them), tag every content paragraph with ``model``
    (default: the shipped model, loaded once and kept), and summarise each article: theme
    shares, keywords, zones and headline figures.

    ``k`` is the number of keywords per paragraph (an article gets ``2 * k``).
    A text over ``max_chars`` characters raises :class:`~zonenlp.errors.InputValueError`.
    """
    from .batch import keyword_extractor

    articles = text if isinstance(text, list) else read_page(check_text(text, max_chars=max_chars), max_chars=max_chars)
    # the model's tokenizer: keywords as `zonenlp batch` gives them
    model, extractor = _shipped_tagger() if model is None else (model, keyword_extractor(model))
    all_paragraphs = [p for a in articles for p in a.paragraphs]
    # each paragraph is tagged inside its article: a model with article context reads the others too
    article_of = [n for n, a in enumerate(articles) for _ in a.paragraphs]
    tags = iter(model.tag(all_paragraphs, articles=article_of) if all_paragraphs else [])
    out = []
    for article in articles:
        tagged = [TaggedParagraph(p, tag["themes"], tag["scores"], extractor.extract(p, k), figures(p))
                  for p, tag in zip(article.paragraphs, tags)]
        n = max(1, len(tagged))
        shares = {label: round(sum(label in p.themes for p in tagged) / n, 3) for label in model.classes_.tolist()}
        main = sorted((t for t, s in shares.items() if s >= MAIN_THEME_SHARE), key=lambda t: -shares[t])
        zone_counts = Counter(f.text for p in tagged for f in p.figures if f.kind == "zone")
        if article.title:
            zone_counts.update(f.text for f in figures(article.title) if f.kind == "zone")
        # one line each, so that no keyword joins the headline's last word to the paragraph's first
        body = clean_lines(([article.title] if article.title else []) + article.paragraphs)
        out.append(ArticleAnalysis(
            article=article,
            paragraphs=tagged,
            theme_shares=shares,
            themes=main,
            keywords=extractor.extract(body, 2 * k) if body else [],
            zones=[z for z, _ in zone_counts.most_common()],
            headline_figures=_headline_figures(tagged),
        ))
    return out
