"""Whole terms and fragments: where the terms of a text begin and end, by sources independent
of zonenlp's segmentation; shared by tests/test_keyword_fragments.py and benchmarks/keywords.py.

A keyword is a *fragment* of its text when every occurrence of it starts or ends strictly
inside a longer unit of the text. The units:

* named spans, found by patterns on the characters and by :func:`zonenlp.figures`: zone
  names, quoted terms (“…”, 「…」, 『…』 without punctuation inside, and titles in 《…》),
  organisation and company names (a name stem and 有限公司, 集团, 研究院, 办公室, 管委会 …),
  and the frames 从X到Y (从北到南) and N位一体 (六位一体). A keyword cut by one — crossing
  it, or inside it — is a fragment there, unless the keyword is itself a named span at that
  place (湘潭高新区 in 湘潭高新区管委会 is a whole name);
* words of jieba's dictionary file (count at least :data:`DICTIONARY_FLOOR`) and terms of
  zonenlp's domain dictionary (``src/zonenlp/resources/userdict.txt``) that hold the keyword
  inside them (中小 in the domain term 中小微企业). Two words of a dictionary that overlap
  do not say which of them the text means (大会 and 会上 in 大会上), so a word that only
  crosses the keyword's edge does not cut it, and a longer word does not when a character
  it adds to the keyword also makes a word with the character beyond it (地铁 in 坐地铁 of
  乘坐地铁);
* the exception to that: a demonstrative or numeral with its measure word (这段, 一批: jieba's
  tags r, m, mq) keeps the measure word, so it cuts a keyword that starts with that
  measure word (段时间 in 这段时间).

Every source is read directly (jieba's file, the domain dictionary's file, patterns), so an
error of zonenlp's segmentation is not repeated here.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from zonenlp import figures
from zonenlp.text import normalize, to_simplified

ROOT = Path(__file__).resolve().parents[1]
USER_DICT = ROOT / "src" / "zonenlp" / "resources" / "userdict.txt"

#: The least count a word of jieba's dictionary needs to be a unit. Count 3 is the count
#: jieba gives most compound entries, good (电子信息, 国际机场, 这段) and odd (汽车产量) alike:
#: on the corpus (data/themes, 18,418 top-5 keywords of zonenlp before #20) a floor of 3 flags
#: 88 of them, floors of 4 to 1000 flag 70-76, dropping the count-3 words that mark true
#: fragments (电子 of 电子信息产业, 机场 of 北京大兴国际机场, 段时间 of 这段时间) with the
#: few odd ones; floors 1 and 2 flag 87 (more words make fewer words settled, see _settled).
DICTIONARY_FLOOR = 3
#: The longest dictionary word looked for around a keyword.
LONGEST_WORD = 12
#: The longest name stem before an organisation suffix; a name with no clear start within it
#: is not taken.
LONGEST_STEM = 16

_PUNCTUATION = "，。！？；：、,.!?;:"
_QUOTED = re.compile(
    rf"“([^“”{_PUNCTUATION}]{{1,12}})”|「([^「」{_PUNCTUATION}]{{1,12}})」|『([^『』{_PUNCTUATION}]{{1,12}})』|《([^《》]{{1,60}})》"
)
_FRAMES = re.compile(r"从[\u4e00-\u9fff]到[\u4e00-\u9fff]|[一二三四五六七八九十两]位一体")
_ORG_SUFFIX = re.compile(
    "股份有限公司|有限责任公司|有限公司|集团|研究院|研究所|研究中心|办公室|管理委员会|管委会|委员会|协会|(?<!招)商会|联合会"
)
_STEM_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()（）·&]")
# What ends the text before a name: verbs and prepositions that take an organisation as
# object, conjunctions between names, determiners and measure words, generic nouns that
# precede a name (园区企业泰盈科技集团).
_BEFORE_NAME = tuple(
    """对接 走访 拜访 考察 调研 参观 观摩 签约 签订 引进 引入 落户 联合 携手 依托 借助 牵头 成立 组建 设立 入驻 进入
    加入 来自 位于 落地 包括 其中 以及 还有 协同 通过 推动 支持 邀请 组织 举办 承办 主办 指导 会同 带领 率队 前往
    走进 深入 获评 获得 荣获 聚集 集聚 完成 关注 企业 园区 当地 不少 一家 多家 这家 那家 每家 各 该 本 其 某 个 家 所 名 位 批 间 与 和 及
    同 或 在 到 赴 由 为 是 有 的 了 向 对 从 以 被 将 把 让 请 并 而 给 跟""".split()
)
# jieba's tags of demonstratives and numerals with a measure word (这段, 一批, 六位)
_BINDING_TAGS = frozenset({"r", "m", "mq"})


class Unit(NamedTuple):
    """A span ``text[start:end]`` that is one term, and where it comes from."""

    start: int
    end: int
    source: str  # zone, quoted, organisation, frame, dictionary, domain, measure


@lru_cache(maxsize=None)
def dictionary_words(floor: int = DICTIONARY_FLOOR) -> dict[str, str]:
    """Words of two or more characters in jieba's ``dict.txt`` with a count of at least
    ``floor``, with their part-of-speech tags."""
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.submodule_search_locations, "jieba is not installed"
    words = {}
    with open(Path(next(iter(spec.submodule_search_locations)), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            word, count, tag = line.split()
            if len(word) >= 2 and int(count) >= floor:
                words[word] = tag
    return words


@lru_cache(maxsize=1)
def domain_terms() -> frozenset[str]:
    """The terms of zonenlp's domain dictionary file."""
    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


