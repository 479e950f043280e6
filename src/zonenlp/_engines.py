"""The segmentation engines behind :class:`~zonenlp.tokenizer.Tokenizer`, and jieba's dictionary file.

Both engines run jieba's algorithm with zonenlp's domain dictionary added:
rjieba (in Rust; a dependency of zonenlp wherever it has a wheel) and jieba
itself. Each engine zonenlp builds is its own: jieba's module-level tokenizer
is never used or changed. rjieba does not expose jieba's word counts and tags,
so both are read from jieba's ``dict.txt``, the same whichever engine segments.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import InputValueError, MissingDependencyError

__all__ = ["BACKENDS", "Cut", "JiebaDictionary", "jieba_dictionary", "jieba_file", "new_engine", "require_backend", "resolve_backend"]

#: The values of ``Tokenizer(backend=...)``.
BACKENDS = ("auto", "rjieba", "jieba")

#: An engine's cut: ``cut(text, hmm)`` -> the tokens of ``text``, whitespace included.
Cut = Callable[[str, bool], list[str]]

_NO_RJIEBA = (
    "the rjieba backend needs rjieba, which zonenlp installs where rjieba has a wheel (CPython on x86-64 and ARM64); "
    "elsewhere pip install 'zonenlp[fast]' builds it (a Rust compiler is needed), or use backend='jieba'"
)
_log = logging.getLogger(__name__)


def _rjieba_installed() -> bool:
    return importlib.util.find_spec("rjieba") is not None


def require_backend(backend: str) -> None:
    """Fail now, with a clear error, if ``backend`` is unknown or not installed,
    without building its dictionary (which happens on first segmentation)."""
    if backend not in BACKENDS:
        raise InputValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "rjieba" and not _rjieba_installed():
        raise MissingDependencyError(_NO_RJIEBA)


def resolve_backend(backend: str) -> str:
    """The engine ``backend`` names: ``"auto"`` is rjieba when it is installed, else jieba.

    >>> resolve_backend("jieba")
    'jieba'
    """
    require_backend(backend)
    if backend == "auto":
        return "rjieba" if _rjieba_installed() else "jieba"
    return backend


class _ToZonenlpLog(logging.Filter):
    """Takes jieba's log records made by one thread and logs them on zonenlp's logger instead.

    jieba announces every dictionary it builds on stderr ("Building prefix dict
    …"); a library call must not print, but a user's settings for jieba's logger
    are theirs: so only the records of our engine's start-up, in its thread, are taken.
    """

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True
        _log.debug("jieba: %s", record.getMessage())
        return False


def new_engine(engine: str, entries: list[tuple[str, str | None]]) -> Cut:
    """A new ``"rjieba"`` or ``"jieba"`` engine with ``entries`` (word, part-of-speech tag
    or None) added to jieba's dictionary; its cut function."""
    if engine == "rjieba":
        try:
            import rjieba
        except ImportError:
            raise MissingDependencyError(_NO_RJIEBA) from None
        fast = rjieba.Jieba()
        for word, tag in entries:
            fast.add_word(word, None, tag)
        return fast.cut
    import jieba  # deferred: importing jieba costs time a user may not need

    slow = jieba.Tokenizer()  # private: jieba.dt, the module-level one, stays as it is
    route = _ToZonenlpLog()
    jieba.default_logger.addFilter(route)
    try:
        slow.initialize()
    finally:
        jieba.default_logger.removeFilter(route)
    for word, tag in entries:
        slow.add_word(word, tag=tag)
    return lambda text, hmm: slow.lcut(text, HMM=hmm)


def jieba_file(*parts: str) -> Path:
    """A file of jieba's package (``jieba_file("dict.txt")``), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("zonenlp needs jieba: pip install jieba")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


class JiebaDictionary(NamedTuple):
    """jieba's dictionary file: each word's count, and its part-of-speech tag."""

    counts: dict[str, int]
    tags: dict[str, str]


_dictionary_lock = threading.Lock()


@lru_cache(maxsize=1)
def _read_jieba_dictionary() -> JiebaDictionary:
    # "word count tag" per line, no spaces inside a field: one split and C-level zips
    # read the 350,000 lines in about 0.6 of the time of a loop over them
    with open(jieba_file("dict.txt"), encoding="utf-8") as fh:
        fields = fh.read().split()
    words = fields[0::3]
    # about 60 distinct tags: 350,000 words share them
    return JiebaDictionary(dict(zip(words, map(int, fields[1::3]))), dict(zip(words, map(sys.intern, fields[2::3]))))


def jieba_dictionary() -> JiebaDictionary:
    """jieba's word counts and tags, read from its ``dict.txt`` on first use, once per process."""
    with _dictionary_lock:
        return _read_jieba_dictionary()
