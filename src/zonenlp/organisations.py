"""Organisation and company names in a paragraph's tokens, for keyword extraction.

A name is read back from its ending (有限公司, 研究院, 研究|中心 …) over the words that
can be part of a name, with parentheses that close inside it ((上海)); a keyword is then
the whole name or nothing, never a piece of it (斯罗普 of 温斯罗普生物医学科技(上海)有限公司).
"""

from __future__ import annotations

import re

from .tokenizer import ZONE_SUFFIXES, _indices, is_number_token, load_stopwords

__all__ = ["ORG_HINT", "WORDLIKE", "is_function_word", "is_name_part", "organisation_spans"]

WORDLIKE = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+\-·]*$")
# Tokens that end an organisation's name, and the pairs that do (研究|中心, 有限责任|公司);
# a text with none of them (most texts) is told by one search of the text.
_ORG_ENDINGS = ("有限公司", "集团", "研究院", "研究所", "科学院", "办公室", "管委会", "委员会", "协会", "商会", "联合会")
_ORG_PAIRS = frozenset({("研究", "中心"), ("有限责任", "公司")})
_ORG_PAIR_ENDS = frozenset(end for _, end in _ORG_PAIRS)
ORG_HINT = re.compile("|".join((*_ORG_ENDINGS, "研究中心", "有限责任公司")))
_LONGEST_ORG = 24  # characters; a longer run before the ending has no clear start and makes no name
# Going back from its ending, an organisation's name stops at a stop word, a generic word, a
# word that describes the name after it (龙头企业|金力体育器材集团, 园区企业|…) or a word
# jieba tags as a verb, preposition, conjunction, particle, pronoun, adverb, numeral, measure
# word, locative or time word (对接, 在, 的, 该, 一批, 前往 …) …
_NOT_NAME_TAGS = frozenset("v p c u uj ul uz ud ug uv r d m mq q f t y e o".split())
_DESCRIBING = ("企业", "园区")
# … but not at a zone word (白银高新区管委会), a word of its reach (中国证券投资基金业协会) or
# a word of what it does (武进高新投资控股集团, 国际经济合作管理办公室, …工作领导小组办公室)
_NAME_WORDS = ZONE_SUFFIXES | frozenset(
    """中国 国家 全国 高新 未来 控股 促进 开发 制造 创新 孵化 担保 研发 建设 发展 投资 管理 合作 服务 工作 经济 产业 市场
    资源""".split()
)
# jieba's tags of function words: a word jieba's HMM made with one at its edge is a
# name glued to it (在鑫众, 从北到), not a name
_FUNCTION_TAGS = frozenset("p c u uj ul uz ud ug uv r".split())


def is_function_word(char: str, tags: dict[str, str]) -> bool:
    """Whether the character ``char`` is a stop word that jieba tags as a function word (在, 从, 的, 这)."""
    return char in load_stopwords() and tags.get(char) in _FUNCTION_TAGS


def is_name_part(token: str, tags: dict[str, str], generic: frozenset[str]) -> bool:
    """Whether ``token`` can be part of an organisation's name: a word (not punctuation or a number)
    that is not a generic word, a stop word or a word that ends the text before a name."""
    if token in _NAME_WORDS:
        return True
    if not WORDLIKE.match(token) or is_number_token(token) or token in load_stopwords():
        return False
    if token in generic or token.endswith(_DESCRIBING):
        return False
    return tags.get(token) not in _NOT_NAME_TAGS


def organisation_spans(
    tokens: list[str], distinct: list[str], tags: dict[str, str], generic: frozenset[str],
) -> list[tuple[int, int, str]]:
    """Organisation and company names, as (first token, end token, name): the tokens of the
    name's stem back from an ending (有限公司, 研究院, 研究|中心 …) to punctuation or a word
    that is no part of a name (对接, 在, 的 …), with parentheses that close inside it
    ((上海)). The first token loses a function word glued to it (在鑫众 -> 鑫众). ``generic``:
    words too general to start a name (the keyword extractor's).

    >>> from zonenlp._engines import jieba_dictionary
    >>> tokens = ["与", "温斯罗普", "生物医学", "科技", "(", "上海", ")", "有限公司", "签约"]
    >>> organisation_spans(tokens, list(dict.fromkeys(tokens)), jieba_dictionary().tags, frozenset())
    [(1, 8, '温斯罗普生物医学科技(上海)有限公司')]
    """
    found = []
    # only the tokens that may end a name are visited (found with list.index, in C)
    endings = [t for t in distinct if t.endswith(_ORG_ENDINGS) or t in _ORG_PAIR_ENDS]
    for end in sorted(i + 1 for t in endings for i in _indices(tokens, t)):
        token = tokens[end - 1]
        pair = end >= 2 and (tokens[end - 2], token) in _ORG_PAIRS
        if not (pair or token.endswith(_ORG_ENDINGS)) or token.endswith("招商会"):
            continue
        start = end - 2 if pair else end - 1
        length, depth = sum(map(len, tokens[start:end])), 0
        while start > 0 and length <= _LONGEST_ORG:
            part = tokens[start - 1]
            if part in ")）":
                depth += 1
            elif part in "(（":
                if depth == 0:
                    break
                depth -= 1
            elif not is_name_part(part, tags, generic):
                break
            start -= 1
            length += len(part)
        if length > _LONGEST_ORG:
            continue  # no clear start
        while depth > 0:  # a closing parenthesis whose opening one is before the name
            start = next(i for i in range(start, end) if tokens[i] in ")）") + 1
            depth -= 1
        name = "".join(tokens[start:end])
        if tokens[start] not in tags and is_function_word(tokens[start][0], tags):
            name = name[1:]
        ending = tokens[end - 2] + token if pair else next(e for e in _ORG_ENDINGS if token.endswith(e))
        if len(name) - len(ending) >= 2:  # a stem of one character or none (该公司, 、管委会) names nothing
            found.append((start, end, name))
    return found
