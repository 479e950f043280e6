"""Text cleaning, splitting a text into paragraphs, and the checks made on every input.

:func:`normalize` is applied to every paragraph before tokenization, so that the
same words look the same whatever editor or web page they came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from .errors import InputTypeError, InputValueError

__all__ = [
    "normalize", "clean", "clean_lines", "CleanText", "split_paragraphs", "check_text", "check_texts",
    "check_positive_int", "to_simplified", "DEFAULT_MAX_CHARS",
]

#: The longest text zonenlp accepts by default, in characters (about 30 pages of a
#: newspaper); functions that read text take ``max_chars`` to raise or lower it.
#: Below it, every step costs time linear in the length of the text.
DEFAULT_MAX_CHARS = 1_000_000

# Full-width forms of ASCII (U+FF01-U+FF5E) become ASCII, except the punctuation that
# Chinese typesetting writes full-width on purpose: ，：；（） in ASCII would look
# foreign to a Chinese reader, and jieba treats both forms alike.
_KEEP_FULLWIDTH = set("，！？：；（）")
_WIDTH_TABLE = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULLWIDTH
}
_WIDTH_TABLE[0x3000] = 0x20  # ideographic space

# Invisible characters that break words apart without showing: zero-width
# spaces and joiners, word joiner, BOM, soft hyphen, and bidirectional marks.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
_WIDTH_TABLE.update(dict.fromkeys(map(ord, _INVISIBLE)))

# Most text has none of the characters the table changes: finding that out with
# one character-class search is much cheaper than translating every character.
_HAS_WIDTH_FORMS = re.compile("[" + re.escape("".join(map(chr, _WIDTH_TABLE))) + "]")
_SPACES = re.compile(r"\s\s*")  # \s+, starting with a class so that the engine skips to it in C
# A space between two CJK characters is a layout artefact (justified print
# columns, copied PDFs), never a word boundary in Chinese. Matching the space
# first lets the engine jump from space to space instead of trying the look-behind everywhere.
_CJK_SPACE = re.compile(r" (?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] )(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\x0b|\x0c")


def check_text(text: object, *, where: str = "text", max_chars: int | None = DEFAULT_MAX_CHARS) -> str:
    """Return ``text`` if it is a ``str`` of at most ``max_chars`` characters (``None``: no limit);
    raise :class:`InputTypeError` for anything else, :class:`InputValueError` for a longer text."""
    if not isinstance(text, str):
        raise InputTypeError(f"{where} must be str, got {type(text).__name__}: {text!r:.60}")
    if max_chars is not None and len(text) > max_chars:
        raise InputValueError(
            f"{where} is {len(text):,} characters long, over the limit of {max_chars:,}; "
            "split it, or pass max_chars to raise the limit"
        )
    return text


def check_texts(texts: object, *, max_chars: int | None = None) -> list[str]:
    """Return ``texts`` as a list of str, or raise :class:`InputTypeError`.

    A single ``str`` is refused (it would otherwise be read as characters), and
    so is any item that is not a ``str``, with its index in the message; with
    ``max_chars``, an item longer than that raises :class:`InputValueError`.
    """
    if isinstance(texts, (str, bytes)):
        raise InputTypeError(
            f"expected a list of texts, got a single {type(texts).__name__}; wrap it in a list: [text]"
        )
    try:
        items = list(texts)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(f"expected a list of texts, got {type(texts).__name__}") from None
    for index, item in enumerate(items):
        check_text(item, where=f"texts[{index}]", max_chars=max_chars)
    return items


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` if it is an int of at least 1 (not a bool); raise :class:`InputValueError` otherwise."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputValueError(f"{name} must be a positive int, got {value!r}")
    return value


# Category Cc (controls) and Cs (lone surrogates from bad decoding) carry no
# text; newlines and tabs are whitespace and handled by the caller.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def normalize(text: str, *, max_chars: int | None = DEFAULT_MAX_CHARS) -> str:
    """Clean one paragraph for tokenization and display.

    - Unicode NFC composition (combining marks joined to their base);
    - full-width letters, digits and symbols to ASCII (``ＡＢＣ１２３`` -> ``ABC123``),
      keeping the Chinese full-width punctuation ``，！？：；（）``;
    - zero-width, bidirectional and control characters removed;
    - all whitespace collapsed to one space, spaces between Chinese characters
      removed, leading and trailing space stripped.

    >>> normalize("　湘潭高新区\u200b新签约项目１０个 ，总投资 39亿元\\n")
    '湘潭高新区新签约项目10个，总投资 39亿元'
    """
    text = check_text(text, max_chars=max_chars)
    if type(text) is CleanText:  # cleaned where it entered zonenlp: nothing left to do
        return text
    text = unicodedata.normalize("NFC", text)
    if _HAS_WIDTH_FORMS.search(text) is not None:
        text = text.translate(_WIDTH_TABLE)
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return _CJK_SPACE.sub("", text)


class CleanText(str):
    """A text that :func:`normalize` has cleaned (or lines of such, joined by
    :func:`clean_lines`), with its Simplified reading beside it.

    Text is cleaned once, where it enters zonenlp, and passed on as a
    ``CleanText``: :func:`normalize` and :func:`to_simplified`, which every
    later step starts with, return it or its :attr:`simplified` reading at
    once. It is a ``str`` in every other way.

    >>> text = clean(" 招商引資 ")
    >>> text, text.simplified, normalize(text) is text
    ('招商引資', '招商引资', True)
    """

    simplified: str

    def __new__(cls, text: str, simplified: str) -> CleanText:
        obj = super().__new__(cls, text)
        obj.simplified = simplified
        return obj

    def __reduce__(self) -> tuple[type[CleanText], tuple[str, str]]:
        return CleanText, (str(self), self.simplified)


def clean(text: str, *, max_chars: int | None = DEFAULT_MAX_CHARS) -> CleanText:
    """``text`` normalized (see :func:`normalize`), as a :class:`CleanText` carrying its Simplified reading."""
    normalized = normalize(text, max_chars=max_chars)
    return normalized if type(normalized) is CleanText else CleanText(normalized, to_simplified(normalized))


def clean_lines(lines: Iterable[str]) -> CleanText:
    """Lines cleaned one by one (see :func:`clean`) and joined by ``"\\n"``, those empty after
    cleaning left out: a headline and its paragraphs as one text whose line breaks stay, so
    that nothing read from it crosses a line (:func:`normalize` of the joined text would join
    the lines).

    >>> text = clean_lines(["標題", " ", " 正文 "])
    >>> text, text.simplified
    ('標題\\n正文', '标题\\n正文')
    """
    cleaned = [line for line in (clean(line, max_chars=None) for line in lines) if line]
    return CleanText("\n".join(cleaned), "\n".join(line.simplified for line in cleaned))


def split_paragraphs(text: str, *, max_chars: int | None = DEFAULT_MAX_CHARS) -> list[str]:
    """Split a text into normalized paragraphs, one per line that is not empty after :func:`normalize`.

    Chinese news puts one paragraph on a line; column breaks inside a
    paragraph are repaired by the page reader, not here.

    >>> split_paragraphs("第一段。\\n\\n 第二段。\\r\\n")
    ['第一段。', '第二段。']
    """
    text = check_text(text, max_chars=max_chars)
    lines = _LINE_BREAKS.sub("\n", text).split("\n")
    return [p for p in (clean(line, max_chars=None) for line in lines) if p]


@lru_cache(maxsize=1)
def _traditional_table() -> tuple[dict[int, str], re.Pattern[str]]:
    text = resources.files("zonenlp.resources").joinpath("t2s.tsv").read_text(encoding="utf-8")
    pairs = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    table = {ord(traditional): simplified for traditional, simplified in pairs}
    # most text has no Traditional character at all: finding that out with one
    # character-class search is much cheaper than translating it
    return table, re.compile("[" + re.escape("".join(t for t, _ in pairs)) + "]")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to Simplified ones, character for character.

    zonenlp's dictionary, corpus and model are Simplified, so every analysis
    reads a text through this; the text a user gets back stays as written.
    Positions in the converted text are positions in the original. The table
    (``resources/t2s.tsv``) leaves out characters whose conversion depends on
    the word (乾, 著 …) and any that occurs in zonenlp's Simplified corpus.

    >>> to_simplified("招商引資與營商環境")
    '招商引资与营商环境'
    """
    if type(text) is CleanText:
        return text.simplified
    table, any_traditional = _traditional_table()
    if any_traditional.search(check_text(text, max_chars=None)) is None:
        return text
    return text.translate(table)


def is_feature_matrix(X: object) -> bool:
    """Whether ``X`` is a feature matrix (2-D numbers, dense or sparse) rather than a list of texts."""
    import numpy as np  # here: cleaning text needs no numpy

    if isinstance(X, (str, bytes)):
        return False
    shape = getattr(X, "shape", None)
    if shape is None and hasattr(X, "__array__"):
        shape = np.asarray(X).shape
    if shape is not None:
        if len(shape) == 1 and np.asarray(X).dtype.kind in "biufc":
            raise InputValueError(
                "X is a 1-D array of numbers: give a list of texts, or a 2-D feature matrix (X.reshape(-1, 1) for one feature)"
            )
        return len(shape) == 2
    # rows of numbers as nested lists; rows of words are not texts either, and check_texts says so
    return isinstance(X, (list, tuple)) and len(X) > 0 and isinstance(X[0], (list, tuple, np.ndarray)) and not any(
        isinstance(value, str) for value in X[0][:1]
    )
