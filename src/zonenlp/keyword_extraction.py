"""Keyword extraction: the terms an analyst would index a paragraph by.

Candidates are content words (stop words, numbers and non-nouns by jieba's
part-of-speech tags left out), zone names, document titles in 《》, short quoted
terms (“两优三特一融”), organisation and company names (温斯罗普生物医学科技(上海)有限公司,
上海微技术工业研究院), and phrases of adjacent nouns that either recur or end
in a head noun that makes a name (…实验室, …产业园, …招商推介会).

A keyword is a whole term of its text, never a piece of a longer one: a
candidate whose every mention lies inside an organisation's name (or crosses
its edge) is left out, the name being the candidate; so is a word the segmenter
glued to a function word (在鑫众, 从北到) or cut from a demonstrative's measure
word (段时间 of 这段时间). Lines are read apart (a headline and its paragraphs):
no candidate crosses a line break.

Scores are TF-IDF with the IDF of zonenlp's own corpus (built from the
training split); a word it never saw gets jieba's generic IDF, capped at that of
our rarest words. Early mentions, names and domain terms weigh more. The best
candidates are chosen one by one, skipping any that contains, is contained in,
or shares most of its characters with a chosen one (maximal marginal
relevance), so the top five are five different things. ``method="textrank"``
ranks the same candidates by PageRank over a graph of co-occurring words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Literal, NamedTuple, overload
from importlib import resources

from ._engines import jieba_dictionary, jieba_file
from .errors import InputTypeError, InputValueError
from .text import CleanText, check_positive_int, check_text, check_texts, clean_lines, normalize, to_simplified
from .organisations import ORG_HINT, WORDLIKE, is_function_word, organisation_spans
from .tokenizer import Tokenizer, _indices, default_tokenizer, is_number_token, is_zone_name, load_stopwords

__all__ = ["KeywordExtractor", "keywords", "corpus_keywords", "load_corpus_idf"]

# jieba part-of-speech tags of content words: nouns, names, places,
# organisations, other proper nouns, verbal nouns, abbreviations, English.
_CONTENT_TAGS = frozenset("n nr nrt nrfg ns nt nz nw vn an j eng".split())
_NOUN_TAGS = frozenset("n nr nrt nrfg ns nt nz nw vn j eng".split())
_QUOTED = re.compile(r"[“‘「『]([^“”‘’「」『』，。；\n]{2,12})[”’」』]")
_TITLE = re.compile(r"《([^《》\n]{2,30})》")
# Nouns that end a name: a run of nouns ending in one of these is a candidate
# even when it occurs once (松山湖材料实验室, 金属材料精深加工产业园).
_HEAD_NOUNS = tuple(
    """有限公司 公司 集团 实验室 研究院 研究所 研究中心 创新中心 中心 基地 产业园 工业园 科技园 产业园区 园区 平台 大会 推介会
    洽谈会 博览会 交易会 论坛 商会 协会 学院 大学 学校 小学 中学 局 委员会 办公室 工作站 驿站 公寓 图谱 地图 清单 专班 模式
    机制 工程 计划 行动 基金 产业链 集群 赛道 科技馆 展馆 大赛 活动周""".split()
)
# Words too general to index a paragraph by on their own (as parts of a phrase they are fine).
_GENERIC = frozenset(
    """企业 项目 园区 高新区 经开区 开发区 新区 服务 合作 产业 经济 政策 平台 领域 方面 单位 部门 问题 情况 水平 能力 体系 机制
    模式 作用 基础 目标 任务 工作 质量 时间 地方 成效 举措 措施 环节 方式 过程 重点 全省 全市 全区 全国 地区 城市 国家 中国
    市场 资源 条件 优势 效率 效益 规模 数量 负责人 工作人员 记者 同志 大家 群众 代表 人员 单位 现场 活动 会议 期间 同时
    有关 相关 一批 一系列 系列 这里 那里 当地 本地 我们 他们 今年 去年 明年 近年 目前 下一步""".split()
)
_NOUN_RUN = re.compile(rb"\x02{2,}")  # two or more tokens of class 2 (content nouns) in a row
# A chosen word whose every mention lies inside the same short run of nouns is given as
# that run (产业基金 in 新材料产业基金, 病理学 in 植物病理学): half the gold keywords are
# longer than one of our candidates (benchmarks/results/keyword_misses.md). Runs of up to
# this many characters: on our own gold (182 paragraphs) every limit from 6 to 10 gave the
# same strict F1@5 within 0.001, and 5 less; 6 keeps keywords the shortest.
_WHOLE_TERM_CHARS = 6
# jieba's tags of a demonstrative or numeral with its measure word (这段, 一批, 六位)
_BINDING_TAGS = frozenset({"r", "m", "mq"})


@dataclass(frozen=True)
class CorpusIdf:
    """IDF values learned from zonenlp's corpus, the number of documents, and
    ``rarest``: the IDF of a word that occurs in one document of the corpus."""

    values: dict[str, float]
    n_documents: int
    rarest: float


@lru_cache(maxsize=1)
def load_corpus_idf() -> CorpusIdf:
    """The IDF table shipped in ``zonenlp/resources/idf.tsv`` (built by the training script)."""
    lines = resources.files("zonenlp.resources").joinpath("idf.tsv").read_text(encoding="utf-8").splitlines()
    n_documents = int(lines[0].split("\t")[1])  # header: "#documents\tN"
    values = {word: float(value) for word, value in (line.split("\t") for line in lines[1:])}
    return CorpusIdf(values, n_documents, math.log((1 + n_documents) / 2) + 1)


@lru_cache(maxsize=1)
def _jieba_idf() -> dict[str, float]:
    """jieba's generic IDF, read from the file jieba ships (``jieba/analyse/idf.txt``)."""
    with open(jieba_file("analyse", "idf.txt"), encoding="utf-8") as fh:
        fields = fh.read().split()  # "word idf" per line: one split, then a C-level zip
    return dict(zip(fields[0::2], map(float, fields[1::2])))


