"""TF-IDF features over zonenlp's words and Chinese character n-grams.

:class:`TfidfFeaturizer` is a scikit-learn transformer (it fits in a ``Pipeline``, clones
and pickles). Word features carry the domain dictionary's terms; character n-grams catch
what a dictionary misses (new zone names, slogans, typos); cross-validation chooses.

Fitting uses scikit-learn's ``TfidfVectorizer`` to learn the vocabulary and
IDF weights; what is kept are plain arrays (the terms and their weights), and
transforming needs numpy alone: every n-gram of a batch becomes one integer
and is found in a numpy hash table of the vocabulary, so featurizing costs a
few array operations per batch instead of a dictionary lookup per n-gram in
Python. The result equals scikit-learn's ``TfidfVectorizer.transform`` (a test
compares them on the whole corpus).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from itertools import chain, repeat
from typing import Any, NamedTuple

import numpy as np

from ._estimator import Estimator
from ._ngram_tables import CharIds, NgramIndex, SparseRows, stacked
from .errors import InputTypeError, InputValueError, NotFittedError, TrainingDataError
from .text import check_text, check_texts, normalize, to_simplified
from .tokenizer import _DIGIT_RUNS, Tokenizer, default_tokenizer, is_word_token, load_stopwords

__all__ = ["TfidfFeaturizer"]

_DROPPED = -1  # the number of a token the word block leaves out (punctuation, stop words)
WORD_PREFIX = "w:"
CHAR_PREFIX = "c:"
LEXICON_PREFIX = "lex:"


@lru_cache(maxsize=1)
def load_theme_lexicon() -> dict[str, tuple[str, ...]]:
    """The shipped theme lexicon: for each theme, the words an analyst would list for it."""
    text = resources.files("zonenlp.resources").joinpath("theme_lexicon.tsv").read_text(encoding="utf-8")
    lexicon: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            term, theme = line.split("\t")
            lexicon.setdefault(theme, []).append(term)
    return {theme: tuple(terms) for theme, terms in lexicon.items()}


@lru_cache(maxsize=1)
def _lexicon_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # longest terms first, so 招商引资 is one hit rather than 招商 + 引资
    return tuple(
        (theme, re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True)))))
        for theme, terms in load_theme_lexicon().items()
    )


def lexicon_counts(text: str) -> tuple[int, ...]:
    """How many theme-lexicon terms ``text`` contains, for each theme of the lexicon."""
    return tuple(len(pattern.findall(text)) for _, pattern in _lexicon_patterns())


class _WordNgrams:
    """The word n-grams of a token list as strings (``"招商 引资"``), punctuation
    and ``dropped`` words left out: the analyzer scikit-learn's vectorizer fits
    with. A class, not a lambda, so it pickles."""

    def __init__(self, ngram_range: tuple[int, int], dropped: Collection[str] = ()) -> None:
        self.ngram_range = ngram_range
        self.dropped = dropped

    def __call__(self, tokens: list[str]) -> list[str]:
        tokens = [t for t in tokens if is_word_token(t) and t not in self.dropped]
        low, high = self.ngram_range
        features: list[str] = list(tokens) if low == 1 else []
        for n in range(max(low, 2), high + 1):
            features.extend(" ".join(gram) for gram in zip(*(tokens[i:] for i in range(n))))
        return features


class AnalyzedText(NamedTuple):
    """A text after tokenization: its tokens (punctuation included: it ends runs of
    words, and the word n-grams leave it out), normalized characters and lexicon counts.

    (A named tuple: one is made per text on the hot path, and a tuple is made fastest.)
    """

    words: list[str]
    chars: str
    lexicon: tuple[int, ...] = ()
    empty: bool = False  # nothing left after normalize(): blank or invisible characters only



class TfidfFeaturizer(Estimator):
    """TF-IDF over word n-grams, character n-grams, or both side by side.

    Parameters
    ----------
    tokenizer:
        The :class:`~zonenlp.tokenizer.Tokenizer`; ``None`` uses the default one.
    use_words, use_chars:
        Which feature blocks to build (at least one).
    word_ngram_range:
        ``(1, 1)`` for words, ``(1, 2)`` adds adjacent word pairs (n-grams of up to 4 words).
    char_ngram_range:
        Character n-gram lengths, e.g. ``(1, 3)`` (up to 4 characters).
    min_df, max_df, max_features, sublinear_tf:
        As in :class:`sklearn.feature_extraction.text.TfidfVectorizer`, for both blocks.
    number_placeholder:
        Replace the digits of number tokens by ``0`` (``39亿元`` -> ``0亿元``), so
        the model learns "an amount in 亿元", not one particular amount.
    remove_stopwords:
        Drop the shipped stop words from the word block.
    char_weight:
        Scale of the character block relative to the word block.
    lexicon_weight:
        Scale of the theme-lexicon block: for each theme of the shipped
        lexicon, ``log(1 + number of its terms in the text)``. ``0`` leaves the
        block out.

    After ``fit``: ``word_terms_`` and ``word_idf_`` (the word n-grams, in
    column order, and their IDF weights; ``None`` without words),
    ``char_terms_`` and ``char_idf_`` (the same for characters),
    ``n_features_out_`` and ``tokenizer_`` (the tokenizer it segments with).

    Its public methods are scikit-learn's: :meth:`fit`, :meth:`transform`
    (a float32 ``scipy.sparse.csr_matrix``), :meth:`fit_transform`,
    :meth:`get_feature_names_out`, ``get_params`` and ``set_params``. The
    underscored ``_analyze``, ``_fit_analyzed`` and ``_transform_rows`` are
    the package's own seam: :class:`~zonenlp.ThemeClassifier` tokenizes its
    training texts once and reuses them across cross-validation folds, and
    predicts from numpy rows without building a scipy matrix.

    >>> featurizer = TfidfFeaturizer(use_words=False, char_ngram_range=(1, 2), min_df=1)
    >>> X = featurizer.fit_transform(["招商引资签约项目", "人才公寓投入使用"])
    >>> X.shape, X.dtype
    ((2, 30), dtype('float32'))
    >>> featurizer.get_feature_names_out()[:4].tolist()  # c: character n-grams, w: words
    ['c:人', 'c:人才', 'c:使', 'c:使用']
    """

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        use_words: bool = True,
        use_chars: bool = True,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (1, 3),
        min_df: int | float = 2,
        max_df: int | float = 1.0,
        max_features: int | None = None,
        sublinear_tf: bool = True,
        number_placeholder: bool = True,
        remove_stopwords: bool = False,
        char_weight: float = 1.0,
        lexicon_weight: float = 0.0,
    ) -> None:
        self.tokenizer = tokenizer
        self.use_words = use_words
        self.use_chars = use_chars
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.number_placeholder = number_placeholder
        self.remove_stopwords = remove_stopwords
        self.char_weight = char_weight
        self.lexicon_weight = lexicon_weight

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import TransformerTags

        tags = super().__sklearn_tags__()
        # a list of texts, never a numeric matrix; rows of float32, as scikit-learn's TfidfVectorizer(dtype=float32)
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags = TransformerTags(preserves_dtype=["float32"])
        return tags

    # -- analysis: the expensive, fit-independent part (tokenization) -------
    def _tokenizer(self) -> Tokenizer:
        return self.tokenizer if self.tokenizer is not None else default_tokenizer()

    @property
    def tokenizer_(self) -> Tokenizer:
        """The tokenizer this fitted featurizer segments with: ``tokenizer``, or the default one."""
        self._check_fitted()
        return self._tokenizer()

    def _analyze(self, texts: Iterable[str]) -> list[AnalyzedText]:
        """Tokenize ``texts`` once; the result feeds :meth:`_fit_analyzed` and
        :meth:`_transform_rows` (cross-validation reuses it across folds)."""
        # a list's items are checked one by one below; anything else is made one (or refused) first
        texts = texts if isinstance(texts, list) else check_texts(texts)
        tokenizer = self._tokenizer()
        out = []
        for index, text in enumerate(texts):
            check_text(text, where=f"texts[{index}]", max_chars=tokenizer.max_chars)
            clean = normalize(text, max_chars=None)
            simplified = to_simplified(clean)
            words = tokenizer._segment_simplified(simplified, self.number_placeholder) if self.use_words else []
            # character n-grams always see numbers as 0 (39亿元 -> 0亿元): the same pattern as number tokens
            chars = _DIGIT_RUNS.sub("0", simplified) if self.use_chars else ""
            lexicon = lexicon_counts(simplified) if self.lexicon_weight else ()
            out.append(AnalyzedText(words, chars, lexicon, not clean))
        return out

    # -- fitting ----------------------------------------------------------------
    def _check_settings(self) -> None:
        if not (self.use_words or self.use_chars):
            raise InputValueError("TfidfFeaturizer needs use_words or use_chars")
        for name, (low, high), top in (
            ("word_ngram_range", self.word_ngram_range, 4),
            ("char_ngram_range", self.char_ngram_range, 4),
        ):
            if not 1 <= low <= high <= top:
                raise InputValueError(f"{name} must be (low, high) with 1 <= low <= high <= {top}, got {(low, high)}")

    def _vectorizer(self, **kwargs: object) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=self.sublinear_tf,
            dtype=np.float32,
            **kwargs,
        )

    @staticmethod
    def _learned(vectorizer: Any) -> tuple[np.ndarray, np.ndarray]:
        terms = vectorizer.get_feature_names_out().astype(str)
        return terms, np.asarray(vectorizer.idf_, dtype=np.float64)

    def _fit_analyzed(self, docs: Sequence[AnalyzedText]) -> TfidfFeaturizer:
        """Fit on the output of :meth:`_analyze`."""
        self._check_settings()
        if len(docs) == 0:
            raise InputTypeError("cannot fit on an empty list of texts")
        self.word_terms_ = self.word_idf_ = self.char_terms_ = self.char_idf_ = None
        try:
            if self.use_words:
                vectorizer = self._vectorizer(analyzer=_WordNgrams(self.word_ngram_range, self._dropped_words()), lowercase=False)
                self.word_terms_, self.word_idf_ = self._learned(vectorizer.fit([d.words for d in docs]))
            if self.use_chars:
                vectorizer = self._vectorizer(analyzer="char", ngram_range=self.char_ngram_range)
                self.char_terms_, self.char_idf_ = self._learned(vectorizer.fit([d.chars for d in docs]))
        except ValueError as exc:  # scikit-learn's "empty vocabulary" / "no terms remain"
            raise TrainingDataError(
                f"no features left to learn from {len(docs)} texts with min_df={self.min_df!r}, "
                f"max_df={self.max_df!r} ({exc}); give more or longer texts, or lower min_df"
            ) from exc
        self._drop_tables()
        self.n_features_out_ = len(self.get_feature_names_out())
        return self

    def fit(self, X: Iterable[str], y: object = None) -> TfidfFeaturizer:
        """Learn vocabulary and IDF from a list of texts."""
        return self._fit_analyzed(self._analyze(X))

    def _dropped_words(self) -> frozenset[str]:
        return load_stopwords() if self.remove_stopwords else frozenset()

    # -- lookup tables, derived from the fitted terms on first use -------------
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_tables", None)  # derived from the terms: rebuilt on first use, not stored
        return state

    def _drop_tables(self) -> None:
        self.__dict__.pop("_tables", None)

    def _lookup_tables(self) -> dict[str, Any]:
        tables = self.__dict__.get("_tables")
        if tables is None:
            tables = {}
            if self.word_terms_ is not None:
                split = [term.split(" ") for term in self.word_terms_.tolist()]
                token_ids: dict[str, int] = {}
                for words in split:
                    for word in words:
                        token_ids.setdefault(word, len(token_ids) + 1)
                term_ids = np.zeros((len(split), max(map(len, split), default=1)), dtype=np.int64)
                for row, words in enumerate(split):
                    term_ids[row, : len(words)] = [token_ids[word] for word in words]
                tables["words"] = NgramIndex(term_ids, len(token_ids), "words", "word_ngram_range")
                # tokens the word block leaves out, known in advance: the
                # punctuation of the character vocabulary, and stop words
                dropped = dict.fromkeys(self._dropped_words(), _DROPPED)
                if self.char_terms_ is not None:
                    single = self.char_terms_[np.char.str_len(self.char_terms_) == 1].tolist()
                    dropped.update((c, _DROPPED) for c in single if not is_word_token(c))
                tables["token_ids"] = {**dropped, **token_ids}
            if self.char_terms_ is not None:
                width = max(self.char_terms_.dtype.itemsize // 4, 1)
                codes = np.ascontiguousarray(self.char_terms_, dtype=f"U{width}").view(np.uint32).reshape(-1, width)
                # numpy pads shorter strings with U+0000, which normalize() removes from any text
                char_ids = CharIds(np.unique(codes[codes != 0]))
                term_ids = np.where(codes != 0, char_ids.ids(codes.ravel()).reshape(codes.shape), 0)
                tables["char_ids"] = char_ids
                tables["chars"] = NgramIndex(term_ids, len(char_ids.alphabet), "characters", "char_ngram_range")
            self.__dict__["_tables"] = tables  # a benign race: two threads build equal tables
        return tables

    # -- transforming ---------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "n_features_out_"):
            raise NotFittedError("this TfidfFeaturizer is not fitted yet; call fit first")

    def _word_entries(self, docs: Sequence[AnalyzedText], tables: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every word n-gram occurrence of the vocabulary in ``docs``."""
        tokens = list(chain.from_iterable(doc.words for doc in docs))
        # one number per token, looked up without a Python loop: 0 unknown, _DROPPED left out
        ids = np.fromiter(map(tables["token_ids"].get, tokens, repeat(0)), dtype=np.int64, count=len(tokens))
        dropped = self._dropped_words()
        for index in np.flatnonzero(ids == 0).tolist():  # unknown tokens: rare, but punctuation is left out
            token = tokens[index]
            if not is_word_token(token) or token in dropped:
                ids[index] = _DROPPED
        doc_of = np.repeat(np.arange(len(docs)), [len(doc.words) for doc in docs])
        kept = ids != _DROPPED
        return tables["words"].entries(ids[kept], doc_of[kept], *self.word_ngram_range)

    def _char_entries(self, docs: Sequence[AnalyzedText], tables: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every character n-gram occurrence of the vocabulary in ``docs``."""
        # sklearn's preprocessing for analyzer="char" lowercases and makes runs of white space one
        # space; normalize() has left no such runs in d.chars (tested), so lowercasing is all
        prepared = [d.chars.lower() for d in docs]
        ids = tables["char_ids"].ids(np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32))
        doc_of = np.repeat(np.arange(len(prepared)), [len(t) for t in prepared])
        return tables["chars"].entries(ids, doc_of, *self.char_ngram_range)

    def _transform_rows(self, docs: Sequence[AnalyzedText]) -> SparseRows:
        """The TF-IDF rows of analysed texts, with numpy only (what :meth:`_transform_analyzed` wraps for scipy).

        Counts -> (sublinear) TF x IDF -> each block's rows l2-normalised, as
        scikit-learn computes them in float32; the word and character blocks
        are counted in one sort of (row, column) pairs.
        """
        self._check_fitted()
        tables = self._lookup_tables()
        parts = [self._rows_of_slice(docs[start:stop], tables) for start, stop in _slices(docs, _SLICE_ITEMS)]
        return parts[0] if len(parts) == 1 else stacked(parts)

    def _rows_of_slice(self, docs: Sequence[AnalyzedText], tables: dict[str, Any]) -> SparseRows:
        n_rows = len(docs)
        rows, columns, idf = [], [], []
        n_word_columns = 0
        if self.word_terms_ is not None:
            word_rows, word_columns = self._word_entries(docs, tables)
            rows.append(word_rows)
            columns.append(word_columns)
            idf.append(self.word_idf_)
            n_word_columns = len(self.word_terms_)
        if self.char_terms_ is not None:
            char_rows, char_columns = self._char_entries(docs, tables)
            rows.append(char_rows)
            columns.append(char_columns + n_word_columns)
            idf.append(self.char_idf_)
        weights = np.concatenate(idf)
        width = len(weights)
        bits = max(width - 1, 1).bit_length()  # (row, column) as one int64: row << bits | column
        pairs = (np.concatenate(rows) << bits) | np.concatenate(columns)
        # pairs that fit in 31 bits (a batch's, nearly always) sort about 1.5x faster as int32
        pairs = np.sort(pairs.astype(np.int32) if n_rows << bits < 2**31 else pairs)
        starts = np.flatnonzero(np.diff(pairs, prepend=-1))
        values = np.diff(np.append(starts, len(pairs))).astype(np.float32)  # the count of each pair
        pairs = pairs[starts]
        row, column = pairs >> bits, pairs & ((1 << bits) - 1)
        if self.sublinear_tf:
            np.log(values, out=values)
            values += 1.0
        values *= weights[column]
        is_char = column >= n_word_columns
        block = row * 2 + is_char
        norms = np.sqrt(np.bincount(block, weights=values.astype(np.float64) ** 2, minlength=2 * n_rows))
        values /= norms[block].astype(np.float32)
        if self.char_weight != 1.0:
            values[is_char] *= np.float32(self.char_weight)
        if self.lexicon_weight:  # the last columns: append them, then restore the row order
            # the lexicon's width, not -1: a slice of no rows has none to infer it from
            counts = np.array([d.lexicon for d in docs], dtype=np.float32).reshape(n_rows, len(load_theme_lexicon()))
            lex_rows, lex_columns = np.nonzero(counts)
            lex_values = (np.log1p(counts[lex_rows, lex_columns]) * self.lexicon_weight).astype(np.float32)
            order = np.argsort(np.concatenate([row, lex_rows]), kind="stable")
            row = np.concatenate([row, lex_rows])[order]
            column = np.concatenate([column, lex_columns + width])[order]
            values = np.concatenate([values, lex_values])[order]
        indptr = np.searchsorted(row, np.arange(n_rows + 1))
        return SparseRows(values, column.astype(np.int32), indptr.astype(np.int64), (n_rows, self.n_features_out_))

    def _transform_analyzed(self, docs: Sequence[AnalyzedText]) -> Any:
        """Transform the output of :meth:`_analyze` into a ``scipy.sparse.csr_matrix``."""
        return self._transform_rows(docs).to_scipy()

    def transform(self, X: Iterable[str]) -> Any:
        """Map a list of texts to TF-IDF rows (one per text): a float32 ``scipy.sparse.csr_matrix``."""
        self._check_fitted()
        return self._transform_analyzed(self._analyze(X))

    def fit_transform(self, X: Iterable[str], y: object = None) -> Any:
        """:meth:`fit` and :meth:`transform` of the same texts, which are tokenized once."""
        docs = self._analyze(X)
        return self._fit_analyzed(docs)._transform_analyzed(docs)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Feature names: ``w:<word n-gram>``, ``c:<character n-gram>``, then ``lex:<theme>``."""
        if not hasattr(self, "word_terms_"):
            raise NotFittedError("this TfidfFeaturizer is not fitted yet; call fit first")
        names: list[str] = []
        if self.word_terms_ is not None:
            names += [WORD_PREFIX + n for n in self.word_terms_.tolist()]
        if self.char_terms_ is not None:
            names += [CHAR_PREFIX + n for n in self.char_terms_.tolist()]
        if self.lexicon_weight:
            names += [LEXICON_PREFIX + theme for theme in load_theme_lexicon()]
        return np.asarray(names, dtype=object)


#: Texts are turned into rows this many characters and tokens at a time. The
#: int64 arrays of a slice then stay under glibc's mmap threshold (128 KiB), so
#: numpy's temporaries are reused from the heap; a whole batch of 500 paragraphs
#: at once had them mapped, page-faulted and unmapped again, which cost about
#: 15% of the time of tagging (benchmarks/results/speed.md).
_SLICE_ITEMS = 12_000


def _slices(docs: Sequence[AnalyzedText], limit: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) ranges of ``docs`` of at most ``limit`` characters
    and tokens each (one text alone may be larger); one empty range for no docs."""
    bounds, start, size = [], 0, 0
    for index, doc in enumerate(docs):
        items = len(doc.chars) + len(doc.words)
        if size and size + items > limit:
            bounds.append((start, index))
            start, size = index, 0
        size += items
    bounds.append((start, len(docs)))
    return bounds


