"""A self-contained HTML report of an analysed page: one file, no network, no server.

Paragraphs are coloured by theme, keywords and figures highlighted (a figure's
normalised value shows on hover), and a bar chart (inline SVG) summarises the
themes of the page.
"""

from __future__ import annotations

from html import escape
from collections.abc import Callable, Sequence

from .analysis import ArticleAnalysis, TaggedParagraph
from .quantities import Figure

__all__ = ["render_report", "THEME_COLOURS"]

THEME_COLOURS = {
    "investment": "#d9480f",
    "environment": "#1971c2",
    "talent": "#2f9e44",
    "outreach": "#9c36b5",
    "other": "#868e96",
}
_THEME_NAMES = {"investment": "招商引资", "environment": "营商环境", "talent": "人才", "outreach": "科普", "other": "其他"}

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#212529;line-height:1.7}
header{background:#212529;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;color:#ced4da;font-size:14px}
main{max-width:1080px;margin:0 auto;padding:20px 24px 48px}
.summary{display:flex;gap:24px;flex-wrap:wrap;background:#fff;border-radius:8px;padding:16px 20px;margin-bottom:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.summary h2{margin:0 0 8px;font-size:16px}
.legend span{display:inline-block;margin-right:14px;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
article{background:#fff;border-radius:8px;padding:18px 24px;margin-bottom:22px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.kicker{color:#868e96;font-size:14px;margin:0}
article h2{margin:2px 0 6px;font-size:21px}
.meta{font-size:13px;color:#495057;margin-bottom:10px}
.meta b{color:#212529}
.badge{display:inline-block;color:#fff;border-radius:10px;padding:0 8px;font-size:12px;margin-right:4px;line-height:20px}
h3{font-size:15px;margin:16px 0 6px;color:#343a40;border-bottom:1px solid #e9ecef;padding-bottom:2px}
.para{border-left:5px solid #ced4da;padding:6px 12px;margin:8px 0;background:#fafbfc;border-radius:0 6px 6px 0}
.para .tags{float:right;margin-left:10px}
.para p{margin:0}
mark.kw{background:#fff3bf;padding:0 1px;border-radius:2px}
span.fig{border-bottom:2px solid #f08c00;font-weight:600;cursor:help}
span.fig.zone{border-bottom-color:#1971c2}
figure.caption{margin:6px 0;color:#868e96;font-size:13px;font-style:italic}
table.data{border-collapse:collapse;margin:10px 0;font-size:13px}
table.data td{border:1px solid #dee2e6;padding:3px 8px}
"""


def _colour(theme: str) -> str:
    return THEME_COLOURS.get(theme, THEME_COLOURS["other"])


def _badge(theme: str, suffix: str = "") -> str:
    name = f"{escape(theme)} {_THEME_NAMES.get(theme, '')}{escape(suffix)}"
    return f'<span class="badge" style="background:{_colour(theme)}">{name}</span>'


#: A figure's normalised value, as its tooltip shows it.
_DESCRIBE: dict[str, Callable[[Figure], str]] = {
    "money": lambda f: f"money: {f.value:,.0f} {f.unit}",
    "count": lambda f: f"count: {f.value:g} {f.unit}" + (f" of {f.counted}" if f.counted else ""),
    "area": lambda f: f"area: {f.value:g} {f.unit} = {f.normalized['square_metres']:,.0f} m²",
    "percent": lambda f: f"percent: {f.value:g}%",
    "date": lambda f: "date: " + "-".join(str(f.normalized[k]) for k in ("year", "month", "day") if k in f.normalized),
    "zone": lambda f: f"zone: {f.text}",
}


def _highlighted(paragraph: TaggedParagraph) -> str:
    """The paragraph as HTML, figures and keywords wrapped in their own elements."""
    text = paragraph.text
    spans: list[tuple[int, int, str, str]] = []  # start, end, opening and closing tag
    for figure in paragraph.figures:
        css = "fig zone" if figure.kind == "zone" else "fig"
        title = escape(_DESCRIBE[figure.kind](figure))
        spans.append((figure.start, figure.end, f'<span class="{css}" title="{title}">', "</span>"))
    for word, _score in paragraph.keywords:
        position = text.find(word)
        while position >= 0:
            end = position + len(word)
            if not any(position < e and s < end for s, e, _, _ in spans):
                spans.append((position, end, '<mark class="kw">', "</mark>"))
            position = text.find(word, end)
    out, cursor = [], 0
    for start, end, opening, closing in sorted(spans):
        out += [escape(text[cursor:start]), opening + escape(text[start:end]) + closing]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def _border(themes: Sequence[str]) -> str:
    """The left border of a paragraph: its theme's colour, or a stripe of each of its themes' colours."""
    if len(themes) < 2:
        return f"border-left-color:{_colour(themes[0] if themes else 'other')}"
    n = len(themes)
    stops = ",".join(f"{_colour(theme)} {100 * i // n}% {100 * (i + 1) // n}%" for i, theme in enumerate(themes))
    return f"border-image:linear-gradient(to bottom,{stops}) 1"


def _chart(counts: dict[str, int], total: int) -> str:
    """A horizontal bar chart of paragraphs per theme, as inline SVG."""
    width, row = 460, 26
    label_width = 150
    longest = max(counts.values(), default=0) or 1
    bars = []
    for i, (theme, count) in enumerate(counts.items()):
        y = i * row
        length = (width - label_width - 60) * count / longest
        bars.append(
            f'<text x="0" y="{y + 17}" font-size="13">{escape(theme)} {_THEME_NAMES.get(theme, "")}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" rx="3" fill="{_colour(theme)}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="13">{count} ({100 * count / max(total, 1):.0f}%)</text>'
        )
    height = row * len(counts)
    return (
        f'<svg class="chart" role="img" aria-label="paragraphs per theme" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


def _article_html(analysis: ArticleAnalysis, number: int) -> str:
    a = analysis.article
    parts = [f'<article id="article-{number}">']
    parts += [f'<p class="kicker">{escape(kicker)}</p>' for kicker in a.kickers]
    parts.append(f"<h2>{escape(a.title) if a.title else '(untitled article)'}</h2>")
    figures = "，".join(escape(f.text + (f"（{f.counted}）" if f.counted else "")) for f in analysis.headline_figures)
    meta = [f"<b>{name}</b> {value}" for name, value in [
        ("authors", escape("、".join(a.authors))),
        ("dateline", escape(a.dateline or "")),
        ("zones", escape("、".join(analysis.zones))),
        ("figures", figures),
        ("keywords", escape("、".join(w for w, _ in analysis.keywords))),
    ] if value]
    themes = "".join(_badge(t, f" {analysis.theme_shares[t]:.0%}") for t in analysis.themes) or _badge("other")
    parts.append(f'<div class="meta">{themes}<br>{"<br>".join(meta)}</div>')
    parts += [f'<figure class="caption">{escape(caption)}</figure>' for caption in a.captions]
    headings = dict(zip(a.heading_positions, a.headings))
    for index, paragraph in enumerate(analysis.paragraphs):
        if index in headings:
            parts.append(f"<h3>{escape(headings[index])}</h3>")
        tags = "".join(_badge(t) for t in paragraph.themes) or _badge("other")
        parts.append(
            f'<div class="para" style="{_border(paragraph.themes)}"><span class="tags">{tags}</span>'
            f"<p>{_highlighted(paragraph)}</p></div>"
        )
    for table in a.tables:
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table)
        parts.append(f'<table class="data">{rows}</table>')
    parts.append("</article>")
    return "\n".join(parts)


def render_report(analyses: Sequence[ArticleAnalysis], labels: Sequence[str], source: str = "") -> str:
    """The HTML document for analysed articles (from :func:`zonenlp.analyze`)."""
    paragraphs = [p for a in analyses for p in a.paragraphs]
    counts = {label: sum(label in p.themes for p in paragraphs) for label in labels}
    counts["other"] = sum(not p.themes for p in paragraphs)
    legend = "".join(f'<span><i style="background:{c}"></i>{t} {_THEME_NAMES[t]}</span>' for t, c in THEME_COLOURS.items())
    title = f"zonenlp report{' — ' + source if source else ''}"
    body = "\n".join(_article_html(a, i) for i, a in enumerate(analyses, 1))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body>
<header><h1>{escape(title)}</h1><p>{len(analyses)} articles · {len(paragraphs)} paragraphs · themes by zonenlp</p></header>
<main>
<section class="summary"><div><h2>Paragraphs per theme</h2>{_chart(counts, len(paragraphs))}</div>
<div><h2>Legend</h2><div class="legend">{legend}</div>
<p style="font-size:13px;color:#495057">Keywords are <mark class="kw">highlighted</mark>; figures are
<span class="fig" title="hover shows the normalised value">underlined</span> (hover for the value), zones in blue.</p></div></section>
{body}
</main>
</body>
</html>
"""
