"""The baselines zonenlp is measured against: what users would otherwise write themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zonenlp.metrics import f1  # noqa: E402
from zonenlp.features import lexicon_counts, load_theme_lexicon  # noqa: E402
from zonenlp.text import normalize  # noqa: E402


class KeywordRules:
    """A hand-made keyword list, as an analyst would write it: a paragraph gets a
    theme when it contains at least ``min_hits[theme]`` of the theme's words
    (zonenlp's shipped theme lexicon). ``fit`` picks each theme's minimum (1, 2
    or 3 hits) by F1 on the training data — the most a rule-writer could do."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels
        lexicon_themes = list(load_theme_lexicon())
        self._columns = [lexicon_themes.index(label) for label in labels]

    def _counts(self, texts: list[str]) -> np.ndarray:
        return np.array([lexicon_counts(normalize(t)) for t in texts])[:, self._columns]

    def fit(self, texts: list[str], Y: np.ndarray) -> "KeywordRules":
        counts = self._counts(texts)
        self.min_hits_ = np.array([
            max((1, 2, 3), key=lambda m: f1(Y[:, j], counts[:, j] >= m)) for j in range(len(self.labels))
        ])
        return self

    def predict_matrix(self, texts: list[str]) -> np.ndarray:
        return self._counts(texts) >= self.min_hits_


class NaivePipeline:
    """The script a user would write first: ``jieba.lcut`` + ``TfidfVectorizer`` +
    one ``LinearSVC`` per theme, all with default settings."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels

    def fit(self, texts: list[str], Y: np.ndarray) -> "NaivePipeline":
        import jieba
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        self.pipeline_ = make_pipeline(
            TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None), OneVsRestClassifier(LinearSVC())
        ).fit(texts, Y.astype(int))
        return self

    def predict_matrix(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.pipeline_.predict(texts), dtype=bool)
