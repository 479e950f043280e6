"""Keyword extraction: the terms an analyst would index a paragraph by.

Scores are TF-IDF with the IDF of zonenlp's own corpus (shipped as a package
resource); a word our corpus never saw falls back to jieba's generic IDF,
capped at the IDF of a word seen once in our corpus, so that a word cannot
outrank our own rarest words just because it comes from a bigger corpus.
Candidates are filtered by stop words and part of speech; adjacent nouns that
recur together, and short quoted terms (“两优三特一融”), become phrases, and
the parts of a chosen phrase are not listed again.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import InputValueError
from .text import check_text, normalize
from .tokenizer import Tokenizer, default_tokenizer, is_number_token, load_stopwords

__all__ = ["KeywordExtractor", "keywords", "load_corpus_idf"]

# jieba part-of-speech tags of content words: nouns, names, places,
# organisations, other proper nouns, verbal nouns, abbreviations, English.
_CONTENT_TAGS = frozenset("n nr nrt nrfg ns nt nz nw vn an j eng".split())
_NOUN_TAGS = frozenset("n nr nrt nrfg ns nt nz nw vn j eng".split())
_QUOTED = re.compile(r"[“‘「『]([^“”‘’「」『』]{2,12})[”’」』]")
_WORDLIKE = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+\-·]*$")


@dataclass(frozen=True)
class CorpusIdf:
    """IDF values learned from zonenlp's corpus, with the number of documents."""

    values: dict[str, float]
    n_documents: int

    @property
    def rarest(self) -> float:
        """The IDF of a word that occurs in one document of the corpus."""
        return math.log((1 + self.n_documents) / 2) + 1


@lru_cache(maxsize=1)
def load_corpus_idf() -> CorpusIdf:
    """The IDF table shipped in ``zonenlp/resources/idf.tsv`` (built by the training script)."""
    text = resources.files("zonenlp.resources").joinpath("idf.tsv").read_text(encoding="utf-8")
    lines = text.splitlines()
    n_documents = int(lines[0].split("\t")[1])  # header: "#documents\tN"
    values = {}
    for line in lines[1:]:
        word, value = line.split("\t")
        values[word] = float(value)
    return CorpusIdf(values, n_documents)


_jieba_tables_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba_tables() -> tuple[dict[str, str], dict[str, float]]:
    """jieba's part-of-speech tags and generic IDF, read from the files jieba ships."""
    with _jieba_tables_lock:
        import jieba

        root = os.path.dirname(jieba.__file__)
        tags = {}
        with open(os.path.join(root, "dict.txt"), encoding="utf-8") as fh:
            for line in fh:
                word, _freq, tag = line.rstrip("\n").split(" ")
                tags[word] = tag
        idf = {}
        with open(os.path.join(root, "analyse", "idf.txt"), encoding="utf-8") as fh:
            for line in fh:
                word, value = line.rstrip("\n").split(" ")
                idf[word] = float(value)
        return tags, idf


class KeywordExtractor:
    """Extract the ``k`` best keywords and key phrases of a text.

    Parameters
    ----------
    tokenizer:
        ``None`` uses the default :class:`~zonenlp.tokenizer.Tokenizer`.
    min_phrase_count:
        How often a run of adjacent nouns must recur in the text to become a phrase.
    max_phrase_words:
        The longest run of words merged into one phrase.
    """

    def __init__(self, tokenizer: Tokenizer | None = None, min_phrase_count: int = 2, max_phrase_words: int = 3) -> None:
        self.tokenizer = tokenizer
        self.min_phrase_count = min_phrase_count
        self.max_phrase_words = max_phrase_words

    def _tokenizer(self) -> Tokenizer:
        return self.tokenizer if self.tokenizer is not None else default_tokenizer()

    def _idf(self, term: str) -> float:
        corpus = load_corpus_idf()
        if term in corpus.values:
            return corpus.values[term]
        _tags, generic = _jieba_tables()
        return min(generic.get(term, corpus.rarest), corpus.rarest)

    def _is_candidate(self, token: str, domain: frozenset[str], tags: dict[str, str]) -> bool:
        if len(token) < 2 or token in load_stopwords() or is_number_token(token) or not _WORDLIKE.match(token):
            return False
        return token in domain or tags.get(token, "n") in _CONTENT_TAGS

    def _is_noun(self, token: str, domain: frozenset[str], tags: dict[str, str]) -> bool:
        return token in domain or tags.get(token, "n") in _NOUN_TAGS

    def _runs(self, tokens: list[str], domain: frozenset[str], tags: dict[str, str]) -> list[list[str]]:
        """Maximal runs of adjacent candidate nouns (punctuation and stop words break a run)."""
        runs, current = [], []
        for token in tokens:
            if self._is_candidate(token, domain, tags) and self._is_noun(token, domain, tags):
                current.append(token)
            else:
                if len(current) > 1:
                    runs.append(current)
                current = []
        if len(current) > 1:
            runs.append(current)
        return runs

    def extract(self, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best keywords of ``text`` with their scores, best first.

        Empty or whitespace-only text, and text with no content words, give ``[]``.
        """
        check_text(text)
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise InputValueError(f"k must be a positive int, got {k!r}")
        text = normalize(text)
        if not text:
            return []
        tokenizer = self._tokenizer()
        # A short quoted term (“两优三特一融”) is one keyword: take it whole and
        # segment the rest of the text without it, so its fragments (一融) do
        # not compete with it.
        quoted = Counter(m.group(1) for m in _QUOTED.finditer(text) if not is_number_token(m.group(1)))
        tokens = tokenizer.segment(_QUOTED.sub("，", text))
        domain = tokenizer.domain_words
        tags, _ = _jieba_tables()

        counts = Counter(t for t in tokens if self._is_candidate(t, domain, tags))
        for term, count in quoted.items():
            counts[term] += count
        # phrases: runs of adjacent nouns that recur in the text
        phrase_counts: Counter[tuple[str, ...]] = Counter()
        for run in self._runs(tokens, domain, tags):
            for n in range(2, self.max_phrase_words + 1):
                for i in range(len(run) - n + 1):
                    phrase_counts[tuple(run[i : i + n])] += 1

        scores: dict[str, float] = {}
        for term, count in counts.items():
            scores[term] = (1 + math.log(count)) * self._idf(term)
        for parts, count in phrase_counts.items():
            if count >= self.min_phrase_count:
                idf = max(self._idf(p) for p in parts)
                scores["".join(parts)] = (1 + math.log(count)) * idf * (1 + 0.25 * (len(parts) - 1))

        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        chosen: list[tuple[str, float]] = []
        for term, score in ranked:
            # one thing once: skip a term inside a chosen phrase, or around a chosen term
            if any(term in c or c in term for c, _ in chosen):
                continue
            chosen.append((term, round(score, 4)))
            if len(chosen) == k:
                break
        return chosen


@lru_cache(maxsize=1)
def _default_extractor() -> KeywordExtractor:
    return KeywordExtractor()


def keywords(text: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` best keywords of ``text`` with scores, best first.

    >>> [w for w, _ in keywords("湘潭高新区召开招商引资动员大会，部署招商引资工作。", k=3)]  # doctest: +SKIP
    ['招商引资', '湘潭高新区', '动员大会']
    """
    return _default_extractor().extract(text, k)
