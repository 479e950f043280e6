"""The investment ledger: every amount and count an investment paragraph announces, with its zone, kind and source sentence.

:func:`ledger_entries` reads one paragraph: each money amount (in yuan) and each count of
projects, companies or investment trips it names becomes an entry with its kind (签约, 落户,
开工, 投产, 在谈, 目标 or 其他: a target word before it in its sentence, else the nearest such
word before it), its zone (the nearest zone named before it, else the paragraph's), the
counterpart where the sentence names one (与…签约, 由…投资, 来自…的 …), and the exact
sentence and its span, so that an analyst can total and filter and always check the source.
:func:`ledger` does it for every paragraph of an archive that the model tags ``investment``,
as a pandas DataFrame.
"""

from __future__ import annotations

import re
from typing import Any


__all__ = ["ledger", "ledger_entries", "first_zone", "KINDS"]

#: The kinds of announcement, each with the words that mark it.
KINDS = {
    "目标": ("力争", "目标", "计划", "预计", "确保", "拟", "全年要"),
    "在谈": ("在谈", "洽谈", "对接", "跟踪", "达成合作意向"),
    "开工": ("开工", "动工", "奠基"),
    "投产": ("投产", "竣工", "达产"),
    "签约": ("签约", "签订", "签署", "签下", "达成合作"),
    "落户": ("落户", "入驻", "引进", "落地", "招引"),
    "其他": ("到位资金", "实际利用", "实际到位", "完成投资", "累计投资", "增资"),
}
_KIND_WORD = re.compile("|".join(sorted((w for words in KINDS.values() for w in words), key=len, reverse=True)))
_KIND_OF = {word: kind for kind, words in KINDS.items() for word in words}
# words that hold a kind word but mark no kind: a project's planned size (计划总投资, 预计投资,
# 拟投资 of a project that starts or lands is its size, not a target), meetings named after
# talks (对接会, 洽谈会: any kind of deal is announced there) and words that merely contain one (模拟)
_NOT_A_KIND = re.compile(r"(?:计划|预计|拟)总?投资|对接会|洽谈会|模拟|虚拟")
# an investment completed, whatever in (完成固定资产投资, 完成产业投资): 其他
_COMPLETED = re.compile(r"完成[\u4e00-\u9fff]{0,6}?投资")
# what was done already or is so now, which a target word before it in the sentence does not
# reach (力争引进项目50个，目前已签约20个)
_DONE = re.compile(r"已|目前|截至")
# a sentence that goes on about the deals of the one before (…集中签约。其中，…投资23亿元;
# …今日开工！项目由…投资): its kind words are looked for in the one before too
_CONTINUES = re.compile(r"\s*(?:其中|该项目|项目|此项目|上述项目)")
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")
_CLAUSE_START = re.compile(r"[，,、：:]")
_PHRASE_START = re.compile(r"[，,：:]")
# the other side of a deal: 与比亚迪签约, 同深圳某集团签订, 与深圳某光电合作, 来自上海的客商,
# 由宁波某集团投资, 本土企业某微电子宣布增资, 日韩客商代表团一行 (a business delegation; 省领导一行
# is none)
_COUNTERPART = re.compile(
    r"(?:与|同|和)(?P<partner>(?:[^\W的]|[（）()·]){2,24}?)(?:签约|签订|签署|达成|共同|合作|对接)"
    r"|来自(?P<place>[\u4e00-\u9fff]{2,12}?)的"
    r"|由(?P<investor>(?:[^\W的]|[（）()·]){2,24}?)(?:投资|出资|投建)"
    r"|企业(?P<company>[\u4e00-\u9fffA-Za-z0-9·]{2,12}?)(?:宣布|投资\d|增资)"
    r"|(?:^|(?<=[，,：:]))(?P<delegation>[\u4e00-\u9fffA-Za-z0-9·]{1,12}?(?:团|客商|企业家|商会))一行"
)
# 与 the zone itself (某公司与园区签订): the other side is the one named before 与
_THE_ZONE = re.compile(r"园区|高新区|开发区|经开区|该区|我区|本区|管委会")
_NAMED_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·]{2,16}$")
# what names no one: a number of companies (一家储能企业, 多家企业), or words read past a name
_NOT_A_NAME = re.compile(r"(?:一|多|几|数|若干)[家批个位]|.*(?:投资|改造|资产|完成|累计)")
# a clause about part of the deals (其中与某科技对接的项目…) names no side of a figure before it
_PART_OF_DEALS = re.compile(r"[，,]\s*其中")
# what a count must count to be in the ledger: projects, companies, investors, signed agreements
# (合作协议8项); and investment trips by their unit (招商27批次), not by 招商 near a count of
# something else (4支招商小分队, 六位一体科技招商模式)
_LEDGER_COUNTED = re.compile(r"项目|企业|客商|协议")
_LEDGER_UNITS = ("批次", "家")
_NOUN_AFTER = re.compile(r"[，。；、,;“”\"‘’（(]")  # where the noun phrase after a number ends
# the counted noun before a number with a short verb between (项目落地27个, 在谈项目还有47个),
# which quantities' noun-before reading stops at
_NOUN_BEFORE = re.compile(r"(项目|企业|客商)[\u4e00-\u9fff]{1,4}$")
# counts that are no deals: an ordinal (第6个), a project's phase (二期), and companies
# visited rather than signed or landed (走访企业20余家)
_VISITED = re.compile(r"走访|拜访|考察|接待")
# what joins a count to the one before it, of the same things (签约项目20个和35个)
_JOINED = ("和", "、", "及", "与")
# an amount that sizes a class of projects (超10亿元项目12个, 5000万元以上项目47个) is no
# investment of its own: over or at least an amount, then the projects
_SIZE_CLASS_BEFORE = re.compile(r"(?:超|超过|逾)$")
_SIZE_CLASS_AFTER = re.compile(r"(?:以上|以下)?[\u4e00-\u9fff]{0,4}?项目")
_SIZE_CLASS_OVER = re.compile(r"以上|以下")
# what an amount is, by the nearest such word before it in its sentence: an investment, or
# output, revenue, tax, a subsidy or reward (policy, not investment: data/ledger/README.md)
_AMOUNT_OF = re.compile(r"(投资|资金|资本|金额|签约额|内资|外资)|(产值|营收|收入|销售额|税收|利税|补贴|补助|奖补|奖励)")