def reading(text: str) -> str:
    """``text`` as keywords are matched against it: normalized, Simplified and lower-case."""
    return to_simplified(normalize(text, max_chars=None)).lower()


def organisations(text: str) -> list[Unit]:
    """Organisation and company names: a stem of name characters and a suffix (有限公司, 研究院 …).

    The stem runs back from the suffix to punctuation or to a word that ends the text before
    a name (对接, 与, 一家 …); a stem with no such start within :data:`LONGEST_STEM`
    characters, or of fewer than two characters, gives no name."""
    found = []
    for match in _ORG_SUFFIX.finditer(text):
        start, depth = match.start(), 0
        while start > 0 and _STEM_CHAR.match(text[start - 1]) and not text[:start].endswith(_BEFORE_NAME):
            depth += {")": 1, "）": 1, "(": -1, "（": -1}.get(text[start - 1], 0)
            if depth < 0:  # an opening parenthesis with no closing one in the name is before it
                break
            start -= 1
        stem = text[start : match.start()]
        if depth > 0:  # a closing one with no opening one: the name starts after it (（同期声）保定…)
            start += max(stem.rfind(")"), stem.rfind("）")) + 1
            stem = text[start : match.start()]
        if 2 <= len(stem) <= LONGEST_STEM and not stem[0].isdigit():
            found.append(Unit(start, match.end(), "organisation"))
    return found


def named_spans(text: str) -> list[Unit]:
    """Zone names, quoted terms and titles, organisation names and frames of ``text`` (read as :func:`reading` gives it)."""
    spans = [Unit(f.start, f.end, "zone") for f in figures(text, max_chars=None) if f.kind == "zone"]
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, 5) if match.group(g) is not None)
        spans.append(Unit(match.start(group), match.end(group), "quoted"))
    spans += organisations(text)
    spans += [Unit(m.start(), m.end(), "frame") for m in _FRAMES.finditer(text)]
    return spans


def _settled(text: str, unit: Unit, start: int, end: int, words: dict[str, str]) -> bool:
    """Whether a dictionary word ``unit`` holding ``text[start:end]`` keeps each single
    character it adds: one that also makes a word with the characters beyond the unit (坐 of
    坐地铁 in 乘坐地铁, 局 of 局局长 in 招商局局长) may belong there instead."""
    if start - unit.start == 1 and any(
        text[a : unit.start + 1] in words for a in range(max(0, unit.start - LONGEST_WORD + 2), unit.start)
    ):
        return False
    return not (end - unit.end == -1 and any(
        text[unit.end - 1 : b] in words for b in range(unit.end + 1, min(len(text), unit.end + LONGEST_WORD - 1) + 1)
    ))


