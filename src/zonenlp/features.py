"""TF-IDF features over zonenlp's words and Chinese character n-grams.

:class:`TfidfFeaturizer` follows scikit-learn's transformer conventions: it
fits inside a ``Pipeline``, clones, and pickles. Word features carry the
domain dictionary's terms; character n-grams catch the words a dictionary
misses (new zone names, slogans, typos) — which of them to use is a
hyperparameter chosen by cross-validation.

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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain, repeat
from typing import Any, NamedTuple

import numpy as np

from ._estimator import Estimator
from .errors import InputTypeError, InputValueError, NotFittedError, TrainingDataError
from .text import check_text, check_texts, normalize, to_simplified
from .tokenizer import _DIGIT_RUNS, Tokenizer, default_tokenizer, is_word_token, load_stopwords

__all__ = ["TfidfFeaturizer", "AnalyzedText", "SparseRows"]

_WHITE_SPACES = re.compile(r"\s\s+")  # as sklearn's CountVectorizer._white_spaces
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


class _IntTable:
    """A hash table from non-negative int64 keys to int32 values, looked up a whole array at a time.

    Open addressing with linear probing at a load of at most one quarter, so
    most lookups need one probe; each probe is one numpy gather over all
    keys still unresolved. ``numpy.searchsorted`` on the sorted keys gives the
    same answers but makes about 17 scattered reads per key.
    """

    _EMPTY = -1
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the high bits of key x this

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 4))))
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        self._keys = np.full(1 << bits, self._EMPTY, dtype=np.int64)
        self._values = np.full(1 << bits, -1, dtype=np.int32)  # columns: int32 halves the table's memory
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int32)
        slots = self._slots(keys)
        pending = np.arange(len(keys))
        while len(pending):
            free = self._keys[slots] == self._EMPTY
            # of several keys wanting one free slot, the first takes it; the rest probe on
            taken, first = np.unique(slots[free], return_index=True)
            winners = pending[free][first]
            self._keys[taken] = keys[winners]
            self._values[taken] = values[winners]
            placed = np.zeros(len(pending), dtype=bool)
            placed[np.flatnonzero(free)[first]] = True
            pending, slots = pending[~placed], (slots[~placed] + 1) & self._mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        # keys are non-negative int64: viewed as uint64 they are the same numbers
        return ((keys.view(np.uint64) * self._MULTIPLIER) >> self._shift).view(np.int64)

    def __len__(self) -> int:
        return int(np.count_nonzero(self._keys != self._EMPTY))

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key (a non-negative int64 array), -1 where a key is absent."""
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        slots = self._slots(keys)
        found = self._keys[slots]
        hit = found == keys
        out = np.where(hit, self._values[slots], -1)
        # the few keys whose slot holds another key probe the next slots
        index = np.flatnonzero(~hit & (found != self._EMPTY))
        slots = slots[index]
        while len(index):
            slots = (slots + 1) & self._mask
            found = self._keys[slots]
            hit = found == keys[index]
            out[index[hit]] = self._values[slots[hit]]
            probe_on = ~hit & (found != self._EMPTY)
            index, slots = index[probe_on], slots[probe_on]
        return out