def _counted(figure: Any, before: str, after: str) -> str | None:
    """What a count of the ledger counts (projects, companies, investors, agreements or trips),
    by its unit, what quantities read it to count, the noun right after it (6个项目, 3个高端装备
    项目) or the noun shortly before it in its clause (项目落地27个); None for a count of
    anything else or one that records no deal (see _VISITED)."""
    clause = _CLAUSE_START.split(before)[-1]
    # a list (走访电子信息、智能装备等领域企业) is one phrase for what was done to its companies
    phrase = _PHRASE_START.split(before)[-1]
    if figure.kind != "count" or figure.unit == "期" or clause.endswith("第") or _VISITED.search(phrase):
        return None
    if figure.unit in _LEDGER_UNITS or _LEDGER_COUNTED.search(figure.counted):
        return figure.counted or figure.unit
    noun_after = _NOUN_AFTER.split(after, maxsplit=1)[0][:8]
    if _LEDGER_COUNTED.search(noun_after):
        return figure.counted or figure.unit
    noun_before = _NOUN_BEFORE.search(clause)
    return noun_before.group(1) if noun_before else None


# Zone names quantities reads shorter than they are written, or not at all: formal names with
# more words between the city and the zone word than the tokenizer joins (威海 火炬 高技术 产业
# 开发区, 郑州 航空港 经济 综合 实验区), made of these words; a city before a zone name that
# names none (绍兴 + 滨海新区); and the district in brackets after one (杭州高新区（滨江）).
_ZONE_NAME_WORDS = frozenset("火炬 高技术 高新技术 航空港 空港 临空 临港 滨海 经济 技术 综合 产业 保税 国际 科技 工业".split())
_MORE_ZONE_WORDS = frozenset({"实验区"})  # a zone word the tokenizer does not join: 郑州航空港经济综合实验区
_DISTRICT = re.compile(r"[（(][\u4e00-\u9fff]{1,6}[）)]")
# a park inside the zone the paragraph is about (区内硅基新材料产业园): the zone of what follows
_SUB_PARK = re.compile(r"(?<=区内|园内)[\u4e00-\u9fff]{2,10}?(?:产业园区|产业园|工业园区|工业园|科技园|产业基地)")


