"""Word segmentation for development-zone news: an engine running jieba's algorithm, and the domain layer.

:class:`Tokenizer` segments with rjieba or jieba (see :mod:`zonenlp._engines`)
and zonenlp's domain dictionary, then keeps each number with its unit as one
token and joins a place name to the zone word after it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ._engines import Cut, jieba_dictionary, new_engine, require_backend, resolve_backend
from .errors import ModelFileError
from .text import DEFAULT_MAX_CHARS, check_text, check_texts, normalize, to_simplified

__all__ = [
    "Tokenizer", "tokenize", "cut", "lcut", "default_tokenizer", "load_stopwords", "is_number_token", "is_word_token",
    "is_zone_name", "require_backend",
]

# Units that stay attached to the number before them, longest first so that
# 亿美元 wins over 亿 and 平方公里 over 公里.
_UNITS = sorted(
    """亿美元 万美元 亿欧元 亿港元 亿元 万元 千元 元 亿 万 千 百 平方公里 万平方米 平方米 公里 千米 米 公顷 万亩 亩
    万吨 吨 万千瓦 千瓦 兆瓦 吉瓦 瓦 % ‰ 个百分点 百分点 倍 个 家 批次 批 名 人次 万人 人 项 套 台 辆 架 件 条 所 位 支
    场次 场 次 期 届 户 栋 座 款 种 类 强 余 岁 小时 天 周 季度 个月 月份 年 月 日""".split(),
    key=len,
    reverse=True,
)
_NUMBER = r"\d+(?:[.,]\d+)*"
# A date (2024年3月29日, 3月29日, 2024年), a range (1-3月), or a number with
# an optional 余/多 and unit (39亿元, 446.83亿元, 300余家, 3.3%) is one token.
# Every branch starts with the one digit written first, outside them: a pattern that
# begins with a character class lets the regex engine skip to the next digit in C.
_NUMBER_TOKEN = re.compile(
    rf"\d(?:\d{{3}}年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?"
    rf"|\d?月\d{{1,2}}日"
    rf"|\d*(?:[.,]\d+)*(?:[-~—至]{_NUMBER})?[余多]?(?:{'|'.join(map(re.escape, _UNITS))})?)"
)
_NUMBER_SPLIT = re.compile(rf"({_NUMBER_TOKEN.pattern})")
# the digits of a number (_NUMBER, with a leading class: see above), which the
# featurizer writes as 0 in words and characters alike
_DIGIT_RUNS = re.compile(r"\d\d*(?:[.,]\d+)*")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# jieba's tags of words that are never the place in a zone's name: verbs, idioms, adjectives,
# pronouns, prepositions, adverbs, conjunctions, particles, times, numerals, measure words,
# distinguishing words (国家级, 省级)
_NOT_PLACE_TAGS = ("v", "i", "a", "r", "p", "d", "c", "u", "t", "m", "q", "b")
_DEMONSTRATIVES = frozenset("这那该此每各")
_PUNCT = re.compile(r"^[\W_]+$")

# Words naming the kind of zone: a place name before one of them is part of the
# zone's name (湘潭 + 高新区 -> 湘潭高新区).
ZONE_SUFFIXES = frozenset(
    """高新区 经开区 开发区 高新技术产业开发区 经济技术开发区 经济开发区 新区 自贸区 综保区 综合保税区 示范区
    试验区 产业园 产业园区 工业园 工业园区 科技园 科学城 保税区 新城 国家高新区 国家级高新区 国家级经开区 国家级新区""".split()
)
_ZONE_SUFFIX_TUPLE = tuple(ZONE_SUFFIXES)


def is_zone_name(token: str) -> bool:
    """True for a zone's name (湘潭高新区), not for a bare zone word (高新区)."""
    return token.endswith(_ZONE_SUFFIX_TUPLE) and token not in ZONE_SUFFIXES


def _resource_text(name: str) -> str:
    return resources.files("zonenlp.resources").joinpath(name).read_text(encoding="utf-8")