class _NgramIndex:
    """The vocabulary's n-grams of items — words or characters — in a hash table.

    Items are numbered 1 to V (0: an item outside the vocabulary, so no
    n-gram holding it is looked up), and an n-gram is the number whose
    base-(V + 1) digits are its items' numbers: one int64, the same for the
    vocabulary's terms and for the n-grams of a text.
    """

    def __init__(self, term_ids: np.ndarray, n_items: int, what: str, setting: str) -> None:
        # term_ids: each term's item numbers, one row per term (in column
        # order), padded with 0 after the last item
        self.base = n_items + 1
        self.longest = term_ids.shape[1]
        if self.base**self.longest >= 2**63:
            raise TrainingDataError(
                f"{n_items:,} distinct {what} are too many for {self.longest}-{what[:-1]} n-grams; use a shorter {setting}"
            )
        columns = np.arange(len(term_ids))
        single = term_ids[:, 1] == 0 if self.longest > 1 else np.ones(len(term_ids), dtype=bool)
        # single items by direct lookup (a third of all character n-grams), longer n-grams by hashing
        self.unigrams = np.full(self.base, -1, dtype=np.int64)
        self.unigrams[term_ids[single, 0]] = columns[single]
        keys = np.zeros(int(np.count_nonzero(~single)), dtype=np.int64)
        for position in range(self.longest):
            digit = term_ids[~single, position]
            keys = np.where(digit != 0, keys * self.base + digit, keys)
        self.table = _IntTable(keys, columns[~single])

    def entries(self, ids: np.ndarray, doc_of: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every vocabulary n-gram, ``low`` to ``high`` items long,
        in the item numbers ``ids`` of a batch whose item ``i`` is in text ``doc_of[i]``."""
        rows, columns = [], []
        gram, valid = ids, ids > 0
        for n in range(1, min(high, self.longest) + 1):  # no longer n-gram can be a term
            if n > 1:
                gram = gram[:-1] * self.base + ids[n - 1 :]
                # all items known, and all in one text
                valid = valid[:-1] & (ids[n - 1 :] > 0) & (doc_of[: len(gram)] == doc_of[n - 1 :])
            if n >= low and len(gram):
                column = self.unigrams[gram[valid]] if n == 1 else self.table.get(gram[valid])
                found = column >= 0
                rows.append(doc_of[: len(gram)][valid][found])
                columns.append(column[found])
        return _concatenated(rows), _concatenated(columns)


_BMP = 1 << 16


class _CharIds:
    """The numbers 1 to V of a vocabulary's characters (0 for any other character)."""

    def __init__(self, alphabet: np.ndarray) -> None:
        self.alphabet = alphabet  # the characters' code points, sorted
        # the Basic Multilingual Plane, where nearly all text is, by direct lookup: 256 KB
        self._bmp_ids = np.zeros(_BMP, dtype=np.int32)
        in_bmp = alphabet < _BMP
        self._bmp_ids[alphabet[in_bmp]] = np.flatnonzero(in_bmp) + 1

    def ids(self, codes: np.ndarray) -> np.ndarray:
        """The number of each code point (uint32), 0 for characters outside the vocabulary."""
        ids = self._bmp_ids[np.minimum(codes, _BMP - 1)].astype(np.int64)
        beyond = np.flatnonzero(codes >= _BMP)  # emoji and rare ideographs: few, found by binary search
        if len(beyond):
            position = np.searchsorted(self.alphabet, codes[beyond]).clip(max=max(len(self.alphabet) - 1, 0))
            known = self.alphabet[position] == codes[beyond] if len(self.alphabet) else np.zeros(len(beyond), dtype=bool)
            ids[beyond] = np.where(known, position + 1, 0)
        return ids


class AnalyzedText(NamedTuple):
    """A text after tokenization: its tokens (punctuation included: it ends runs of
    words, and the word n-grams leave it out), normalized characters and lexicon counts.

    (A named tuple: one is made per text on the hot path, and a tuple is made fastest.)
    """

    words: list[str]
    chars: str
    lexicon: tuple[int, ...] = ()
    empty: bool = False  # nothing left after normalize(): blank or invisible characters only


@dataclass(frozen=True)
class SparseRows:
    """TF-IDF rows in compressed sparse row form, without scipy: row ``i`` has
    the values ``data[indptr[i]:indptr[i+1]]`` in the columns ``indices[...]``,
    columns in increasing order."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def to_scipy(self) -> Any:
        """A ``scipy.sparse.csr_matrix``."""
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


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
    ``char_terms_`` and ``char_idf_`` (the same for characters) and
    ``n_features_out_``.
    """

    _estimator_kind = "transformer"

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

    # -- analysis: the expensive, fit-independent part (tokenization) -------
    def _tokenizer(self) -> Tokenizer:
        return self.tokenizer if self.tokenizer is not None else default_tokenizer()

    def analyze(self, texts: Iterable[str]) -> list[AnalyzedText]:
        """Tokenize ``texts`` once; the result feeds :meth:`fit_analyzed` and
        :meth:`transform_analyzed` (cross-validation reuses it across folds)."""
        texts = check_texts(texts)
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

    def fit_analyzed(self, docs: Sequence[AnalyzedText]) -> TfidfFeaturizer:
        """Fit on the output of :meth:`analyze`."""
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
        return self.fit_analyzed(self.analyze(X))

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
                tables["words"] = _NgramIndex(term_ids, len(token_ids), "words", "word_ngram_range")
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
                char_ids = _CharIds(np.unique(codes[codes != 0]))
                term_ids = np.where(codes != 0, char_ids.ids(codes.ravel()).reshape(codes.shape), 0)
                tables["char_ids"] = char_ids
                tables["chars"] = _NgramIndex(term_ids, len(char_ids.alphabet), "characters", "char_ngram_range")
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
        # sklearn's preprocessing for analyzer="char": lowercase, runs of white space to one space
        prepared = [_WHITE_SPACES.sub(" ", d.chars.lower()) for d in docs]
        ids = tables["char_ids"].ids(np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32))
        doc_of = np.repeat(np.arange(len(prepared)), [len(t) for t in prepared])
        return tables["chars"].entries(ids, doc_of, *self.char_ngram_range)

    def transform_rows(self, docs: Sequence[AnalyzedText]) -> SparseRows:
        """The TF-IDF rows of analysed texts, with numpy only (what :meth:`transform_analyzed` wraps for scipy).

        Counts -> (sublinear) TF x IDF -> each block's rows l2-normalised, as
        scikit-learn computes them in float32; the word and character blocks
        are counted in one sort of (row, column) pairs.
        """
        self._check_fitted()
        tables = self._lookup_tables()
        parts = [self._rows_of_slice(docs[start:stop], tables) for start, stop in _slices(docs, _SLICE_ITEMS)]
        return parts[0] if len(parts) == 1 else _stacked(parts)

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
        pairs = np.sort((np.concatenate(rows) << bits) | np.concatenate(columns))
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

    def transform_analyzed(self, docs: Sequence[AnalyzedText]) -> Any:
        """Transform the output of :meth:`analyze` into a ``scipy.sparse.csr_matrix``."""
        return self.transform_rows(docs).to_scipy()

    def transform(self, X: Iterable[str]) -> Any:
        """Map a list of texts to TF-IDF rows (one per text), a ``scipy.sparse.csr_matrix``."""
        self._check_fitted()
        return self.transform_analyzed(self.analyze(X))

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params: object) -> Any:
        docs = self.analyze(X)
        return self.fit_analyzed(docs).transform_analyzed(docs)

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


def _stacked(parts: list[SparseRows]) -> SparseRows:
    """The rows of ``parts``, one under the other."""
    offsets = np.cumsum([0] + [len(p.data) for p in parts])
    indptr = np.concatenate([p.indptr[:-1] + offset for p, offset in zip(parts, offsets)] + [offsets[-1:]])
    return SparseRows(
        np.concatenate([p.data for p in parts]),
        np.concatenate([p.indices for p in parts]),
        indptr.astype(np.int64),
        (sum(p.shape[0] for p in parts), parts[0].shape[1]),
    )


def _concatenated(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