def _zone_mentions(text: str) -> list[tuple[str | None, int, int]]:
    """The zones ``text`` names, with their spans, in order: the names quantities reads,
    completed or added as _ZONE_NAME_WORDS, _DISTRICT and _SUB_PARK say, and None for a
    province's zones together (:func:`zonenlp.quantities.names_every_zone`), so that figures
    after it have none. Spans are of the normalized text, as
    :func:`zonenlp.quantities.figures` gives them."""
    from .quantities import names_every_zone
    from .text import normalize, to_simplified
    from .tokenizer import ZONE_SUFFIXES, _word_set, default_tokenizer, is_zone_name

    # spans found in the Simplified reading of the normalized text (one character for one),
    # names as written there, as quantities gives them
    written = normalize(text)
    simple = to_simplified(written)
    cities = _word_set("cities.txt")
    mentions = []
    tokens, spans, position = default_tokenizer().segment(simple), [], 0
    for token in tokens:
        start = simple.find(token, position)
        spans.append((start, start + len(token)) if start >= 0 else None)
        position = start + len(token) if start >= 0 else position
    for index, token in enumerate(tokens):
        is_name = is_zone_name(token)
        if spans[index] is None or not (is_name or token in ZONE_SUFFIXES or token in _MORE_ZONE_WORDS):
            continue
        first = index
        while first > max(0, index - 3) and tokens[first - 1] in _ZONE_NAME_WORDS:
            first -= 1
        if first > 0 and tokens[first - 1] in cities and spans[first - 1] and not token.startswith(tuple(cities)):
            first -= 1  # the city the name begins with
        elif is_name:
            first = index  # the name as quantities reads it
        else:
            continue  # a zone word alone (高新区), or after words no name is made of
        start, end = spans[first][0], spans[index][1]
        district = _DISTRICT.match(simple, end)
        end = district.end() if district else end
        name = written[start:end]
        mentions.append((None if names_every_zone(name) else name, start, end))
    starts = {start for _, start, _ in mentions}
    mentions += [(written[m.start() : m.end()], m.start(), m.end()) for m in _SUB_PARK.finditer(simple)
                 if m.start() not in starts]  # a park's name the tokenizer joins is read above
    return sorted(mentions, key=lambda mention: mention[1])


def _is_investment(figure: Any, before: str, after: str) -> bool:
    """Whether an amount of money is an investment of the ledger: not the size of a class of
    projects (超10亿元项目, 亿元以上项目), and not output, revenue, tax or a subsidy (see
    _AMOUNT_OF); an amount that says neither counts (实际到位215亿元)."""
    if figure.kind != "money" or figure.unit != "CNY" or not figure.value:
        return False
    sized = _SIZE_CLASS_AFTER.match(after)
    if sized and (_SIZE_CLASS_BEFORE.search(before) or _SIZE_CLASS_OVER.match(after)):
        return False
    purposes = _AMOUNT_OF.findall(before)
    return not purposes or bool(purposes[-1][0])


