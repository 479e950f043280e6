"""Why a model gives a text its themes, and which terms characterise each theme.

Both read a fitted :class:`~zonenlp.ThemeClassifier`'s linear weights
(``coef_``) against its featurizer's feature names. For a model of character
n-grams (the shipped one) the terms are words — those of the text, or those
its tokenizer's dictionaries know — rather than the n-grams themselves, so
that 招商引资 is one term and not 招商, 商引 and 引资.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .features import CHAR_PREFIX, LEXICON_PREFIX, WORD_PREFIX
from .text import check_positive_int, check_text
from .tokenizer import _DIGIT_RUNS

__all__ = ["explain", "theme_keywords"]


def _linear_featurizer(model: Any, what: str) -> Any:
    """The featurizer of a fitted text ``model``, which must have linear weights."""
    if model.coef_ is None:
        raise NotImplementedError(f"{what} needs an estimator with linear weights (coef_)")
    return model.featurizer_


def _term(feature_name: str) -> str:
    """The term a feature stands for: its n-gram without the block prefix, or ``<theme lexicon>``."""
    if feature_name.startswith(LEXICON_PREFIX):
        return f"<{feature_name[len(LEXICON_PREFIX):]} lexicon>"
    for prefix in (WORD_PREFIX, CHAR_PREFIX):
        if feature_name.startswith(prefix):
            return feature_name[len(prefix) :]
    return feature_name


def _top_terms(contributions: np.ndarray, names: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The ``k`` terms with the largest positive contributions, largest first."""
    order = np.argsort(-contributions, kind="stable")
    terms: list[list[Any]] = []
    for index in order:
        weight = float(contributions[index])
        if weight <= 0:
            break
        term = _term(names[index])
        compact = term.replace(" ", "")
        # A character n-gram inside a term already listed is the same
        # evidence seen twice: credit it to that term instead of listing it.
        for entry in terms:
            if compact in entry[0].replace(" ", ""):
                entry[1] += weight
                break
        else:
            if len(terms) < k:
                terms.append([term, weight])
    terms.sort(key=lambda entry: -entry[1])  # credited n-grams can reorder the terms
    return [(term, round(weight, 4)) for term, weight in terms]


def _by_word(tokenizer: Any, text: str, contributions: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Character n-gram contributions summed by the words of ``text`` that hold them, shared equally
    among several; an n-gram across a word boundary (目0个 of 项目12个) keeps its own name."""
    words = list(dict.fromkeys(tokenizer.tokenize(text)))
    # n-grams see digits as 0 and letters in lower case (see TfidfFeaturizer._analyze)
    seen_as = [_DIGIT_RUNS.sub("0", word.lower()) for word in words]
    totals: dict[str, float] = {}
    for name, weight in zip(names.tolist(), contributions.tolist()):
        gram = _term(name)
        holders = [word for word, form in zip(words, seen_as) if gram in form] or [gram]
        for holder in holders:
            totals[holder] = totals.get(holder, 0.0) + weight / len(holders)
    return np.array(list(totals.values())), np.array(list(totals), dtype=object)


def explain(model: Any, text: str, k: int = 5) -> dict[Any, list[tuple[str, float]]]:
    """See :meth:`zonenlp.ThemeClassifier.explain` (``model`` is fitted on texts).

    >>> import zonenlp
    >>> explain(zonenlp.load(), "湘潭高新区新签约亿元以上项目10个，总投资额39亿元。", k=3)
    {'investment': [('总投资额', 0.5234), ('签约', 0.4046), ('项目', 0.2703)]}
    """
    check_text(text, max_chars=model.featurizer_.tokenizer_.max_chars)  # named "text", not "texts[0]"
    check_positive_int(k, "k")
    featurizer = _linear_featurizer(model, "explain")
    themes = model.predict_labels([text])[0]
    if not themes:
        return {}
    row = featurizer._transform_rows(featurizer._analyze([text]))
    names = featurizer.get_feature_names_out()
    classes = model.classes_.tolist()
    out = {}
    for theme in themes:
        contributions, terms = row.data * model.coef_[classes.index(theme), row.indices], names[row.indices]
        if featurizer.word_terms_ is None:
            contributions, terms = _by_word(featurizer.tokenizer_, text, contributions, terms)
        out[theme] = _top_terms(contributions, terms, k)
    return out


def theme_keywords(model: Any, k: int = 20) -> dict[str, list[tuple[str, float]]]:
    """See :meth:`zonenlp.ThemeClassifier.theme_keywords` (``model`` is fitted on texts)."""
    check_positive_int(k, "k")
    featurizer = _linear_featurizer(model, "theme_keywords")
    names = featurizer.get_feature_names_out().astype(str)
    has_words = featurizer.word_terms_ is not None
    usable = np.char.startswith(names, WORD_PREFIX if has_words else CHAR_PREFIX)
    if not has_words:
        usable &= np.char.str_len(names) >= len(CHAR_PREFIX) + 2
    tokenizer = featurizer.tokenizer_
    out = {}
    for j, theme in enumerate(model.classes_.tolist()):
        weights = np.where(usable, model.coef_[j], -np.inf)
        terms: list[tuple[str, float]] = []
        for i in np.argsort(-weights, kind="stable"):
            if weights[i] <= 0 or len(terms) == k:
                break
            term = _term(names[i])
            if has_words or tokenizer.is_word(term):
                terms.append((term, round(float(weights[i]), 4)))
        out[str(theme)] = terms
    return out
