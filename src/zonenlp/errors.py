"""Exceptions and warnings raised by zonenlp.

Every error zonenlp raises on purpose derives from :class:`ZonenlpError`, and
also from the built-in class a Python user would expect (``TypeError``,
``ValueError``, ``OSError`` …), so that ``except ValueError`` keeps working.
"""

from __future__ import annotations


class ZonenlpError(Exception):
    """Base class of every error raised by zonenlp."""


class InputTypeError(ZonenlpError, TypeError):
    """An input is not of a type zonenlp accepts (e.g. ``None`` in a list of texts)."""


class InputValueError(ZonenlpError, ValueError):
    """An input has the right type but a value zonenlp cannot use (e.g. too long)."""


class NotFittedError(ZonenlpError, ValueError, AttributeError):
    """A model or featurizer was used before ``fit``; an ``AttributeError`` too, as
    scikit-learn's is, so that ``hasattr(featurizer, "tokenizer_")`` is False before fit."""


class TrainingDataError(ZonenlpError, ValueError):
    """Training data cannot produce a model (e.g. a label with no positive example)."""


class ModelFileError(ZonenlpError, OSError):
    """A model file is missing, unreadable, truncated or of an unknown format."""


class ModelIntegrityError(ModelFileError):
    """A model file does not match the sha256 recorded in its manifest."""


class ZonenlpVersionWarning(UserWarning):
    """A model was saved with other versions of zonenlp, scikit-learn or jieba."""


class MissingDependencyError(ZonenlpError, ImportError):
    """An optional dependency of the feature used is not installed (e.g. Dask for ``zonenlp.dask``)."""


class FetchError(ZonenlpError, OSError):
    """A URL could not be read: its HTTP status, a timeout, a refused connection, a body over
    the size limit, or a content type that is not a web page."""


class OutputPathError(ZonenlpError, ValueError):
    """An output path would destroy data: it is an input file, or an existing output not meant to be replaced."""