def _counterparts(text: str) -> list[tuple[int, str | None]]:
    """The other sides of deals ``text`` names (see _COUNTERPART), each with where it is
    named; None where a name is no name (_NOT_A_NAME)."""
    from .tokenizer import ZONE_SUFFIXES, _word_set, load_stopwords

    found = []
    for match in _COUNTERPART.finditer(text):
        group = match.lastgroup
        name, at = match.group(group), match.start(group)
        if group == "company" and (name in _word_set("common_words.txt") or name in load_stopwords()):
            continue  # 企业纷纷宣布, 企业近日宣布: no company named
        # 和 joining two zones (甲高新区和乙经开区今年分别签约) is "and", not "with"
        if group == "partner" and ("分别" in name or match.group().startswith("和")
                                   and any(word in name for word in ZONE_SUFFIXES)):
            continue
        if group == "partner" and _THE_ZONE.fullmatch(name):
            before = _NAMED_BEFORE.search(text, 0, match.start())
            if not before:
                continue
            name = before.group().rsplit("的", 1)[-1]
            at = match.start() - len(name)
        found.append((at, None if _NOT_A_NAME.match(name) else name))
    return found


def _counterpart(found: list[tuple[int, str | None]], text: str, start: int) -> str | None:
    """The other side of the deal of a figure at ``start`` of ``text``, from the ones
    :func:`_counterparts` found there: the nearest named before it, else the first after it
    unless that is in a clause about part of the deals (_PART_OF_DEALS)."""
    before = [name for at, name in found if at < start]
    if before:
        return before[-1]
    part = _PART_OF_DEALS.search(text, start)
    return next((name for at, name in found if not part or at < part.start()), None)


def _kind(context: str, start: int, end: int) -> str | None:
    """The kind of the figure at ``start:end`` of ``context`` (its sentence, or the one before
    and its sentence, see _CONTINUES): 目标 where a target word comes before it with nothing
    done (_DONE) between, since a target reaches over the clauses after it (力争引进…12个，完成
    工业投资400亿元); else the kind of the nearest kind word before it, else of the first after it."""
    masked = _NOT_A_KIND.sub(lambda m: " " * len(m.group()), context)
    marks = sorted([(m.start(), m.end(), _KIND_OF[m.group()]) for m in _KIND_WORD.finditer(masked)]
                   + [(m.start(), m.end(), "其他") for m in _COMPLETED.finditer(masked)])
    before = [(mark_end, kind) for mark_start, mark_end, kind in marks if mark_end <= start]
    targets = [mark_end for mark_end, kind in before if kind == "目标"]
    if targets and not _DONE.search(context, targets[-1], start):
        return "目标"
    if before:
        return before[-1][1]
    return next((kind for mark_start, _, kind in marks if mark_start >= end), None)


def _pair_respectively(placed: list[tuple[int, dict[str, Any]]], named: list[tuple[str | None, int]],
                       respectively: int, offset: int) -> None:
    """Give the figures after 分别 (at ``respectively`` in the sentence, -1 for none) the zones
    named before it, in order, where there are as many amounts (or counts) as zones:
    甲区和乙区将分别承担2000亿元和1500亿元. ``placed`` holds the sentence's entries with where
    their figures start in it, ``named`` its zones with where they start in the paragraph,
    which the sentence starts at ``offset`` of."""
    zones = [name for name, start in named if name and start < offset + respectively]
    if respectively < 0 or len(zones) < 2:
        return
    for money in (True, False):
        paired = [entry for start, entry in placed
                  if start > respectively and (entry["amount_yuan"] is not None) == money]
        if len(paired) == len(zones):
            for entry, zone in zip(paired, zones):
                entry["zone"] = zone


def first_zone(texts: list[str]) -> str | None:
    """The first zone that ``texts`` name, read as :func:`ledger_entries` reads zones (a
    province's zones together are none): the zone of an article's entries that name none."""
    return next((zone for text in texts for zone, _, _ in _zone_mentions(text) if zone), None)


