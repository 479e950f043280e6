"""Quantities in a paragraph, normalised: money, counts, areas, percentages, dates and zones.

>>> [(f.kind, f.text, f.value) for f in figures("总投资额39亿元，占地104亩")]
[('money', '39亿元', 3900000000.0), ('area', '104亩', 104.0)]

Every :class:`Figure` carries its character span in the (normalized) text, so
``text[f.start:f.end] == f.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .text import DEFAULT_MAX_CHARS, CleanText, normalize, to_simplified

__all__ = ["Figure", "figures", "parse_number", "names_every_zone"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_MAGNITUDE = {"": 1, "十": 10, "百": 100, "千": 1000, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "十亿": 1e9, "百亿": 1e10, "千亿": 1e11, "万亿": 1e12}

_CN_NUM = "[零〇一二两三四五六七八九十百千]+"
# A number starts where no digit or numeral is before it: trying to start one
# inside a long run of digits would make matching quadratic in the run.
_NUMBER = rf"(?<![\d.,零〇一二两三四五六七八九十百千])(?:\d+(?:[.,]\d+)*|{_CN_NUM})"
_APPROX = "[余多]?"
_CURRENCIES = {"元": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD", "日元": "JPY", "英镑": "GBP"}
_CURRENCY = f"(?P<currency>{'|'.join(_CURRENCIES)})"
_SCALE = "(?P<scale>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)?"

_MONEY = re.compile(rf"(?P<num>{_NUMBER}){_APPROX}{_SCALE}{_APPROX}{_CURRENCY}")
_PERCENT = re.compile(rf"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*%|百分之(?P<cn>{_CN_NUM}(?:点[零〇一二三四五六七八九]+)?)")
_AREA_UNITS = {"亩": 666.6667, "万亩": 6_666_667.0, "平方米": 1.0, "万平方米": 1e4, "平方公里": 1e6, "公顷": 1e4}
_AREA = re.compile(rf"(?P<num>{_NUMBER}){_APPROX}(?P<unit>万平方米|平方公里|平方米|万亩|亩|公顷)")
_COUNT_UNITS = "个|家|批次|批|名|位|人次|人|项|套|台|辆|件|条|所|支|场|期|届|户|栋|座|款|种|强"
_COUNT = re.compile(rf"(?P<num>{_NUMBER})(?P<approx>{_APPROX})(?P<unit>{_COUNT_UNITS})(?![元美欧港日英%])")
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_DATE = re.compile(
    r"(?P<year>(?:19|20)\d{2})年(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])日)?)?"
    r"|(?<![\d年])(?P<month2>1[0-2]|0?[1-9])月(?P<day2>3[01]|[12]\d|0?[1-9])日"
    rf"|农历(?P<ganzhi>[{_STEMS}][{_BRANCHES}])(?P<animal>[鼠牛虎兔龙蛇马羊猴鸡狗猪])?年"
)
# Words that end the clause before a counted noun: 全年引进|科技项目515个.
_CLAUSE_ENDS = sorted(
    """其中 引进 招引 引育 新增 新签约 签约 签订 落户 落地 完成 实现 达到 累计 走访 培训 招聘 提供 吸引 开展 举办 建成
    新建 拥有 聚集 集聚 上榜 认定 推动 洽谈 对接 服务 带动 包括 有名 共有 已有 现有 超过 达 有 共 约 近 超 逾 和 与 及
    的 是 为""".split(),
    key=len,
    reverse=True,
)


@dataclass(frozen=True)
class Figure:
    """One quantity found in a text.

    ``kind`` is ``money`` (``value`` in units of ``unit``, e.g. yuan), ``count``
    (``value`` items of ``unit``, counting ``counted``), ``area`` (``value`` in
    ``unit``; ``normalized["square_metres"]``), ``percent``, ``date``
    (``normalized`` holds year/month/day as far as the text says) or ``zone``
    (``value`` is None, ``normalized["name"]`` the zone).
    """

    kind: str
    text: str
    start: int
    end: int
    value: float | None = None
    unit: str = ""
    counted: str = ""
    approximate: bool = False
    normalized: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _parse_chinese(numeral: str) -> float:
    """十 -> 10, 三百 -> 300, 两千五百 -> 2500, 一万二千 -> 12000."""
    total, section, digit = 0.0, 0.0, None
    for ch in numeral:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in ("万", "亿"):
            section = (section + (digit or 0)) * _CN_UNITS[ch]
            total += section
            section, digit = 0.0, None
        else:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + section + (digit or 0)


def parse_number(text: str) -> float:
    """An Arabic (``1,453``, ``446.83``) or Chinese (``三百``, ``两千``) numeral as a float."""
    if text and text[0].isdigit():
        return float(text.replace(",", ""))
    return _parse_chinese(text)


def _ganzhi_year(ganzhi: str, near: int = 2025) -> int:
    index = next(i for i in range(60) if _STEMS[i % 10] == ganzhi[0] and _BRANCHES[i % 12] == ganzhi[1])
    base = 1984 + index  # 1984 was 甲子
    return min((base + 60 * k for k in range(-2, 3)), key=lambda year: abs(year - near))


def _counted_before(text: str, start: int) -> str:
    """The noun phrase right before a number: 全年引进科技项目515个 -> 科技项目."""
    match = re.search(r"[\u4e00-\u9fff]{1,12}$", text[max(0, start - 12) : start])
    if not match:
        return ""
    phrase = match.group()
    cut = max((phrase.rfind(word) + len(word) for word in _CLAUSE_ENDS if word in phrase), default=0)
    return phrase[cut:]


def _counted_after(text: str, end: int) -> str:
    """The noun right after a number and its unit: 1453家企业上榜 -> 企业."""
    from .tokenizer import default_tokenizer

    # a slice of the cleaned, Simplified text is clean and Simplified too
    window = CleanText(text[end : end + 8], text[end : end + 8])
    tokens = default_tokenizer().tokenize(window) if re.match(r"[\u4e00-\u9fff]", window) else []
    return tokens[0] if tokens and re.fullmatch(r"[\u4e00-\u9fff]{2,6}", tokens[0]) else ""


# the place of a province's zones together (湖南省产业园区, 全省开发区, 广西壮族自治区开发区)
_EVERY_ZONE_PLACE = re.compile(r"全|[\u4e00-\u9fff]{0,8}(?:省|自治区)")


def names_every_zone(name: str) -> bool:
    """Whether the zone name ``name`` is a province's zones together, which name no one zone
    (figures leave them out; the ledger gives the figures after them no zone).

    >>> names_every_zone("湖南省产业园区"), names_every_zone("全省开发区"), names_every_zone("湘潭高新区")
    (True, True, False)
    """
    from .tokenizer import ZONE_SUFFIXES

    return any(name.endswith(kind) and _EVERY_ZONE_PLACE.fullmatch(name[: -len(kind)]) for kind in ZONE_SUFFIXES)


def _zones(original: str, text: str) -> list[tuple[str, int, int]]:
    """Zone names (湘潭高新区 …) with their spans in ``text``, the Simplified reading of the
    normalized ``original``, from the tokenizer's zone merging (which reads ``original``
    as Simplified itself, and does not clean a cleaned text again)."""
    from .tokenizer import default_tokenizer, is_zone_name

    out, position = [], 0
    for token in default_tokenizer().segment(original):
        start = text.find(token, position)
        if start < 0:
            continue
        position = start + len(token)
        if is_zone_name(token) and not names_every_zone(token):
            out.append((token, start, position))
    return out


def figures(text: str, *, max_chars: int | None = DEFAULT_MAX_CHARS) -> list[Figure]:
    """Money, counts, areas, percentages, dates and zone names in ``text``, in order of position.

    The text is normalized first (see :func:`zonenlp.text.normalize`); spans
    refer to the normalized text. Texts over ``max_chars`` characters raise
    :class:`~zonenlp.errors.InputValueError`.
    """
    original = normalize(text, max_chars=max_chars)
    # patterns and zone names are matched on the Simplified reading of the text;
    # conversion is one character for one, so spans hold for the original too
    text = to_simplified(original)
    found: list[Figure] = []
    covered = bytearray(len(text))  # characters already inside a figure: kinds found first win

    def free(matches: Iterator[re.Match[str]]) -> Iterator[re.Match[str]]:
        return (m for m in matches if not any(covered[m.start() : m.end()]))

    def add(kind: str, m: re.Match[str], *fields: Any, **named: Any) -> None:
        found.append(Figure(kind, m.group(), m.start(), m.end(), *fields, **named))
        covered[m.start() : m.end()] = b"\x01" * (m.end() - m.start())

    for m in free(_DATE.finditer(text)):
        if m.group("ganzhi"):
            normalized = {"year": _ganzhi_year(m.group("ganzhi")), "lunar": True}
        elif m.group("year"):
            normalized = {k: int(m.group(k)) for k in ("year", "month", "day") if m.group(k)}
        else:
            normalized = {"month": int(m.group("month2")), "day": int(m.group("day2"))}
        add("date", m, normalized=normalized)
    for m in free(_MONEY.finditer(text)):
        value = parse_number(m.group("num")) * _MAGNITUDE[m.group("scale") or ""]
        currency = _CURRENCIES[m.group("currency")]
        add("money", m, value, currency, approximate=("余" in m.group() or "多" in m.group()),
            normalized={"currency": currency, "amount": value})
    for m in free(_PERCENT.finditer(text)):
        if m.group("num"):
            value = float(m.group("num"))
        else:
            whole, _, frac = m.group("cn").partition("点")
            value = _parse_chinese(whole) + (float("0." + "".join(str(_CN_DIGITS[c]) for c in frac)) if frac else 0.0)
        add("percent", m, value, "%")
    for m in free(_AREA.finditer(text)):
        value = parse_number(m.group("num"))
        add("area", m, value, m.group("unit"),
            normalized={"square_metres": round(value * _AREA_UNITS[m.group("unit")], 2)})
    for m in free(_COUNT.finditer(text)):
        if m.group("num") == "一":
            continue  # 一个, 一批, 一家: a determiner, not a count
        counted = _counted_before(text, m.start()) or _counted_after(text, m.end())
        add("count", m, parse_number(m.group("num")), m.group("unit"), counted, approximate=bool(m.group("approx")))
    for name, start, end in _zones(original, text):
        if not any(covered[start:end]):  # zones come last: no later figure needs them covered
            found.append(Figure("zone", name, start, end, normalized={"name": name}))
    if text != original:
        found = [replace(f, text=original[f.start : f.end]) for f in found]
    return sorted(found, key=lambda f: (f.start, f.end))
