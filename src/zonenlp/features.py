"""TF-IDF features over zonenlp's words and Chinese character n-grams.

:class:`TfidfFeaturizer` is a scikit-learn transformer: it fits inside a
``Pipeline``, clones, and pickles (no lambdas anywhere). Word features carry
the domain dictionary's terms; character n-grams catch the words a dictionary
misses (new zone names, slogans, typos) — which of them to use is a
hyperparameter chosen by cross-validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as normalize_rows

from .errors import InputTypeError, NotFittedError, TrainingDataError
from .text import check_text, check_texts, normalize, to_simplified
from .tokenizer import Tokenizer, default_tokenizer, is_number_token, load_stopwords

__all__ = ["TfidfFeaturizer", "AnalyzedText"]

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_WHITE_SPACES = re.compile(r"\s\s+")  # as sklearn's CountVectorizer._white_spaces
# n-grams as integers: each character is its code point + 1 (at most 2**21), so
# an n-gram of up to three characters is a base-2**21 number below 2**63
_CODE_BASE = 1 << 21


def _ngram_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = key * _CODE_BASE + ord(ch) + 1
    return key
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


def _identity(doc: list[str]) -> list[str]:
    # Documents reach TfidfVectorizer already analysed; a module-level function
    # (not a lambda) keeps the vectorizer picklable.
    return doc


@dataclass(frozen=True)
class AnalyzedText:
    """A text after tokenization: its word features, normalized characters and lexicon counts."""

    words: list[str]
    chars: str
    lexicon: tuple[int, ...] = ()
    empty: bool = False  # nothing left after normalize(): blank or invisible characters only


class TfidfFeaturizer(TransformerMixin, BaseEstimator):
    """TF-IDF over word n-grams, character n-grams, or both side by side.

    Parameters
    ----------
    tokenizer:
        The :class:`~zonenlp.tokenizer.Tokenizer`; ``None`` uses the default one.
    use_words, use_chars:
        Which feature blocks to build (at least one).
    word_ngram_range:
        ``(1, 1)`` for words, ``(1, 2)`` adds adjacent word pairs.
    char_ngram_range:
        Character n-gram lengths, e.g. ``(1, 3)``.
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

    # -- analysis: the expensive, fit-independent part (tokenization) -------
    def _tokenizer(self) -> Tokenizer:
        return self.tokenizer if self.tokenizer is not None else default_tokenizer()

    def _word_features(self, tokens: list[str]) -> list[str]:
        if self.remove_stopwords:
            stop = load_stopwords()
            tokens = [t for t in tokens if t not in stop]
        if self.number_placeholder:
            tokens = [_DIGITS.sub("0", t) if t[:1].isdigit() and is_number_token(t) else t for t in tokens]
        low, high = self.word_ngram_range
        features: list[str] = list(tokens) if low == 1 else []
        for n in range(max(low, 2), high + 1):
            features.extend(" ".join(gram) for gram in zip(*(tokens[i:] for i in range(n))))
        return features

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
            words = self._word_features(tokenizer._tokenize_simplified(simplified)) if self.use_words else []
            chars = _DIGITS.sub("0", simplified) if self.use_chars else ""
            lexicon = lexicon_counts(simplified) if self.lexicon_weight else ()
            out.append(AnalyzedText(words, chars, lexicon, not clean))
        return out

    # -- fitting and transforming -------------------------------------------
    def _vectorizer(self, **kwargs: object) -> TfidfVectorizer:
        return TfidfVectorizer(
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=self.sublinear_tf,
            dtype=np.float32,
            **kwargs,
        )

    def fit_analyzed(self, docs: Sequence[AnalyzedText]) -> TfidfFeaturizer:
        """Fit on the output of :meth:`analyze`."""
        if not (self.use_words or self.use_chars):
            raise ValueError("TfidfFeaturizer needs use_words or use_chars")
        if len(docs) == 0:
            raise InputTypeError("cannot fit on an empty list of texts")
        self.word_vectorizer_ = None
        self.char_vectorizer_ = None
        try:
            if self.use_words:
                self.word_vectorizer_ = self._vectorizer(analyzer=_identity, lowercase=False)
                self.word_vectorizer_.fit([d.words for d in docs])
            if self.use_chars:
                self.char_vectorizer_ = self._vectorizer(analyzer="char", ngram_range=self.char_ngram_range)
                self.char_vectorizer_.fit([d.chars for d in docs])
        except ValueError as exc:  # scikit-learn's "empty vocabulary" / "no terms remain"
            raise TrainingDataError(
                f"no features left to learn from {len(docs)} texts with min_df={self.min_df!r}, "
                f"max_df={self.max_df!r} ({exc}); give more or longer texts, or lower min_df"
            ) from exc
        self.n_features_out_ = len(self.get_feature_names_out())
        return self

    def transform_analyzed(self, docs: Sequence[AnalyzedText]) -> sp.csr_matrix:
        """Transform the output of :meth:`analyze` into a sparse matrix."""
        if not hasattr(self, "n_features_out_"):
            raise NotFittedError("this TfidfFeaturizer is not fitted yet; call fit first")
        blocks = []
        if self.word_vectorizer_ is not None:
            blocks.append(self.word_vectorizer_.transform([d.words for d in docs]))
        if self.char_vectorizer_ is not None:
            chars = self._char_tfidf([d.chars for d in docs])
            blocks.append(chars * self.char_weight if self.char_weight != 1.0 else chars)
        if self.lexicon_weight:
            counts = np.array([d.lexicon for d in docs], dtype=np.float32).reshape(len(docs), -1)
            blocks.append(sp.csr_matrix(np.log1p(counts) * self.lexicon_weight))
        return sp.hstack(blocks, format="csr", dtype=np.float32) if len(blocks) > 1 else blocks[0].tocsr()

    def __getstate__(self) -> dict[str, object]:
        # the integer keys of the character vocabulary are derived data: rebuilt on first use
        state = super().__getstate__()
        state.pop("_char_key_cache", None)
        return state

    def _char_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """The character vocabulary as sorted integer keys, and each key's column."""
        keys = getattr(self, "_char_key_cache", None)
        if keys is None:
            vocabulary = self.char_vectorizer_.vocabulary_
            terms = list(vocabulary)
            encoded = np.array([_ngram_key(t) for t in terms], dtype=np.int64)
            order = np.argsort(encoded, kind="stable")
            columns = np.array([vocabulary[t] for t in terms], dtype=np.int64)
            keys = self._char_key_cache = (encoded[order], columns[order])
        return keys

    def _char_tfidf(self, texts: list[str]) -> sp.csr_matrix:
        """What ``char_vectorizer_.transform(texts)`` returns, computed faster.

        scikit-learn's character analyzer cuts every n-gram out as a string
        and looks it up in a dictionary, in Python. Here every n-gram of the
        whole batch becomes one integer (its code points side by side) in a
        few numpy operations and is found by binary search in the sorted
        vocabulary; the counting is scipy's, and the same sublinear TF, IDF
        weighting and l2 normalisation follow. A test checks that the two agree
        on the whole corpus.
        """
        vectorizer = self.char_vectorizer_
        low, high = vectorizer.ngram_range
        # sklearn's preprocessing for analyzer="char": lowercase, runs of white space to one space
        prepared = [_WHITE_SPACES.sub(" ", t.lower()) for t in texts]
        lengths = np.array([len(t) for t in prepared], dtype=np.int64)
        codes = np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
        doc_of = np.repeat(np.arange(len(prepared)), lengths)
        keys, rows = [], []
        gram = codes
        for n in range(1, high + 1):
            if n > 1:
                gram = gram[:-1] * _CODE_BASE + codes[n - 1 :]
            if n >= low and len(gram):
                same_doc = doc_of[: len(gram)] == doc_of[n - 1 :]  # an n-gram never spans two texts
                keys.append(gram[same_doc])
                rows.append(doc_of[: len(gram)][same_doc])
        sorted_keys, columns = self._char_keys()
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        position = np.searchsorted(sorted_keys, key).clip(max=max(len(sorted_keys) - 1, 0))
        known = sorted_keys[position] == key if len(sorted_keys) else np.zeros(len(key), dtype=bool)
        counts = sp.csr_matrix(
            (np.ones(int(known.sum()), dtype=np.float32), (row[known], columns[position[known]])),
            shape=(len(texts), len(vectorizer.vocabulary_)),
            dtype=np.float32,
        )
        counts.sum_duplicates()
        counts.sort_indices()
        if vectorizer.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        counts.data *= vectorizer.idf_[counts.indices]
        return normalize_rows(counts, norm=vectorizer.norm, copy=False)

    def fit(self, X: Iterable[str], y: object = None) -> TfidfFeaturizer:
        """Learn vocabulary and IDF from a list of texts."""
        return self.fit_analyzed(self.analyze(X))

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Map a list of texts to TF-IDF rows (one per text)."""
        return self.transform_analyzed(self.analyze(X))

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params: object) -> sp.csr_matrix:
        docs = self.analyze(X)
        return self.fit_analyzed(docs).transform_analyzed(docs)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Feature names: ``w:<word n-gram>``, ``c:<character n-gram>``, then ``lex:<theme>``."""
        if not hasattr(self, "word_vectorizer_"):
            raise NotFittedError("this TfidfFeaturizer is not fitted yet; call fit first")
        names: list[str] = []
        if self.word_vectorizer_ is not None:
            names += [WORD_PREFIX + n for n in self.word_vectorizer_.get_feature_names_out()]
        if self.char_vectorizer_ is not None:
            names += [CHAR_PREFIX + n for n in self.char_vectorizer_.get_feature_names_out()]
        if self.lexicon_weight:
            names += [LEXICON_PREFIX + theme for theme in load_theme_lexicon()]
        return np.asarray(names, dtype=object)