def ledger_entries(text: str, *, zone: str | None = None) -> list[dict[str, Any]]:
    """The ledger entries of one paragraph, in the order of the text: ``kind`` (a target word
    before the figure in its sentence makes it 目标 unless something done comes between, else
    the nearest kind word before it; see :data:`KINDS`), ``amount_yuan`` or ``count`` (with
    ``counted``), ``zone`` (the nearest named before it in its sentence, the
    zones before 分别 in order to the figures after it, else the paragraph's first, else ``zone``
    as given; None where that is a province's zones together), ``counterpart``, ``sentence`` and
    its ``start``/``end`` in ``text``, and ``approximate`` (超过, 约, 近 …).

    >>> [(e["kind"], e["amount_yuan"], e["count"], e["zone"]) for e in ledger_entries(
    ...     "湘潭高新区新签约亿元以上项目10个，总投资额39亿元，新增在谈项目35个。")]
    [('签约', None, 10.0, '湘潭高新区'), ('签约', 3900000000.0, None, '湘潭高新区'), ('在谈', None, 35.0, '湘潭高新区')]
    """
    from .quantities import figures
    from .text import check_text, to_simplified

    check_text(text)
    zones = _zone_mentions(text)
    paragraph_zone = zones[0][0] if zones else zone
    # words are matched on the Simplified reading (one character for one), as every analysis
    # reads a text; sentences and counterparts are given back as written
    reading = to_simplified(text)
    entries = []
    previous = None
    for sentence in _SENTENCE.finditer(text):
        body, simple = sentence.group(), reading[sentence.start() : sentence.end()]
        named = [(name, start) for name, start, _ in zones if sentence.start() <= start < sentence.end()]
        context_start = previous.start() if previous and _CONTINUES.match(simple) else sentence.start()
        context = reading[context_start : sentence.end()]
        shift = sentence.start() - context_start
        previous = sentence
        sides = [(at, name and text[context_start + at : context_start + at + len(name)])
                 for at, name in _counterparts(context)]
        placed = []  # the sentence's entries with where their figures start in it
        last_count = None  # the figure of the sentence's last ledger count, and what it counts
        for figure in figures(body):
            is_money = _is_investment(figure, simple[: figure.start], simple[figure.end :])
            counted = None if is_money else _counted(figure, simple[: figure.start], simple[figure.end :])
            # a count joined to a ledger count (签约项目20个和35个) counts the same
            if not (is_money or counted) and last_count and figure.kind == "count" \
                    and figure.unit == last_count[0].unit and simple[last_count[0].end : figure.start] in _JOINED:
                counted = last_count[1]
            if not (is_money or counted):
                continue
            if counted:
                last_count = (figure, counted)
            kind = _kind(context, shift + figure.start, shift + figure.end)
            # the zone named in the sentence (the nearest before the figure, else the first after
            # it), else the one the paragraph is about (the first it names)
            before_zone = [name for name, start in named if start < sentence.start() + figure.start]
            trips = figure.unit == "批次"  # investment trips: counted, but no deal of any kind
            placed.append((figure.start, {
                "kind": kind if kind and not trips else "其他",
                "amount_yuan": figure.value if is_money else None,
                "count": None if is_money else figure.value,
                "counted": counted,
                "approximate": figure.approximate,
                "zone": before_zone[-1] if before_zone else named[0][0] if named else paragraph_zone,
                "counterpart": _counterpart(sides, context, shift + figure.start),
                "figure": figure.text,
                "sentence": body,
                "start": sentence.start(),
                "end": sentence.end(),
            }))
        _pair_respectively(placed, named, simple.find("分别"), sentence.start())
        entries += [entry for _, entry in placed]
    return entries


def ledger(inputs: Any, *, model: Any = None, n_jobs: int | None = None, progress: bool = False) -> Any:
    """The ledger of an archive (the inputs :func:`zonenlp.digest` takes), as a pandas
    DataFrame: one row per entry of every paragraph the model tags ``investment``, with
    ``source``, ``article``, ``title``, ``date``, ``paragraph`` (its number in the article),
    the fields of :func:`ledger_entries` and the article's ``url``; a record's ``zone`` field
    is the zone of its entries that name none. :func:`zonenlp.archive.read_archive` gives
    it together with the digest, from one reading of the archive."""
    from .archive import read_archive

    return read_archive(inputs, model=model, n_jobs=n_jobs, progress=progress).ledger
