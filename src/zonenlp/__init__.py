"""zonenlp: theme tagging, keywords and tokenization for Chinese news about development zones.

>>> import zonenlp
>>> zonenlp.tokenize("湘潭高新区打好招商引资主动仗")
['湘潭高新区', '打', '好', '招商引资', '主动仗']
>>> model = zonenlp.load()
>>> model.predict(["湘潭高新区新签约亿元以上项目10个，总投资额39亿元。"])
array([[1, 0, 0, 0]])
>>> model.predict_labels(["湘潭高新区新签约亿元以上项目10个，总投资额39亿元。"])
[['investment']]

Importing zonenlp is cheap: jieba, scikit-learn and the model are loaded on
first use of the names that need them.

zonenlp prints nothing on its own: what it has to say goes to the ``logging``
logger ``"zonenlp"`` at DEBUG and INFO only (jieba's start-up messages for
zonenlp's own tokenizer included), levels that Python shows only when the
application configures logging — ``logging.basicConfig(level=logging.DEBUG)``
— so zonenlp needs no handler of its own, nor to import ``logging`` at import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    InputTypeError,
    FetchError,
    InputValueError,
    MissingDependencyError,
    ModelFileError,
    ModelIntegrityError,
    NotFittedError,
    OutputPathError,
    TrainingDataError,
    ZonenlpError,
    ZonenlpVersionWarning,
)

# module -> the public names it defines; modules are imported on first access of a name
_LAZY = {
    name: module
    for module, names in {
        "text": ("normalize", "split_paragraphs", "to_simplified"),
        "tokenizer": ("Tokenizer", "tokenize", "cut", "lcut"),
        "features": ("TfidfFeaturizer",),
        "classifier": ("ThemeClassifier",),
        "labels": ("THEMES",),
        "keyword_extraction": ("KeywordExtractor", "keywords", "corpus_keywords"),
        "persistence": ("save", "load", "read_manifest"),
        "corpus": ("read_labelled",),
        "page": ("Article", "read_page"),
        "quantities": ("figures", "Figure"),
        "analysis": ("analyze",),
        "web": ("read_html",),
        "fetch": ("read_url",),
        "pdf": ("read_pdf",),
        "archive": ("digest",),
        "investments": ("ledger",),
    }.items()
    for name in names
}

__all__ = [
    "__version__",
    *_LAZY,
    "ZonenlpError",
    "InputTypeError",
    "InputValueError",
    "FetchError",
    "MissingDependencyError",
    "ModelFileError",
    "ModelIntegrityError",
    "NotFittedError",
    "OutputPathError",
    "TrainingDataError",
    "ZonenlpVersionWarning",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'zonenlp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .classifier import ThemeClassifier
    from .labels import THEMES
    from .analysis import analyze
    from .corpus import read_labelled
    from .quantities import Figure, figures
    from .page import Article, read_page
    from .features import TfidfFeaturizer
    from .keyword_extraction import KeywordExtractor, corpus_keywords, keywords
    from .persistence import load, read_manifest, save
    from .text import normalize, split_paragraphs, to_simplified
    from .tokenizer import Tokenizer, cut, lcut, tokenize
    from .web import read_html
    from .fetch import read_url
    from .pdf import read_pdf
    from .archive import digest
    from .investments import ledger