def _word_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def _word_set(name: str) -> frozenset[str]:
    return frozenset(_word_lines(_resource_text(name)))


@lru_cache(maxsize=1)  # called once a token by keyword extraction: its own cache skips the name lookup
def load_stopwords() -> frozenset[str]:
    """The shipped Chinese stop-word list (function words and empty news verbs)."""
    return _word_set("stopwords.txt")


def _read_user_dict(user_dict: str | Path | None) -> list[tuple[str, str | None]]:
    if user_dict is None:
        text = _resource_text("userdict.txt")
    else:
        try:
            text = Path(user_dict).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"cannot read user dictionary {user_dict}: {exc}") from exc
    entries = []
    for line in _word_lines(text):
        parts = line.split()
        entries.append((parts[0], parts[-1] if len(parts) > 1 and parts[-1].isalpha() and parts[-1].isascii() else None))
    return entries


_engine_lock = threading.Lock()


@lru_cache(maxsize=8)
def _build_engine(user_dict: str | None, extra_words: tuple[str, ...], engine: str) -> tuple[Cut, frozenset[str]]:
    """The cut function of an ``engine`` with the domain dictionary loaded, and the domain words;
    cached, so that Tokenizers with the same settings share one engine (and jieba's 20 MB dictionary)."""
    entries = _read_user_dict(user_dict) + [(w, None) for w in extra_words]
    with _engine_lock:
        return new_engine(engine, entries), frozenset(w for w, _ in entries)


def _indices(tokens: list[str], token: str) -> Iterable[int]:
    """Every position of ``token`` in ``tokens``."""
    position = -1
    try:
        while True:
            position = tokens.index(token, position + 1)
            yield position
    except ValueError:
        return


def is_word_token(token: str) -> bool:
    """True unless ``token`` is punctuation or symbols only (no letter, digit or ideograph)."""
    # most tokens are words: isalnum (in C) says so before the pattern is needed
    return token.isalnum() or not _PUNCT.match(token)


def is_number_token(token: str) -> bool:
    """True for tokens such as ``39亿元``, ``3.3%``, ``2024年`` or ``27批次``."""
    return token[:1].isdigit() and _NUMBER_TOKEN.fullmatch(token) is not None