def dictionary_cuts(text: str, start: int, end: int, floor: int = DICTIONARY_FLOOR) -> list[Unit]:
    """The dictionary words and domain terms that cut ``text[start:end]``: longer ones that
    hold it and keep the characters they add (see :func:`_settled`), and a demonstrative or
    numeral with its measure word that takes the keyword's first character when the rest of
    the keyword starts with a word (这段 of 这段时间 cuts 段时间)."""
    words, domain = dictionary_words(floor), domain_terms()
    out = []
    for a in range(max(0, end - LONGEST_WORD), start + 1):
        for b in range(max(end, a + 2), min(len(text), a + LONGEST_WORD) + 1):
            if (a, b) == (start, end):
                continue
            piece = text[a:b]
            source = "domain" if piece in domain else "dictionary" if piece in words else None
            if source and _settled(text, Unit(a, b, source), start, end, words):
                out.append(Unit(a, b, source))
    if start > 0 and words.get(text[start - 1 : start + 1]) in _BINDING_TAGS and any(
        text[start + 1 : b] in words for b in range(start + 3, end + 1)
    ):
        out.append(Unit(start - 1, start + 1, "measure"))
    return out


def cut_by(keyword: str, text: str, spans: Sequence[Unit] | None = None, floor: int = DICTIONARY_FLOOR) -> list[Unit] | None:
    """The units that cut the first occurrence of ``keyword`` in ``text`` when every
    occurrence is cut; None when one is whole or the keyword does not occur. ``text`` is read
    as :func:`reading` gives it; ``spans`` are its named spans (found when not given)."""
    keyword = reading(keyword)
    if not keyword or keyword not in text:
        return None
    if spans is None:
        spans = named_spans(text)
    first: list[Unit] | None = None
    start = text.find(keyword)
    while start >= 0:
        end = start + len(keyword)
        named = any(u.start == start and u.end == end for u in spans)
        # a name inside a longer unit is whole there, and so is a domain term that begins or
        # ends an organisation's name (临港新片区 in 临港新片区管委会)
        whole_in = ("organisation",) if keyword in domain_terms() else ()
        cutting = [] if named else dictionary_cuts(text, start, end, floor)
        cutting += [
            u for u in spans
            if (u.start < start < u.end or u.start < end < u.end)
            and not ((named or u.source in whole_in) and u.start <= start and end <= u.end)
        ]
        if not cutting:
            return None
        first = first or cutting
        start = text.find(keyword, start + 1)
    return first


def is_fragment(keyword: str, text: str, floor: int = DICTIONARY_FLOOR) -> bool:
    """Whether every occurrence of ``keyword`` in ``text`` starts or ends strictly inside a longer unit.

    >>> is_fragment("段时间", "这段时间，陈荣率队招商考察"), is_fragment("招商考察", "这段时间，陈荣率队招商考察")
    (True, False)
    """
    return cut_by(keyword, reading(text), floor=floor) is not None


def fragments(keywords: Iterable[str], text: str, floor: int = DICTIONARY_FLOOR) -> list[str]:
    """The keywords that are fragments of ``text`` (its named spans found once for all)."""
    text = reading(text)
    spans = named_spans(text)
    return [k for k in keywords if cut_by(k, text, spans, floor) is not None]


def fragment_count(keyword_lists: Sequence[Sequence[str]], texts: Sequence[str], k: int = 5,
                   floor: int = DICTIONARY_FLOOR) -> tuple[int, int]:
    """(fragments, keywords) among the first ``k`` keywords of each text."""
    n_fragments = n_keywords = 0
    for keywords, text in zip(keyword_lists, texts):
        top = list(keywords)[:k]
        n_keywords += len(top)
        n_fragments += len(fragments(top, text, floor))
    return n_fragments, n_keywords
