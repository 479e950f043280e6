"""Word segmentation with jieba and zonenlp's domain dictionary.

:class:`Tokenizer` owns a private ``jieba.Tokenizer`` and never touches jieba's
module-level one, so using zonenlp does not change how ``jieba.lcut`` behaves
for the rest of a program. The jieba dictionary is loaded on first use, not at
construction or import time.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputValueError, ModelFileError, ZonenlpError
from .text import DEFAULT_MAX_CHARS, check_text, check_texts, normalize, to_simplified

__all__ = ["Tokenizer", "tokenize", "default_tokenizer", "load_stopwords", "is_number_token", "is_word_token", "is_zone_name"]

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
#
# Every branch starts with the one digit written first, outside them: a
# pattern that begins with a character class lets Python's regex engine skip
# to the next digit in C, where an alternation is tried at every position.
_NUMBER_TOKEN = re.compile(
    rf"\d(?:\d{{3}}年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?"
    rf"|\d?月\d{{1,2}}日"
    rf"|\d*(?:[.,]\d+)*(?:[-~—至]{_NUMBER})?[余多]?(?:{'|'.join(map(re.escape, _UNITS))})?)"
)
_IS_NUMBER_TOKEN = re.compile(rf"(?:{_NUMBER_TOKEN.pattern})")
_NUMBER_SPLIT = re.compile(rf"({_NUMBER_TOKEN.pattern})")
# the digits of a number (_NUMBER, with a leading class: see above), which the
# featurizer writes as 0 in words and characters alike
_DIGIT_RUNS = re.compile(r"\d\d*(?:[.,]\d+)*")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_PUNCT = re.compile(r"^[\W_]+$")

# Words naming the kind of zone: a place name before one of them is part of the
# zone's name (湘潭 + 高新区 -> 湘潭高新区).
ZONE_SUFFIXES = frozenset(
    """高新区 经开区 开发区 高新技术产业开发区 经济技术开发区 经济开发区 新区 自贸区 综保区 综合保税区 示范区
    试验区 产业园 产业园区 工业园 工业园区 科技园 科学城 保税区 新城""".split()
)
_ZONE_SUFFIX_TUPLE = tuple(ZONE_SUFFIXES)


def is_zone_name(token: str) -> bool:
    """True for a zone's name (湘潭高新区), not for a bare zone word (高新区)."""
    return token.endswith(_ZONE_SUFFIX_TUPLE) and token not in ZONE_SUFFIXES


#: The tokenizer backends: jieba (always installed) and rjieba (jieba's algorithm
#: in Rust, ``pip install 'zonenlp[fast]'``), both with zonenlp's dictionary.
BACKENDS = ("jieba", "rjieba")


def _resource_text(name: str) -> str:
    return resources.files("zonenlp.resources").joinpath(name).read_text(encoding="utf-8")


