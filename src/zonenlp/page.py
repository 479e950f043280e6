"""Reading a whole newspaper page the way a person does.

A page pasted from print or a PDF mixes articles with their headlines,
kickers, bylines, "本报讯" datelines, photo captions and credits, section
heads, and paragraphs cut in two where a column broke. :func:`read_page`
turns it into :class:`Article` objects with clean paragraphs.

How a line is read (after :func:`zonenlp.text.normalize`):

- a **byline** is one to five personal names (a common surname, two to four
  characters), optionally with roles (记者, 通讯员 …): ``丁玉洁``, ``许晨威 刘潇``;
- a **caption** names its source (``图片来源：…``, ``图为…``, ``（… 摄）``), or is a
  single short sentence between a headline and a "本报讯" lead;
- a **table row** has three or more cells separated by ``|``, tabs or spaces,
  one of them a number;
- a **heading** is short (at most 32 characters) and does not end a sentence;
- everything else is **body**. A body line that does not end a sentence (no
  。！？；…, closing quote or dash at its end) was cut by the layout and is
  joined with the body line after it; a line that ends a sentence is never
  joined to the next one.

How lines become articles: a run of headings starts a new article when it
opens the page, follows a closing byline, is followed by a byline or a
"本报讯" lead, or ends in "：" (``江阴高新区：`` / ``创新…模式``); otherwise it is a
section head of the current article. A byline before an article's first
paragraph names its authors; one after its paragraphs closes it. When an
article that already has authors meets a second closing byline, an article
without a headline ended there: it is split off at the widest gap of blank
lines since the last section head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby

from .text import DEFAULT_MAX_CHARS, check_text, clean, normalize, to_simplified

__all__ = ["Article", "read_page", "read_article"]

_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "宇文", "司徒", "夏侯", "端木", "公孙")
_ROLES = r"(?:本报记者|本报通讯员|记者|通讯员|实习生|特约记者|见习记者|文/图|文图|摄影|撰稿|编辑|责编|责任编辑|文|图)"
_BYLINE = re.compile(rf"^(?:{_ROLES}[：:/ ]?\s*)?[\u4e00-\u9fff]{{2,4}}(?:[ 、，,]+(?:{_ROLES}[：:/ ]?\s*)?[\u4e00-\u9fff]{{2,4}}){{0,5}}$")
_ROLE_WORDS = re.compile(_ROLES + r"[：:/]?")
_CAPTION = re.compile(
    r"^(?:图片来源|图片|本文图片|图/|图：|图为|图①|图②|图③|图上|图下|上图|下图|左图|右图|来源[：:]|【字幕】)"
    r"|[（(][^（）()]*(?:摄|供图|图|供稿)[）)]$|\s(?:摄|供图)$|供稿$|供图$"
)
_DATELINE = re.compile(r"^(?P<mark>本报讯|本报[\u4e00-\u9fff]{1,4}电|新华社[\u4e00-\u9fff]{1,6}电|[\u4e00-\u9fff]{2,8}讯)(?:[（(](?P<who>[^）)]{1,40})[）)])?\s*")
_SENTENCE_END = re.compile(r"(?:[。！？!?；;…]|[。！？!?…][”’」』）)]|——|—|：|:)$")
_STRONG_CELL_BREAK = re.compile(r"\s*[|｜\t]\s*|\s{2,}")
_HEADING_MAX = 32


@dataclass
class Article:
    """One article of a page.

    ``title`` is ``None`` for an article printed without a headline.
    ``subtitle`` is its kicker or subtitle (the first of ``kickers``);
    ``headings`` are the section heads inside it, ``heading_positions`` the
    index of the paragraph each one precedes; ``dateline`` is a lead such
    as ``本报讯``; ``tables`` holds table-like lists as rows of cells. A web page's
    article (:func:`zonenlp.web.read_html`) has its publication ``date``
    (``YYYY-MM-DD``) and ``url`` where the page gives them; a printed page's has neither.
    """

    title: str | None = None
    subtitle: str | None = None
    kickers: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    heading_positions: list[int] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    # blank lines before each paragraph on the page: where a headline-less article begins
    _gaps: list[int] = field(default_factory=list, repr=False)
    _closed: bool = field(default=False, repr=False)


@dataclass
class _Line:
    kind: str  # byline, caption, table, heading, body
    text: str
    gap: int  # blank lines before it


def _is_name(word: str) -> bool:
    if word.startswith(_COMPOUND_SURNAMES):
        return 3 <= len(word) <= 4
    return word[0] in _SURNAMES and 2 <= len(word) <= 3


def _credited_words(credit: str) -> list[tuple[str, str]]:
    """The words of a credit between role words and separators, as (Simplified, as written)."""
    probe = to_simplified(credit)
    words, position = [], 0
    for word in (w for w in re.split(r"[ 、，,]+", _ROLE_WORDS.sub(" ", probe)) if w):
        start = probe.find(word, position)
        position = start + len(word)
        words.append((word, credit[start:position]))
    return words


def _names(line: str) -> list[str] | None:
    """The personal names of a byline (as written), or None if the line is not one."""
    probe = to_simplified(line)  # surnames and roles are matched in Simplified (陳 -> 陈, 記者 -> 记者)
    if len(probe) > 30 or not _BYLINE.match(probe):
        return None
    words = _credited_words(line)
    if not words or not all(_is_name(simplified) for simplified, _ in words):
        return None
    if len(words) == 1 and not _ROLE_WORDS.match(probe):
        # a lone two- or three-character line could be a word (杨柳, 高质量):
        # accept it only when jieba does not know it as a common word
        from .tokenizer import default_tokenizer

        if default_tokenizer().word_frequency(words[0][0]) > 50:
            return None
    return [written for _, written in words]


def _table_cells(line: str) -> list[str] | None:
    """The cells of a table row: three or more cells split by | or tabs or runs
    of spaces; or, split by single spaces, three or more short cells one of
    which is a number."""
    if _ends_sentence(line):
        return None
    cells = [c for c in _STRONG_CELL_BREAK.split(line) if c]
    if len(cells) >= 3 and all(len(c) <= 24 for c in cells):
        return cells
    cells = line.split()
    if len(cells) >= 3 and all(len(c) <= 24 for c in cells) and any(re.fullmatch(r"[\d.,%]+", c) for c in cells):
        return cells
    return None


def _classify(raw: str, text: str, gap: int) -> _Line:
    """What the line ``raw`` is; ``text`` is the line normalized."""
    # Spaces separate the names of a byline and tabs the cells of a table, but
    # normalize() removes spaces between Chinese characters: read those first.
    cells = _table_cells(raw.strip())
    words = raw.split()
    spaced = " ".join(normalize(word) for word in words) if len(words) > 1 else text
    if _CAPTION.search(to_simplified(spaced)):
        return _Line("caption", text, gap)
    if _names(spaced) is not None:
        return _Line("byline", spaced, gap)
    if cells is not None:
        return _Line("table", "\t".join(cells), gap)
    if len(text) <= _HEADING_MAX and (
        text.startswith(("——", "—"))  # a subtitle under its title
        or (not _ends_sentence(text) or text.endswith(("：", ":"))) and not re.search(r"[，；;,。]", text)
    ):
        return _Line("heading", text, gap)
    return _Line("body", text, gap)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    gap = 0
    for raw in re.sub(r"\r\n?", "\n", text).split("\n"):
        line = normalize(raw)
        if not line:
            gap += 1
            continue
        out.append(_classify(raw, line, gap))
        gap = 0
    return out


def _ends_sentence(text: str) -> bool:
    # only the last characters decide; searching a long paragraph from its
    # start for an anchored pattern would cost time quadratic in its length
    return _SENTENCE_END.search(text[-3:]) is not None


def _join_broken(lines: list[_Line]) -> list[_Line]:
    """Join body lines cut by the layout with the body line that continues them."""
    out: list[_Line] = []
    pieces: list[list[str]] = []  # the lines joined into each output line, joined once at the end
    for line in lines:
        previous = out[-1] if out else None
        if previous and previous.kind == "body" and not _ends_sentence(pieces[-1][-1]) and line.kind in ("body", "heading"):
            pieces[-1].append(line.text)
            continue
        out.append(line)
        pieces.append([line.text])
    for line, parts in zip(out, pieces):
        line.text = "".join(parts)
    return out


def _heading_blocks(lines: list[_Line]) -> list[_Line | list[_Line]]:
    """Consecutive headings become one block (a list); other lines stay as they are."""
    items: list[_Line | list[_Line]] = []
    for heading, run in groupby(lines, key=lambda line: line.kind == "heading"):
        items += [list(run)] if heading else run
    return items


#: A date printed with digits only: 2024-05-16, 2024/5/16, 2024.05.16 (year, separator, month, day).
PRINTED_DATE = re.compile(r"(?<!\d)(20\d{2})([-/.])(1[0-2]|0?[1-9])\2(3[01]|[12]\d|0?[1-9])(?!\d)")
# a line that opens with a date: 2024年1月2日, or one in digits
_DATE_LINE = re.compile(r"20\d{2}年\d{1,2}月\d{1,2}日|" + PRINTED_DATE.pattern)


def _title_and_kickers(block: list[_Line]) -> tuple[str, list[str]]:
    texts: list[str] = []
    for line in block:  # 江阴高新区： + 创新“六位一体”科技招商模式 is one title
        if texts and re.search(r"[：:]$", texts[-1]):
            texts[-1] += line.text
        else:
            texts.append(line.text)
    if len(texts) == 1:
        return texts[0], []
    from .quantities import figures

    zones = {t: [f.text for f in figures(t) if f.kind == "zone"] for t in texts}
    # a line that is only a zone's name is a label over the headline, not the headline; nor
    # is a date line printed under it (2024年1月2日 来源：…)
    candidates = [t for t in texts if not t.startswith(("——", "—")) and zones[t] != [t]
                  and not _DATE_LINE.match(t)] or texts
    named = [t for t in candidates if zones[t]]
    title = named[0] if named else candidates[-1]
    return title, [t.lstrip("—") for t in texts if t is not title]


def _is_dateline(item: _Line | list[_Line]) -> bool:
    """Whether ``item`` is a body line that opens with a dateline (本报讯 …)."""
    return isinstance(item, _Line) and item.kind == "body" and _DATELINE.match(to_simplified(item.text)) is not None


def _starts_article(items: list, index: int, current: Article | None) -> bool:
    block = items[index]
    if current is None or current._closed or not (current.paragraphs or current.tables):
        return True
    if re.search(r"[：:]$", block[0].text) and len(block) > 1:
        return True
    following = next((f for f in items[index + 1 :] if isinstance(f, list) or f.kind != "caption"), [])
    return not isinstance(following, list) and (following.kind == "byline" or _is_dateline(following))


def _split_headless(article: Article, since: int) -> Article:
    """Split off the paragraphs from the widest blank gap on, sought after the first paragraph
    since the last section head (which ``since`` paragraphs precede)."""
    cut = max(range(since + 1, len(article.paragraphs)), key=lambda i: (article._gaps[i], i))
    tail = Article(paragraphs=article.paragraphs[cut:], _gaps=article._gaps[cut:])
    del article.paragraphs[cut:], article._gaps[cut:]
    return tail


def read_page(text: str, *, max_chars: int | None = DEFAULT_MAX_CHARS, whole_lines: bool = False) -> list[Article]:
    """Read a newspaper page (or any text) into its articles.

    Returns ``[]`` for a text with no content. See the module documentation
    for how lines are read. With ``whole_lines`` every line is a whole paragraph
    (as a web page's blocks are) and none is joined to the next. Texts over
    ``max_chars`` characters raise :class:`~zonenlp.errors.InputValueError`.

    >>> article, = read_page("湘潭高新区打好招商引资主动仗\\n\\n丁玉洁\\n\\n湘潭高新区新签约项目10个，"
    ...                      "总投资额\\n39亿元。\\n\\n园区人才公寓投入使用。")
    >>> article.title, article.authors
    ('湘潭高新区打好招商引资主动仗', ['丁玉洁'])
    >>> article.paragraphs  # the line broken by a column is joined
    ['湘潭高新区新签约项目10个，总投资额39亿元。', '园区人才公寓投入使用。']
    """
    check_text(text, max_chars=max_chars)
    lines = _lines(text)
    items = _heading_blocks(lines if whole_lines else _join_broken(lines))
    articles: list[Article] = []
    current: Article | None = None
    pending_captions: list[str] = []
    last_heading_paragraph = 0  # paragraphs of the current article before its last section head

    def start(article: Article) -> Article:
        articles.append(article)
        article.captions.extend(pending_captions)
        pending_captions.clear()
        return article

    for index, item in enumerate(items):
        if isinstance(item, list):
            if _starts_article(items, index, current):
                title, kickers = _title_and_kickers(item)
                dashed = [line.text.lstrip("—") for line in item if line.text.startswith(("——", "—"))]
                subtitle = dashed[0] if dashed else (kickers[0] if kickers else None)
                current = start(Article(title=title, kickers=kickers, subtitle=subtitle))
                last_heading_paragraph = 0
            else:
                current.headings.append(" ".join(line.text for line in item))
                current.heading_positions.append(len(current.paragraphs))
                last_heading_paragraph = len(current.paragraphs)
            continue
        if item.kind == "caption":
            (current.captions if current is not None else pending_captions).append(item.text)
            continue
        if item.kind == "byline":
            if current is None or current._closed:
                current = start(Article())
            closes = bool(current.paragraphs or current.tables)  # else it names the authors of what follows
            # a second closing byline ends an article without a headline, if there is room for one
            # (two paragraphs since the last section head); else it is a second byline of this one
            if closes and current.authors and len(current.paragraphs) - last_heading_paragraph >= 2:
                current = start(_split_headless(current, last_heading_paragraph))
            current.authors.extend(_names(item.text) or [])
            current._closed = closes
            continue
        if current is None or current._closed:
            current = start(Article())
            last_heading_paragraph = 0
        if item.kind == "table":
            row = item.text.split("\t")
            previous = items[index - 1] if index else None
            if current.tables and isinstance(previous, _Line) and previous.kind == "table":
                current.tables[-1].append(row)
            else:
                current.tables.append([row])
            continue
        body = item.text
        dateline = _DATELINE.match(to_simplified(body))
        if dateline and not current.paragraphs:
            current.dateline = body[: dateline.end("mark")]
            if dateline.group("who"):
                who = body[dateline.start("who") : dateline.end("who")]
                current.authors.extend(written for simplified, written in _credited_words(who) if _is_name(simplified))
            body = body[dateline.end() :]
        elif (
            not current.paragraphs
            and len(body) <= 60
            and body.count("。") == 1
            and body.endswith("。")
            and _is_dateline(items[index + 1] if index + 1 < len(items) else [])
        ):
            current.captions.append(body)  # a photo caption between the headline and the lead
            continue
        if body:
            current.paragraphs.append(body)
            current._gaps.append(item.gap)
    if articles:
        articles[-1].captions.extend(pending_captions)
    kept = [a for a in articles if a.paragraphs or a.title or a.tables]
    for article in kept:  # cleaned once here: what reads them next (figures, tokens, model) need not again
        article.paragraphs = [clean(p, max_chars=None) for p in article.paragraphs]
    return kept


def read_article(paragraphs: list[str], *, max_chars: int | None = DEFAULT_MAX_CHARS, **fields: object) -> Article:
    """One article of whole ``paragraphs`` (a web page's blocks, a PDF article's paragraphs)
    with ``fields`` (``title``, ``date``, ``url`` …) set: :func:`read_page`'s rules, with
    ``whole_lines``, leave out its captions, bylines and credits, keeping the authors,
    captions and "本报讯" lead they name."""
    article = Article(**fields)  # type: ignore[arg-type]
    for part in read_page("\n\n".join(paragraphs), max_chars=max_chars, whole_lines=True) if paragraphs else []:
        article.paragraphs += part.paragraphs
        article.authors += [name for name in part.authors if name not in article.authors]
        article.captions += part.captions
        article.dateline = article.dateline or part.dateline
    return article