class Tokenizer:
    """Chinese word segmentation tuned for development-zone news.

    Parameters
    ----------
    user_dict:
        Path to a dictionary file (one ``term [POS]`` per line, ``#`` comments).
        ``None`` uses the shipped domain dictionary.
    extra_words:
        More terms to keep whole, added after ``user_dict``.
    hmm:
        Let jieba's HMM find words missing from the dictionaries (names).
    keep_punctuation:
        Keep punctuation tokens (dropped by default; whitespace is always dropped).
    max_chars:
        The longest text accepted (:data:`zonenlp.text.DEFAULT_MAX_CHARS` by
        default); a longer one raises :class:`~zonenlp.errors.InputValueError`.
        ``None`` removes the limit.
    backend:
        The engine, with jieba's dictionary and algorithm either way: ``"rjieba"``
        (in Rust, several times as fast), ``"jieba"``, or ``"auto"`` (default):
        rjieba where it is installed, else jieba. They agree on all but a few
        tokens in 100,000. :attr:`resolved_backend` says which one segments.

    Tokens come out normalized (:func:`zonenlp.text.normalize`) and Simplified
    (:func:`zonenlp.text.to_simplified`); numbers keep their unit (``39亿元``,
    ``3.3%``); a place name followed by a zone word is one token (``湘潭高新区``).
    The engine is built on first use; a pickled Tokenizer carries its settings only.
    """

    def __init__(
        self,
        user_dict: str | Path | None = None,
        extra_words: Iterable[str] = (),
        hmm: bool = True,
        keep_punctuation: bool = False,
        max_chars: int | None = DEFAULT_MAX_CHARS,
        backend: str = "auto",
    ) -> None:
        self.user_dict = user_dict
        self.extra_words = extra_words
        self.hmm = hmm
        self.keep_punctuation = keep_punctuation
        self.max_chars = max_chars
        self.backend = backend
        self._segmenter: Cut | None = None
        self._domain_words: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    # -- pickling: settings only, the engine is built again on demand --------
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__, extra_words=tuple(self.extra_words))
        state.update(_segmenter=None, _domain_words=frozenset())
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("max_chars", DEFAULT_MAX_CHARS)  # pickled before the limit existed
        state.setdefault("backend", "jieba")  # pickled before there were backends
        state.pop("_jieba", None)  # pickled when the tokenizer kept jieba's engine
        state.update(_segmenter=None, _domain_words=frozenset())
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        """The constructor arguments, so that ``Tokenizer(**t.settings())`` makes an equal tokenizer."""
        return {
            "user_dict": self.user_dict, "extra_words": tuple(self.extra_words), "hmm": self.hmm,
            "keep_punctuation": self.keep_punctuation, "max_chars": self.max_chars, "backend": self.backend,
        }

    def __repr__(self) -> str:
        return "Tokenizer(" + ", ".join(f"{k}={v!r}" for k, v in self.settings().items()) + ")"

    @property
    def resolved_backend(self) -> str:
        """The engine that segments, ``"rjieba"`` or ``"jieba"``: :attr:`backend` with ``"auto"`` resolved.

        >>> Tokenizer(backend="jieba").resolved_backend
        'jieba'
        """
        return resolve_backend(self.backend)

    @property
    def domain_words(self) -> frozenset[str]:
        """Terms of the domain dictionary and ``extra_words`` (loads the dictionary)."""
        self._cut()
        return self._domain_words

    def _cut(self) -> Cut:
        """The engine's cut function, built on first use."""
        if self._segmenter is None:
            with self._lock:
                if self._segmenter is None:
                    engine = resolve_backend(self.backend)
                    extra = tuple(check_text(w, where="extra word") for w in self.extra_words)
                    user_dict = str(self.user_dict) if self.user_dict is not None else None
                    self._segmenter, self._domain_words = _build_engine(user_dict, extra, engine)
        return self._segmenter

    @staticmethod
    def word_frequency(word: str) -> int:
        """The count of ``word`` in jieba's dictionary file (0 if it has no such word),
        whichever the backend; the domain dictionary's words are not counted.

        >>> Tokenizer().word_frequency("招商") > Tokenizer().word_frequency("招商引资")
        True
        """
        return jieba_dictionary().counts.get(word, 0)

    def is_word(self, text: str) -> bool:
        """Whether the dictionaries (jieba's and the domain's) segment ``text`` as one word,
        without guessing unknown words by HMM; the same answer with either backend."""
        return self._cut()(text, False) == [text]

    @staticmethod
    def _is_place(token: str) -> bool:
        # a known place, or a word that is not a common word of the dictionary
        # (支持, 推动 are; 清远, 浑南 are not): the name of a place before a zone word
        # cities.txt: the prefecture-level cities, places even where jieba tags them otherwise (嘉兴 nr, 合肥 n)
        if token in _word_set("places.txt") or token in _word_set("cities.txt"):
            return True
        return (
            2 <= len(token) <= 4
            and _CJK.match(token) is not None
            and token not in load_stopwords()
            and token not in _word_set("common_words.txt")
            # nor a word jieba's dictionary knows as a verb, time or other word no place name is
            # (得益于 v, 今年以来 i, 国家级 b), nor one opening with a demonstrative (这是, 这片)
            and not jieba_dictionary().tags.get(token, "x").startswith(_NOT_PLACE_TAGS)
            and token[0] not in _DEMONSTRATIVES
        )

    def _merge_zone_names(self, tokens: list[str]) -> list[str]:
        """Join up to two place tokens before a zone word to it: 武汉 + 东湖 + 高新区 -> 武汉东湖高新区.
        Only the zone words are visited (found with list.index, in C); the runs between them are copied whole."""
        positions = sorted(
            index for suffix in ZONE_SUFFIXES.intersection(tokens) for index in _indices(tokens, suffix)
        )
        if not positions:
            return tokens
        out: list[str] = []
        copied = 0
        for position in positions:
            out += tokens[copied:position]
            token = tokens[position]
            start = len(out)
            while start > 0 and len(out) - start < 2 and self._is_place(out[start - 1]):
                start -= 1
            if start < len(out):
                token = "".join(out[start:]) + token
                del out[start:]
            out.append(token)
            copied = position + 1
        out += tokens[copied:]
        return out

    def segment(self, text: str) -> list[str]:
        """Segment one text into words, punctuation tokens included (they end phrases), whitespace never."""
        return self._segment_simplified(to_simplified(normalize(text, max_chars=self.max_chars)))

    def _segment_simplified(self, text: str, number_placeholder: bool = False) -> list[str]:
        """:meth:`segment` for a text already normalized and read as Simplified;
        ``number_placeholder`` writes the digits of number tokens as ``0``
        (``39亿元`` -> ``0亿元``), as the featurizer wants them."""
        cut = self._cut()
        hmm = self.hmm
        tokens: list[str] = []
        # split() with a capturing group: the text between numbers at even
        # places (maybe empty), the numbers at odd places
        for index, piece in enumerate(_NUMBER_SPLIT.split(text)):
            if index % 2:
                tokens.append(_DIGIT_RUNS.sub("0", piece) if number_placeholder else piece)
            elif piece:
                tokens += cut(piece, hmm)
        # normalize() has made every run of white space one " ", so " " is the
        # only white-space token; most texts have none, and a C-level search says so
        if " " in tokens:
            tokens = [t for t in tokens if t != " "]
        return self._merge_zone_names(tokens)

    def tokenize(self, text: str) -> list[str]:
        """Segment one text into words (punctuation dropped unless ``keep_punctuation``).

        >>> Tokenizer().tokenize("湘潭高新区新签约亿元以上项目10个，总投资额39亿元")
        ['湘潭高新区', '新', '签约', '亿元', '以上', '项目', '10个', '总投资额', '39亿元']
        """
        tokens = self.segment(text)
        return tokens if self.keep_punctuation else [t for t in tokens if is_word_token(t)]

    __call__ = tokenize
    #: jieba's name for :meth:`tokenize`.
    lcut = tokenize

    def cut(self, text: str) -> Iterator[str]:
        """The tokens of :meth:`tokenize`, as an iterator: jieba's ``cut``, with zonenlp's tokens.

        >>> " / ".join(Tokenizer().cut("湘潭高新区引进双创人才"))
        '湘潭高新区 / 引进 / 双创人才'
        """
        return iter(self.tokenize(text))

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        """Tokenize each text; raise :class:`InputTypeError` naming the first non-str item."""
        return [self.tokenize(text) for text in check_texts(texts)]


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The shared default :class:`Tokenizer` (built once, on first use)."""
    return Tokenizer()


def tokenize(text: str) -> list[str]:
    """Segment ``text`` into words with the default :class:`Tokenizer`.

    >>> tokenize("湘潭高新区打好招商引资主动仗")
    ['湘潭高新区', '打', '好', '招商引资', '主动仗']
    """
    return default_tokenizer().tokenize(text)


def cut(text: str) -> Iterator[str]:
    """The words of ``text`` as an iterator, with the default :class:`Tokenizer`: ``jieba.cut``'s habit.

    >>> list(cut("湘潭高新区打好招商引资主动仗"))
    ['湘潭高新区', '打', '好', '招商引资', '主动仗']
    """
    return default_tokenizer().cut(text)


#: ``jieba.lcut``'s name for :func:`tokenize`.
lcut = tokenize
