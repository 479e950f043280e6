"""Reading news web pages: the article of an HTML page, found by trafilatura and read by zonenlp's page rules.

trafilatura finds the main text of a page (leaving out navigation, footers,
share buttons and related-article lists) and, with htmldate, its publication
date; :func:`zonenlp.read_page`'s rules then leave out what it lets through
(photo captions, 来源/编辑/审核/责任编辑 credits, bylines, "本报讯" leads).
Dates that only a page's JSON-LD or ``<time datetime>`` carries are read here.

Needs the web extra: ``pip install "zonenlp[web]"``.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

from .errors import InputTypeError, MissingDependencyError
from .page import Article, read_article
from .text import DEFAULT_MAX_CHARS, check_text

__all__ = ["read_html", "decode_html"]

_NO_WEB = 'reading web pages needs zonenlp\'s web extra: pip install "zonenlp[web]"'

# a page's declared encoding, in its first bytes: <meta charset="gbk"> or http-equiv's content="…; charset=gbk"
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
# Chinese government sites declare GB2312 or GBK and use characters only their superset has
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}
# a publication date the page prints beside a label: 发布时间：2024-05-16, 日期：2023年11月08日 (not 成文日期)
_LABELLED_DATE = re.compile(
    r"(?<!成文)(?<!更新)(?<!印发)(?:发布时间|发布日期|发稿时间|日期|时间)\s*[:：]\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
# an e-paper's masthead: 2024年3月29日 星期五
_MASTHEAD_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:星期|周)[一二三四五六日天]")
# any full date: 2022-08-25, [2022-08-25], 2022年8月25日, 2022/8/25
_ANY_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# how far after the headline the date printed with it may stand, in characters
_NEAR_HEADLINE = 200
# a <title>'s parts: the headline and the site's or section's name (…_园区动态_XX高新区, 数字报-…)
_TITLE_PARTS = re.compile(r"\s*(?:[_|｜]|--|——|\s[-–]\s|(?<=[^\d\s])-(?=[^\d\s]))\s*")
# lines of a page's furniture that reach the text in old layouts: meta lines, footers, buttons
_FURNITURE = re.compile(
    r"版权(?:所有|声明)|未经授权|不得转载|Copyright|ICP备|©|分辨率|浏览器|^(?:主办单位|地址|联系电话|电话|邮编)[:：]|"
    r"(?:当前|所在|现在)的?位置[:：]|点赞.{0,4}在看|^分享\s*[·|｜]|^【?(?:关闭窗口|打印本页|关闭|打印)】?$|^(?:发布时间|时间|日期)\s*[:：]|^点击蓝字|^阅读原文$"
)
_JSON_LD = re.compile(r"""<script[^>]+application/ld\+json[^>]*>(.*?)</script>""", re.IGNORECASE | re.DOTALL)
_TIME = re.compile(r"""<time[^>]+datetime\s*=\s*["'](\d{4}-\d{2}-\d{2})""", re.IGNORECASE)


def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError:
        raise MissingDependencyError(_NO_WEB) from None
    return trafilatura


def decode_html(data: bytes, charset: str | None = None) -> str:
    """The text of an HTML page's bytes: by its byte-order mark, else by ``charset`` (what an HTTP
    header declared) or the charset the page declares (GB2312 and GBK read as their superset
    GB18030), else as UTF-8, else as charset_normalizer guesses."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _DECLARED.search(data[:4096])
    names = [charset.lower()] if charset else []
    if declared is not None:
        names.append(declared.group(1).decode("ascii").lower())
    encodings = [_SUPERSETS.get(name, name) for name in names] + ["utf-8"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes  # installed with trafilatura

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _lines(element: Any) -> list[str]:
    """The text of an element of trafilatura's output, one line per line break (``<lb/>``)."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else "".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts).split("\n")


def _blocks(body: Any) -> list[str]:
    """The non-empty lines of the blocks of trafilatura's output (paragraphs, heads, list items, quotes)."""
    lines: list[str] = []
    for block in body:
        for element in block if block.tag == "list" else [block]:
            lines += [line.strip() for line in _lines(element) if line.strip()]
    return lines


_INLINE = frozenset({"span", "strong", "b", "em", "i", "u", "font", "a", "br", "sup", "sub"})


def _paragraphs_marked(tree: Any) -> Any:
    """``tree`` with each ``<section>`` or ``<div>`` that holds text and inline tags only made a
    ``<p>``: WeChat articles and some CMSs lay paragraphs out so, and trafilatura skips them."""
    for element in tree.iter("section", "div"):
        children = list(element)
        if children and all(isinstance(child.tag, str) and child.tag in _INLINE for child in children):
            if "".join(element.itertext()).strip():
                element.tag = "p"
    return tree