class _Candidate(NamedTuple):
    term: str
    count: int
    first: float  # where the first mention is, from 0 (start of the text) to 1 (end)
    idf: float
    kind: str  # word, domain, zone, phrase, name, organisation, quoted, title


_KIND_WEIGHT = {"word": 1.0, "phrase": 1.1, "domain": 1.25, "zone": 1.3, "name": 1.3, "organisation": 1.3, "quoted": 1.3,
                "title": 1.4}
_LONG_KINDS = frozenset({"phrase", "name", "organisation", "title", "quoted"})  # kinds whose length earns a bonus
# A plain two-character word (会议, 企业, 签约) rarely indexes a paragraph on its own: gold keywords are
# mostly terms of four or more characters (benchmarks/results/keyword_misses.md), and on our own gold
# every weight from 0.5 down to 0.2 did as well within 0.004 of strict F1@5; 0.4 is that plateau's middle
_SHORT_WORD = 0.4


class KeywordExtractor:
    """Extract the ``k`` best keywords and key phrases of a text.

    Parameters
    ----------
    tokenizer:
        ``None`` uses the default :class:`~zonenlp.tokenizer.Tokenizer`.
    method:
        ``"tfidf"`` (default) or ``"textrank"``.
    max_phrase_words:
        The longest run of adjacent nouns merged into one phrase.
    diversity:
        Two keywords whose character bigrams overlap more than this (Jaccard)
        are the same thing said twice; the lower-scored one is left out.
    window:
        TextRank's co-occurrence window in tokens.
    """

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        method: str = "tfidf",
        max_phrase_words: int = 4,
        diversity: float = 0.5,
        window: int = 5,
    ) -> None:
        self.tokenizer = tokenizer
        self.method = method
        self.max_phrase_words = max_phrase_words
        self.diversity = diversity
        self.window = window
        # per-word facts that do not depend on the text: computed once per word
        self._word_classes: dict[str, int] = {}
        self._idfs: dict[str, float] = {}

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state["_word_classes"], state["_idfs"] = {}, {}
        return state

    def _tokenizer(self) -> Tokenizer:
        return self.tokenizer if self.tokenizer is not None else default_tokenizer()

    def _idf(self, term: str) -> float:
        if term not in self._idfs:
            corpus = load_corpus_idf()
            value = corpus.values.get(term)
            if value is None:  # jieba's IDF, but no rarer than our rarest word: its corpus is bigger, not better
                value = min(_jieba_idf().get(term, corpus.rarest), corpus.rarest)
            self._idfs[term] = value
        return self._idfs[term]

    @staticmethod
    def _word_class(token: str, domain: frozenset[str], tags: dict[str, str]) -> int:
        """0: not a keyword word; 1: a content word; 2: a content noun (can join a phrase)."""
        if len(token) < 2 or token in load_stopwords() or not WORDLIKE.match(token) or is_number_token(token):
            return 0
        if token in domain:
            return 2
        if token not in tags and (is_function_word(token[0], tags) or is_function_word(token[-1], tags)):
            return 0  # jieba's HMM glued a function word to a name (在鑫众, 从北到)
        tag = tags.get(token, "n")  # a word jieba's dictionary lacks is a name, so a noun
        return 2 if tag in _NOUN_TAGS else 1 if tag in _CONTENT_TAGS else 0

    def _candidates(self, text: str) -> tuple[dict[str, _Candidate], list[str], Callable[[str], str]]:
        """Candidates with their counts and first positions, in one pass over the tokens
        (no search of the text per candidate: the cost stays linear in its length), the
        tokens, and the function that gives a candidate's whole term (:meth:`_whole_term`)."""
        tokenizer = self._tokenizer()
        domain = tokenizer.domain_words
        dictionary = jieba_dictionary()
        tags = dictionary.tags
        found: dict[str, _Candidate] = {}
        corpus = load_corpus_idf()
        stopwords = load_stopwords()

        # titles and quoted terms are taken whole; the rest of the text is
        # segmented without them, so their fragments do not compete with them
        length = max(len(text), 1)
        for pattern, kind in ((_TITLE, "title"), (_QUOTED, "quoted")):
            matches: dict[str, list[int]] = {}
            for match in pattern.finditer(text):
                term = match.group(1).strip()
                if len(term) >= 2 and not is_number_token(term) and term not in stopwords:
                    matches.setdefault(term, []).append(match.start())
            for term, starts in matches.items():
                if term not in found:
                    found[term] = _Candidate(term, len(starts), starts[0] / length, corpus.values.get(term, corpus.rarest), kind)
        tokens = tokenizer._segment_simplified(_QUOTED.sub("，", _TITLE.sub("，", text)))  # normalized and Simplified already
        n_tokens = max(len(tokens), 1)
        # Each distinct token once, in order of appearance, with its first
        # position (the dict built from the end keeps the smallest index):
        # both made in C, so the Python loops below visit distinct tokens only.
        first_index = dict(zip(reversed(tokens), range(len(tokens) - 1, -1, -1)))
        distinct = list(dict.fromkeys(tokens))
        known = self._word_classes
        for token in set(distinct).difference(known):  # after a few texts the cache knows nearly every word
            known[token] = self._word_class(token, domain, tags)
        classes = dict(zip(distinct, map(known.__getitem__, distinct)))
        counts = Counter(tokens)
        # mentions inside an organisation's name (or across its edge) are not mentions of a
        # whole term: a candidate with no other mention is left out
        orgs = organisation_spans(tokens, distinct, tags, _GENERIC) if ORG_HINT.search(text) else []
        inside = Counter(t for start, end, _ in orgs for t in tokens[start:end]) if orgs else None
        words = dictionary.counts
        for start, end, name in orgs:
            if name not in found and any(t not in _GENERIC for t in tokens[start:end - 1]):  # 高新区管委会 names no one
                idf = max(self._idf(t) for t in tokens[start:end])
                found[name] = _Candidate(name, sum(1 for s, _, n in orgs if n == name), start / n_tokens, idf, "organisation")
        for token, value in classes.items():
            if value and token not in found and token not in _GENERIC:
                kind = "zone" if is_zone_name(token) else "domain" if token in domain else "word"
                if kind == "word" and (
                    inside is not None and inside[token] == counts[token]
                    or len(token) >= 3 and token[1:] in words and self._bound(token, tokens, tags)
                ):
                    continue
                found[token] = _Candidate(token, counts[token], first_index[token] / n_tokens, self._idf(token), kind)
        # phrases: runs of two or more adjacent nouns (class 2), found by a
        # regular expression over the tokens' classes written as bytes
        phrases: dict[tuple[str, ...], list[int]] = {}
        for match in _NOUN_RUN.finditer(bytes(map(classes.__getitem__, tokens))):
            start, end = match.span()
            run = tokens[start:end]
            for n in range(2, min(self.max_phrase_words, len(run)) + 1):
                for i in range(len(run) - n + 1):
                    phrases.setdefault(tuple(run[i : i + n]), []).append(start + i)
        for parts, starts in phrases.items():
            phrase = "".join(parts)
            if phrase in found:
                continue
            if orgs:  # mentions that overlap a name without holding all of it
                starts = [s for s in starts if not any(
                    s < e and o < s + len(parts) and not (s <= o and e <= s + len(parts)) for o, e, _ in orgs)]
                if not starts:
                    continue
            named = phrase.endswith(_HEAD_NOUNS) and parts[-1] not in _GENERIC or parts[-1].endswith(_HEAD_NOUNS)
            if len(starts) >= 2 or (named and len(phrase) <= 16):
                idf = max(self._idf(p) for p in parts)
                found[phrase] = _Candidate(phrase, len(starts), starts[0] / n_tokens, idf, "name" if named else "phrase")
        # asked of the few terms that are chosen only: most candidates never are
        return found, tokens, partial(self._whole_term, found=found, tokens=tokens, classes=classes, tags=tags)

    def _whole_term(self, term: str, found: dict[str, _Candidate], tokens: list[str], classes: dict[str, int],
                    tags: dict[str, str]) -> str:
        """``term``, or the run of plain nouns around it (no verbal noun, no zone name) if it is
        a word whose every mention lies inside one and the same such run."""
        if found[term].kind not in ("word", "domain"):
            return term

        def joins(token: str) -> bool:
            return classes[token] == 2 and tags.get(token, "n") != "vn" and not is_zone_name(token)

        runs = set()
        for i in _indices(tokens, term):
            start = end = i
            while start > 0 and end - start + 1 < self.max_phrase_words and joins(tokens[start - 1]):
                start -= 1
            while end + 1 < len(tokens) and end - start + 1 < self.max_phrase_words and joins(tokens[end + 1]):
                end += 1
            runs.add("".join(tokens[start : end + 1]))
        whole = runs.pop() if len(runs) == 1 else term
        return whole if len(whole) <= _WHOLE_TERM_CHARS else term

    @staticmethod
    def _bound(token: str, tokens: list[str], tags: dict[str, str]) -> bool:
        """Whether every mention of ``token`` (a word after its first character) lost that
        character to a demonstrative or numeral before it (这|段时间: 这段 + 时间)."""
        return all(
            i > 0 and len(tokens[i - 1]) == 1 and tags.get(tokens[i - 1] + token[0]) in _BINDING_TAGS
            for i in _indices(tokens, token)
        )

    def _tfidf_scores(self, candidates: dict[str, _Candidate]) -> dict[str, float]:
        scores = {}
        for c in candidates.values():
            position = 1.0 + 0.25 * (1 - c.first)  # earlier mentions weigh more
            length_bonus = 1.0 + 0.08 * min(len(c.term) - 2, 6) if c.kind in _LONG_KINDS else (_SHORT_WORD if len(c.term) == 2 else 1.0)
            scores[c.term] = (1 + math.log(max(c.count, 1))) * c.idf * position * _KIND_WEIGHT[c.kind] * length_bonus
        return scores

    def _textrank_scores(self, candidates: dict[str, _Candidate], tokens: list[str]) -> dict[str, float]:
        import numpy as np

        vocabulary = sorted({t for t in tokens if t in candidates})
        if not vocabulary:
            return {}
        index = {w: i for i, w in enumerate(vocabulary)}
        weights = np.zeros((len(vocabulary), len(vocabulary)))
        positions = [index.get(t, -1) for t in tokens]
        for i, a in enumerate(positions):
            if a < 0:
                continue
            for b in positions[i + 1 : i + self.window]:
                if b >= 0 and b != a:
                    weights[a, b] += 1
                    weights[b, a] += 1
        out_degree = weights.sum(axis=1, keepdims=True)
        transition = np.divide(weights, out_degree, out=np.zeros_like(weights), where=out_degree > 0)
        rank = np.full(len(vocabulary), 1.0 / len(vocabulary))
        damping = 0.85
        for _ in range(100):  # PageRank by power iteration, to convergence
            rank, previous = (1 - damping) / len(vocabulary) + damping * transition.T @ rank, rank
            if np.abs(rank - previous).sum() < 1e-8:
                break
        scores = {w: float(rank[i]) * len(vocabulary) for w, i in index.items()}
        # phrases, titles and quoted terms: the best rank among their words, or the mean
        for c in candidates.values():
            if c.term not in scores:
                inner = [scores[w] for w in vocabulary if w in c.term]
                scores[c.term] = (max(inner) if inner else 1.0) * _KIND_WEIGHT[c.kind]
        return scores

    def _choose(self, scores: dict[str, float], k: int, whole_term: Callable[[str], str]) -> list[tuple[str, float]]:
        """The ``k`` best of ``scores``, each as its ``whole_term``, leaving out
        one of two terms that say the same thing: the later, if one holds the other."""
        chosen: list[tuple[str, float]] = []
        chosen_bigrams: list[set[str]] = []
        for term, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
            term = whole_term(term)
            grams = {term[i : i + 2] for i in range(len(term) - 1)} or {term}
            if any(term in c or c in term or len(grams & g) / len(grams | g) > self.diversity
                   for (c, _), g in zip(chosen, chosen_bigrams)):
                continue
            chosen.append((term, round(score, 4)))
            chosen_bigrams.append(grams)
            if len(chosen) == k:
                break
        return chosen

    def _clean(self, text: str) -> str:
        """``text`` normalized and Simplified, line by line: normalizing would join a headline's
        last word to the next line's first; "\n" stays, a token no candidate crosses."""
        max_chars = self._tokenizer().max_chars
        if type(text) is CleanText or not isinstance(text, str) or ("\n" not in text and "\r" not in text):
            return to_simplified(normalize(text, max_chars=max_chars))  # normalize checks the type
        return to_simplified(clean_lines(check_text(text, max_chars=max_chars).splitlines()))

    def extract(self, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best keywords of ``text`` with their scores, best first.

        Keywords come in Simplified characters (a Traditional text is read
        through :func:`zonenlp.text.to_simplified`). Empty or whitespace-only
        text, and text with no content words, give ``[]``.
        """
        check_positive_int(k, "k")
        if self.method not in ("tfidf", "textrank"):
            raise InputValueError(f"method must be 'tfidf' or 'textrank', got {self.method!r}")
        text = self._clean(text)
        if not text:
            return []
        candidates, tokens, whole_term = self._candidates(text)
        if self.method == "textrank":
            return self._choose(self._textrank_scores(candidates, tokens), k, whole_term)
        return self._choose(self._tfidf_scores(candidates), k, whole_term)


@lru_cache(maxsize=1)
def _default_extractor() -> KeywordExtractor:
    return KeywordExtractor()


@overload
def keywords(
    text: str, k: int | None = None, *, topK: int | None = None, withWeight: Literal[True] = True
) -> list[tuple[str, float]]: ...


@overload
def keywords(text: str, k: int | None = None, *, topK: int | None = None, withWeight: Literal[False]) -> list[str]: ...


def keywords(
    text: str, k: int | None = None, *, topK: int | None = None, withWeight: bool = True
) -> list[tuple[str, float]] | list[str]:
    """The ``k`` (by default 10) best keywords of ``text`` with scores, best first.

    >>> keywords("湘潭高新区召开招商引资动员大会，部署招商引资工作。", k=2)
    [('招商引资动员大会', 16.5105), ('湘潭高新区', 13.7105)]

    jieba's spellings work too, with the meaning they have in
    ``jieba.analyse.extract_tags``: ``topK`` for ``k`` (give one of them, not
    both), and ``withWeight=False`` for the terms alone.

    >>> keywords("湘潭高新区召开招商引资动员大会，部署招商引资工作。", topK=2, withWeight=False)
    ['招商引资动员大会', '湘潭高新区']
    """
    if not isinstance(withWeight, bool):
        raise InputTypeError(f"withWeight must be True or False, got {withWeight!r}")
    if topK is not None:
        if k is not None:
            raise InputValueError(f"give k or topK (jieba's name for it), not both: got k={k!r}, topK={topK!r}")
        k = check_positive_int(topK, "topK")
    pairs = _default_extractor().extract(text, 10 if k is None else k)
    return pairs if withWeight else [term for term, _ in pairs]


def corpus_keywords(
    texts: Iterable[str], k: int = 20, per_text: int = 10, extractor: KeywordExtractor | None = None
) -> list[tuple[str, int, float]]:
    """The top terms across a set of texts: ``(term, texts it is a keyword of, summed score)``.

    Each text contributes its ``per_text`` best keywords; terms are ranked by
    how many texts they index, then by their summed score — the analyst's
    weekly "what was this about" list.
    """
    extractor = extractor or _default_extractor()
    counts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for text in check_texts(texts):
        for term, score in extractor.extract(text, per_text):
            counts[term] += 1
            totals[term] += score
    ranked = sorted(counts, key=lambda t: (-counts[t], -totals[t], t))[:k]
    return [(t, counts[t], round(totals[t], 4)) for t in ranked]