def _word_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The shipped Chinese stop-word list (function words and empty news verbs)."""
    return frozenset(_word_lines(_resource_text("stopwords.txt")))


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(_word_lines(_resource_text("places.txt")))


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(_word_lines(_resource_text("common_words.txt")))


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
_log = logging.getLogger(__name__)


class _ToZonenlpLog(logging.Filter):
    """Takes jieba's log records made by one thread and logs them on zonenlp's logger instead.

    jieba announces every dictionary it builds on stderr through its own
    logger ("Building prefix dict …"); a library call must not print, and a
    user's settings for jieba's logger are theirs. So only the records our
    own engine's start-up makes, in the thread that starts it, are taken:
    another thread's use of jieba logs as the user set it up.
    """

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True
        _log.debug("jieba: %s", record.getMessage())
        return False


@contextmanager
def _jieba_log_routed() -> Iterator[None]:
    import jieba

    route = _ToZonenlpLog()
    jieba.default_logger.addFilter(route)
    try:
        yield
    finally:
        jieba.default_logger.removeFilter(route)


_FAST_EXTRA = "the rjieba backend needs the fast extra: pip install 'zonenlp[fast]'"


def require_backend(backend: str) -> None:
    """Fail now, with a clear error, if ``backend`` is unknown or not installed;
    without building its dictionary (which happens on first segmentation)."""
    if backend not in BACKENDS:
        raise InputValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "rjieba" and importlib.util.find_spec("rjieba") is None:
        raise ZonenlpError(_FAST_EXTRA)


@lru_cache(maxsize=8)
def _build_engine(user_dict: str | None, extra_words: tuple[str, ...], backend: str = "jieba") -> tuple[Any, frozenset[str]]:
    """A segmenter with the domain dictionary loaded, and the domain words.

    Cached per dictionary and backend, so Tokenizers with the same settings
    (the default one, the one inside a loaded model) share one engine instead
    of each loading jieba's 20 MB dictionary again. jieba's own module-level
    tokenizer is never used or changed.
    """
    entries = _read_user_dict(user_dict) + [(w, None) for w in extra_words]
    domain = frozenset(w for w, _ in entries)
    with _engine_lock:
        if backend == "rjieba":
            try:
                import rjieba
            except ImportError:
                raise ZonenlpError(_FAST_EXTRA) from None
            fast = rjieba.Jieba()
            for word, tag in entries:
                fast.add_word(word, None, tag)
            return _RjiebaSegmenter(fast), domain
        import jieba  # deferred: importing jieba costs time a user may not need

        engine = jieba.Tokenizer()
        with _jieba_log_routed():
            engine.initialize()
        for word, tag in entries:
            engine.add_word(word, tag=tag)
        return _Segmenter(engine), domain


class _RjiebaSegmenter:
    """rjieba's cut (jieba's algorithm in Rust) with zonenlp's dictionary."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        return self._engine.cut(text, hmm)

    def word_frequency(self, word: str) -> int:
        return 0  # rjieba does not expose its dictionary's counts


_MIN_FLOAT = -3.14e100  # jieba.finalseg.MIN_FLOAT
_NOT_A_PREFIX = object()
_PREVIOUS_STATES = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}  # jieba.finalseg.PrevStatus
# jieba's own block patterns (jieba.re_han_default, jieba.re_skip_default)
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_RE_SKIP = re.compile("(\r\n|\\s)")
_ENGLISH = re.compile("[a-zA-Z0-9]")  # jieba.re_eng