def _headline(tree: Any, title: str | None) -> str | None:
    """The article's headline: the ``<h1>`` that the page's title holds; else the longer of the
    first ``<h1>`` (a logo's, or the headline) and the longest part of the title (the headline,
    or a section's name when the title is only that: ``…_园区动态_XX高新区``, ``XX日报数字报-…``)."""
    headings = [" ".join("".join(h.itertext()).split()) for h in tree.iter("h1")]
    headings = [h for h in headings if 4 <= len(h) <= 80]
    part = max(_TITLE_PARTS.split(title), key=len).strip() if title else ""
    for heading in headings:
        if part and (heading in part or part in heading):
            return heading
    return max([part] + headings[:1], key=len) or None


def _printed_date(text: str, headline: str | None) -> str | None:
    """The first publication date the page's text prints beside a label, else in a masthead,
    else the first date printed just after the headline (``[2022-08-25]`` under it)."""
    after = text.find(headline) + len(headline) if headline and headline in text else -1
    for pattern, start, end in ((_LABELLED_DATE, 0, len(text)), (_MASTHEAD_DATE, 0, len(text)),
                                (_ANY_DATE, after, after + _NEAR_HEADLINE)):
        found = pattern.search(text, start, end) if start >= 0 else None
        if found:
            year, month, day = map(int, found.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _structured_date(html: str) -> str | None:
    """The publication date a page gives machines only: JSON-LD ``datePublished``, or ``<time datetime>``."""
    for script in _JSON_LD.findall(html):
        try:
            data = json.loads(script)
        except json.JSONDecodeError:
            continue
        for item in data if isinstance(data, list) else [data]:
            value = item.get("datePublished") if isinstance(item, dict) else None
            if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
                return value[:10]
    found = _TIME.search(html)
    return found.group(1) if found else None


def read_html(html: str | bytes, url: str | None = None, *, max_chars: int | None = DEFAULT_MAX_CHARS) -> list[Article]:
    """Read the article of a news web page: ``[]`` if the page has no main text, else one
    :class:`~zonenlp.Article` with its title, ``date`` (``YYYY-MM-DD`` or ``None``),
    authors, ``url`` and paragraphs.

    ``html`` is the page as text or as the bytes saved from the web (decoded by
    :func:`decode_html`); ``url``, where known, helps find the date. Paragraphs come
    cleaned, as :func:`zonenlp.read_page` gives them: photo captions, credits (来源,
    编辑, 审核, 责任编辑), bylines and "本报讯" leads are not paragraphs.

    >>> page = ("<html><head><title>新闻中心_高新区</title></head><body><div class='nav'><a>首页</a></div>"
    ...         "<h1>高新区人才公寓投入使用</h1><div><p>本报讯 8月1日，高新区首批人才公寓投入使用，"
    ...         "可提供房源600套，首批120名青年人才拎包入住。</p><p>图为人才公寓外景。</p>"
    ...         "<p>责任编辑：刘洋</p></div></body></html>")
    >>> article, = read_html(page)
    >>> article.title, article.paragraphs, article.captions
    ('高新区人才公寓投入使用', ['8月1日，高新区首批人才公寓投入使用，可提供房源600套，首批120名青年人才拎包入住。'], ['图为人才公寓外景。'])
    """
    trafilatura = _trafilatura()
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html))
    elif not isinstance(html, str):
        raise InputTypeError(f"html must be str or bytes, got {type(html).__name__}")
    check_text(html, where="html", max_chars=None if max_chars is None else 20 * max_chars)
    tree = trafilatura.utils.load_html(html)
    if tree is None:
        return []
    # the headline and the printed date are read before extraction, which prunes the tree
    title_element = tree.find(".//title")
    headline = _headline(tree, title_element.text_content() if title_element is not None else None)
    body = tree.find(".//body")
    page_text = lambda: " ".join((body if body is not None else tree).text_content().split())  # noqa: E731
    date = _structured_date(html) or _printed_date(page_text(), headline)
    document = trafilatura.bare_extraction(
        _paragraphs_marked(tree), url=url, with_metadata=True, include_comments=False, include_tables=False,
        deduplicate=False,
    )
    lines = _blocks(document.body) if document is not None and document.body is not None else []
    lines = [line for line in lines if not _FURNITURE.search(line) and line != headline]
    if not lines:
        return []
    # the page rules find captions, credits and bylines; the blocks are whole paragraphs, all one article's
    article = read_article(
        lines, max_chars=max_chars, title=headline or document.title, url=url,
        date=date or document.date,
    )
    return [article] if article.paragraphs else []