class _Segmenter:
    """jieba's default cut (dictionary DAG, best route, HMM for unknown words),
    re-implemented with the same arithmetic and tie-breaking, so its output is
    token for token that of ``jieba.Tokenizer.cut(text, HMM=True)`` (a test
    checks this on the whole corpus) — but without jieba's per-character
    dictionaries and generators, and with one dictionary lookup per fragment:
    about 1.5 times as fast, and segmentation is most of zonenlp's run time.
    """

    def __init__(self, engine: Any) -> None:
        from jieba import finalseg

        self._log_total = log_total = math.log(engine.total)
        # every dictionary entry's log-probability (None for prefixes that are no
        # word), computed once as jieba computes it, so the route needs one lookup
        # per fragment. It is all of jieba's dictionary that segmentation needs.
        # The engine is private and dropped after this, so its table becomes the
        # log-probabilities in place: the 350,000 entries are never held twice.
        # Words with the same count share one float object (there are about
        # 5,000 distinct counts), which saves 8 MB over a float per word.
        log_prob = engine.FREQ
        shared: dict[int, float | None] = {0: None}
        for word, count in log_prob.items():  # values change, keys do not: safe while iterating
            value = shared.get(count)
            if value is None and count:
                value = shared[count] = math.log(count) - log_total
            log_prob[word] = value
        self._log_prob: dict[str, float | None] = log_prob
        self._finalseg = finalseg
        # the HMM's tables, as flat lists indexed B=0, E=1, M=2, S=3 (alphabetical,
        # the order in which jieba's max() over (probability, state) breaks ties)
        order = "BEMS"
        self._start = [finalseg.start_P[y] for y in order]
        self._emit = [finalseg.emit_P[y] for y in order]
        # for each state: its possible previous states and the transition log-probabilities
        self._previous = [
            [(order.index(y0), finalseg.trans_P[y0].get(y, _MIN_FLOAT)) for y0 in _PREVIOUS_STATES[y]]
            for y in order
        ]

    def _viterbi(self, sentence: str) -> list[int]:
        """jieba.finalseg.viterbi with back-pointers instead of copied paths (same choices)."""
        emit = self._emit
        scores = [self._start[y] + emit[y].get(sentence[0], _MIN_FLOAT) for y in range(4)]
        back: list[list[int]] = []
        previous = self._previous
        for ch in sentence[1:]:
            new_scores = [0.0] * 4
            pointers = [0] * 4
            for y in range(4):
                em = emit[y].get(ch, _MIN_FLOAT)
                (a, trans_a), (b, trans_b) = previous[y]  # every state has two possible predecessors
                score_a = scores[a] + trans_a + em
                score_b = scores[b] + trans_b + em
                # max((score_a, a), (score_b, b)), as jieba compares them
                if score_a > score_b or (score_a == score_b and a > b):
                    new_scores[y], pointers[y] = score_a, a
                else:
                    new_scores[y], pointers[y] = score_b, b
            scores = new_scores
            back.append(pointers)
        state = max((scores[1], 1), (scores[3], 3))[1]  # the last character ends a word: E or S
        path = [state]
        for pointers in reversed(back):
            state = pointers[state]
            path.append(state)
        path.reverse()
        return path

    def _hmm_words(self, sentence: str, out: list[str]) -> None:
        """jieba.finalseg.__cut: words from the B/M/E/S states of each character."""
        path = self._viterbi(sentence)
        force_split = self._finalseg.Force_Split_Words
        begin = next_start = 0
        for i, state in enumerate(path):
            if state == 0:  # B
                begin = i
            elif state == 1:  # E
                word = sentence[begin : i + 1]
                out.extend(word) if word in force_split else out.append(word)
                next_start = i + 1
            elif state == 3:  # S
                out.append(sentence[i])
                next_start = i + 1
        if next_start < len(sentence):
            word = sentence[next_start:]
            out.extend(word) if word in force_split else out.append(word)

    def _hmm_cut(self, text: str, out: list[str]) -> None:
        """jieba.finalseg.cut: the HMM on runs of Chinese characters, other runs split as jieba does."""
        finalseg = self._finalseg
        for index, block in enumerate(finalseg.re_han.split(text)):  # odd places are matches, as in cut()
            if index % 2:
                self._hmm_words(block, out)
            else:
                out.extend(x for x in finalseg.re_skip.split(block) if x)

    def _route(self, sentence: str) -> list[int]:
        """For each position, where the best word starting there ends (exclusive).

        jieba's get_DAG and calc in one pass: a word's score is its
        log-probability plus the best score after it; on a tie the longer word
        wins, as in jieba's ``max`` over ``(score, end)`` tuples.
        """
        log_prob_get = self._log_prob.get
        log_total = self._log_total
        n = len(sentence)
        best = [0.0] * (n + 1)
        ends = [0] * (n + 1)
        no_word = -math.inf
        for k in range(n - 1, -1, -1):
            top_score = no_word
            top_end = k
            i = k
            while i < n:
                value = log_prob_get(sentence[k : i + 1], _NOT_A_PREFIX)
                if value is _NOT_A_PREFIX:  # no dictionary word starts with this fragment
                    break
                if value is not None:
                    score = value + best[i + 1]
                    if score >= top_score:
                        top_score, top_end = score, i
                i += 1
            if top_score == no_word:  # no dictionary word here: the character alone, frequency 1 (log 1 = 0)
                top_score = -log_total + best[k + 1]
            best[k] = top_score
            ends[k] = top_end + 1
        return ends

    def _flush(self, buf: str, out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif self._log_prob.get(buf) is None:  # not a word of the dictionary
            self._hmm_cut(buf, out)
        else:
            out.extend(buf)

    def _cut_block(self, sentence: str, out: list[str]) -> None:
        ends = self._route(sentence)
        x, n, buf = 0, len(sentence), ""
        while x < n:
            y = ends[x]
            if y - x == 1:
                buf += sentence[x]
            else:
                if buf:
                    self._flush(buf, out)
                    buf = ""
                out.append(sentence[x:y])
            x = y
        if buf:
            self._flush(buf, out)

    def _cut_block_without_hmm(self, sentence: str, out: list[str]) -> None:
        """jieba's __cut_DAG_NO_HMM: the best route; single letters and digits run together."""
        ends = self._route(sentence)
        x, n, buf = 0, len(sentence), ""
        while x < n:
            y = ends[x]
            if y - x == 1 and _ENGLISH.match(sentence[x]):
                buf += sentence[x]
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(sentence[x:y])
            x = y
        if buf:
            out.append(buf)

    def word_frequency(self, word: str) -> int:
        """The count of ``word`` in jieba's dictionary (0 if it is no word of it)."""
        log_prob = self._log_prob.get(word)
        return 0 if log_prob is None else round(math.exp(log_prob + self._log_total))

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """``jieba.Tokenizer.cut(text, HMM=hmm)``, token for token."""
        cut_block = self._cut_block if hmm else self._cut_block_without_hmm
        # split() with a capturing group alternates text between matches (even
        # places) and matches (odd places): the place says what jieba's
        # re.match on each block would
        out: list[str] = []
        for index, block in enumerate(_RE_HAN.split(text)):
            if index % 2:
                cut_block(block, out)
            elif block:
                for place, piece in enumerate(_RE_SKIP.split(block)):
                    if place % 2:
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out


def _indices(tokens: list[str], token: str) -> Iterable[int]:
    """Every position of ``token`` in ``tokens``."""
    position = -1
    try:
        while True:
            position = tokens.index(token, position + 1)
            yield position
    except ValueError:
        return


def _without_spaces(tokens: list[str]) -> list[str]:
    # normalize() has made every run of white space one " ", so " " is the
    # only white-space token; most texts have none, and a C-level search says so
    return [t for t in tokens if t != " "] if " " in tokens else tokens


def is_word_token(token: str) -> bool:
    """True unless ``token`` is punctuation or symbols only (no letter, digit or ideograph)."""
    # most tokens are words: isalnum (in C) says so before the pattern is needed
    return token.isalnum() or not _PUNCT.match(token)


def is_number_token(token: str) -> bool:
    """True for tokens such as ``39亿元``, ``3.3%``, ``2024年`` or ``27批次``."""
    return token[:1].isdigit() and _IS_NUMBER_TOKEN.fullmatch(token) is not None


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
        ``"jieba"`` (default; zonenlp's re-implementation of jieba's cut, with
        the same output) or ``"rjieba"`` (jieba's algorithm in Rust, about 8
        times faster again, near-identical output; needs ``zonenlp[fast]``).

    Tokens come out normalized (see :func:`zonenlp.text.normalize`) and in
    Simplified characters (:func:`zonenlp.text.to_simplified`); numbers keep
    their unit (``39亿元``, ``3.3%``, ``27批次``); a place name followed by a zone
    word is one token (``湘潭高新区``).

    The jieba dictionary is built on the first call to :meth:`tokenize`, not
    when the object is made; a pickled Tokenizer carries its settings only and
    rebuilds its jieba instance lazily after unpickling.
    """

    def __init__(
        self,
        user_dict: str | Path | None = None,
        extra_words: Iterable[str] = (),
        hmm: bool = True,
        keep_punctuation: bool = False,
        max_chars: int | None = DEFAULT_MAX_CHARS,
        backend: str = "jieba",
    ) -> None:
        self.user_dict = user_dict
        self.extra_words = extra_words
        self.hmm = hmm
        self.keep_punctuation = keep_punctuation
        self.max_chars = max_chars
        self.backend = backend
        self._segmenter: Any = None
        self._domain_words: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    # -- pickling: settings only, the jieba instance is rebuilt on demand ----
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["extra_words"] = tuple(self.extra_words)
        state["_segmenter"] = None
        state["_domain_words"] = frozenset()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("max_chars", DEFAULT_MAX_CHARS)  # pickled before the limit existed
        state.setdefault("backend", "jieba")  # pickled before there were backends
        state.pop("_jieba", None)  # pickled when the tokenizer kept jieba's engine
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
    def stopwords(self) -> frozenset[str]:
        """The shipped stop-word list."""
        return load_stopwords()

    @property
    def domain_words(self) -> frozenset[str]:
        """Terms of the domain dictionary and ``extra_words`` (loads the dictionary)."""
        self._engine()
        return self._domain_words

    def _engine(self) -> Any:
        """The segmenter, built on first use."""
        if self._segmenter is None:
            with self._lock:
                if self._segmenter is None:
                    require_backend(self.backend)
                    extra = tuple(check_text(w, where="extra word") for w in self.extra_words)
                    user_dict = str(self.user_dict) if self.user_dict is not None else None
                    self._segmenter, self._domain_words = _build_engine(user_dict, extra, self.backend)
        return self._segmenter

    def word_frequency(self, word: str) -> int:
        """How often jieba's dictionary has seen ``word`` (0 if never); 0 with the rjieba backend."""
        return self._engine().word_frequency(word)

    def is_word(self, text: str) -> bool:
        """Whether the dictionaries (jieba's and the domain's) segment ``text`` as one word,
        without guessing unknown words by HMM; the same answer with either backend."""
        return self._engine().cut(text, False) == [text]

    @staticmethod
    def _is_place(token: str) -> bool:
        # a known place, or a word that is not a common word of the dictionary
        # (支持, 推动 are; 清远, 浑南 are not): the name of a place before a zone word
        if token in _places():
            return True
        return (
            2 <= len(token) <= 4
            and _CJK.match(token) is not None
            and token not in load_stopwords()
            and token not in _common_words()
        )

    def _merge_zone_names(self, tokens: list[str]) -> list[str]:
        """Join up to two place tokens before a zone word to it: 武汉 + 东湖 + 高新区 -> 武汉东湖高新区.

        ``tokens`` hold no whitespace. Only the zone words are visited (found
        with list.index, in C); the runs between them are copied whole.
        """
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
        """Segment one text into words, punctuation tokens included (whitespace never).

        Phrase building needs the punctuation to know where runs of words end.
        """
        return self._segment_normalized(normalize(text, max_chars=self.max_chars))

    def _segment_normalized(self, text: str) -> list[str]:
        """:meth:`segment` for a text that :func:`normalize` has already cleaned."""
        return self._segment_simplified(to_simplified(text))

    def _segment_simplified(self, text: str, number_placeholder: bool = False) -> list[str]:
        """:meth:`segment` for a text already normalized and read as Simplified;
        ``number_placeholder`` writes the digits of number tokens as ``0``
        (``39亿元`` -> ``0亿元``), as the featurizer wants them."""
        return self._merge_zone_names(_without_spaces(self._cut_with_numbers(text, number_placeholder)))

    def _cut_with_numbers(self, text: str, number_placeholder: bool = False) -> list[str]:
        """The segmenter's tokens, whitespace included, with each number (and its
        unit) one token; ``number_placeholder`` writes its digits as ``0``."""
        cut = self._engine().cut
        hmm = self.hmm
        tokens: list[str] = []
        # split() with a capturing group: the text between numbers at even
        # places (maybe empty), the numbers at odd places
        for index, piece in enumerate(_NUMBER_SPLIT.split(text)):
            if index % 2:
                tokens.append(_DIGIT_RUNS.sub("0", piece) if number_placeholder else piece)
            elif piece:
                tokens += cut(piece, hmm)
        return tokens

    def tokenize(self, text: str) -> list[str]:
        """Segment one text into words (punctuation dropped unless ``keep_punctuation``).

        >>> Tokenizer().tokenize("湘潭高新区新签约亿元以上项目10个，总投资额39亿元")
        ['湘潭高新区', '新', '签约', '亿元', '以上', '项目', '10个', '总投资额', '39亿元']
        """
        return self._tokenize_simplified(to_simplified(normalize(text, max_chars=self.max_chars)))

    def _tokenize_simplified(self, text: str) -> list[str]:
        """:meth:`tokenize` for a text already normalized and read as Simplified."""
        tokens = self._segment_simplified(text)
        return tokens if self.keep_punctuation else [t for t in tokens if is_word_token(t)]

    __call__ = tokenize

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
