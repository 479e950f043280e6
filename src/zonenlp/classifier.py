"""Multi-label theme classification of paragraphs.

:class:`ThemeClassifier` learns one binary classifier per theme on shared
TF-IDF features, so a paragraph can carry several themes or none (``[]``,
read as "other"). Each theme's decision threshold is chosen on out-of-fold
probabilities of the training data only — never on a test set.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ._estimator import Estimator
from .errors import InputTypeError, InputValueError, NotFittedError, TrainingDataError
from .features import CHAR_PREFIX, LEXICON_PREFIX, WORD_PREFIX, AnalyzedText, SparseRows, TfidfFeaturizer
from .text import check_positive_int, check_text, check_texts
from .tokenizer import _DIGIT_RUNS, Tokenizer, require_backend
from .workers import map_in_order, release, resolve_jobs, tapering_ranges

# scikit-learn is imported inside the methods that train: a loaded model
# predicts with numpy alone (see LinearForm), which keeps the start fast.

__all__ = ["ThemeClassifier", "THEMES", "check_label_lists", "multilabel_scores"]

#: The four themes of zonenlp's shipped model, in their canonical order.
THEMES: tuple[str, ...] = ("investment", "environment", "talent", "outreach")

_THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def check_label_lists(label_lists: object, n: int | None = None) -> list[list[str]]:
    """Validate label sets: an iterable of lists (or tuples/sets) of str labels."""
    if isinstance(label_lists, (str, bytes)):
        raise InputTypeError("label_lists must be a list of label lists, e.g. [['investment'], []]")
    try:
        items = list(label_lists)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(f"label_lists must be iterable, got {type(label_lists).__name__}") from None
    out = []
    for index, labels in enumerate(items):
        if isinstance(labels, (str, bytes)) or not isinstance(labels, (list, tuple, set, frozenset)):
            raise InputTypeError(
                f"label_lists[{index}] must be a list of labels (use [] for none), got {labels!r:.60}"
            )
        for label in labels:
            if not isinstance(label, str) or not label:
                raise InputTypeError(f"label_lists[{index}] holds a label that is not a non-empty str: {label!r:.60}")
        out.append(sorted(set(labels), key=list(labels).index))
    if n is not None and len(out) != n:
        raise InputValueError(f"got {n} texts but {len(out)} label lists")
    return out


def _shift_index(message: str, offset: int) -> str:
    """'texts[3]: …' of a batch starting at ``offset`` -> 'texts[offset + 3]: …'."""
    return re.sub(r"^texts\[(\d+)\]", lambda m: f"texts[{int(m.group(1)) + offset}]", message)


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(truth & pred))
    denominator = float(np.sum(truth) + np.sum(pred))
    return 2 * tp / denominator if denominator else 1.0


def multilabel_scores(truth: np.ndarray, pred: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Per-label precision/recall/F1, micro and macro F1, exact match and F1 of "other".

    ``truth`` and ``pred`` are boolean arrays of shape ``(n, len(labels))``.
    """
    truth = np.asarray(truth, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    per_label = {}
    for j, label in enumerate(labels):
        t, p = truth[:, j], pred[:, j]
        tp = int(np.sum(t & p))
        precision = tp / int(np.sum(p)) if np.sum(p) else 0.0
        recall = tp / int(np.sum(t)) if np.sum(t) else 0.0
        per_label[label] = {
            "precision": precision,
            "recall": recall,
            "f1": _f1(t, p),
            "support": int(np.sum(t)),
        }
    other_truth = ~truth.any(axis=1)
    other_pred = ~pred.any(axis=1)
    return {
        "per_label": per_label,
        "micro_f1": _f1(truth.ravel(), pred.ravel()),
        "macro_f1": float(np.mean([v["f1"] for v in per_label.values()])),
        "exact_match": float(np.mean((truth == pred).all(axis=1))) if len(truth) else 0.0,
        "other_f1": _f1(other_truth, other_pred),
        "n": int(len(truth)),
    }


#: From this many rows on, the sparse product is scipy's (about 20 times faster
#: than numpy's gather-and-sum, for a one-off import of about 0.1 s).
_SCIPY_FROM_ROWS = 64


#: With n_jobs, tag_many reads this many batches per process at a time: the
#: processes wait for each other once per group, so groups should be long.
_BATCHES_PER_GROUP = 8


def _expit(x: np.ndarray) -> np.ndarray:
    """The logistic function, as scipy.special.expit computes it."""
    return 1.0 / (1.0 + np.exp(-x))


class LinearForm:
    """A model's linear estimators as one matrix, for prediction with numpy alone.

    Every built-in estimator gives each label a probability of the same shape:
    the mean, over a few columns, of ``expit(-(a * (x . w + c) + b))``. For
    ``"svm"`` the columns are the calibration folds of
    ``CalibratedClassifierCV(LinearSVC, method="sigmoid")`` (their Platt
    ``a``, ``b``); for ``"logreg"`` one column with ``a = -1, b = 0``; for
    ``"nb"`` one column of the difference of the two classes' log-probabilities.
    So a batch costs one sparse-times-dense product and an ``exp``.
    """

    def __init__(self, weights: np.ndarray, intercepts: np.ndarray, a: np.ndarray, b: np.ndarray, label_of_column: np.ndarray) -> None:
        # (features, columns), float64 as scikit-learn's: float32 would save 4 MB
        # but sum in another order in numpy's and scipy's products (1e-7 apart)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)
        self.a = np.asarray(a, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64)
        n_labels = int(label_of_column.max()) + 1
        self.mean_of_columns = np.zeros((len(label_of_column), n_labels))
        for column, label in enumerate(label_of_column):
            self.mean_of_columns[column, label] = 1.0 / np.count_nonzero(label_of_column == label)

    @classmethod
    def from_estimators(cls, estimators: Sequence[Any]) -> LinearForm | None:
        """The linear form of one binary estimator per label, or None if one has none."""
        columns: list[tuple[np.ndarray, float, float, float, int]] = []
        for label, est in enumerate(estimators):
            parts = _linear_parts(est)
            if parts is None:
                return None
            columns += [(w, c, a, b, label) for w, c, a, b in parts]
        w, c, a, b, label = zip(*columns)
        return cls(np.column_stack(w), np.array(c), np.array(a), np.array(b), np.array(label))

    def predict_proba(self, rows: SparseRows) -> np.ndarray:
        """Each label's probability for each row, shape ``(rows, labels)``."""
        if rows.shape[0] >= _SCIPY_FROM_ROWS or "scipy.sparse" in sys.modules:
            decision = np.asarray(rows.to_scipy().astype(np.float64) @ self.weights)
        else:  # a few rows: numpy alone, sparing a first prediction scipy's import
            decision = np.zeros((rows.shape[0], self.weights.shape[1]), dtype=np.float64)
            filled = np.diff(rows.indptr) > 0
            if filled.any():
                products = self.weights[rows.indices] * rows.data[:, None].astype(np.float64)
                decision[filled] = np.add.reduceat(products, rows.indptr[:-1][filled], axis=0)
        decision += self.intercepts
        return _expit(-(self.a * decision + self.b)) @ self.mean_of_columns


def _linear_parts(est: Any) -> list[tuple[np.ndarray, float, float, float]] | None:
    """``(w, c, a, b)`` of each column of a binary estimator, or None if it is not one zonenlp knows as linear."""
    if hasattr(est, "linear_parts"):  # the safe format's predictors
        return est.linear_parts()
    if "sklearn" not in sys.modules:  # then est cannot be one of scikit-learn's classes
        return None
    from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    if list(getattr(est, "classes_", [])) != [0, 1]:
        return None
    if isinstance(est, LogisticRegression) and est.coef_.shape[0] == 1:
        return [(est.coef_[0], float(est.intercept_[0]), -1.0, 0.0)]
    if isinstance(est, ComplementNB):
        return [(est.feature_log_prob_[1] - est.feature_log_prob_[0], 0.0, -1.0, 0.0)]
    if isinstance(est, CalibratedClassifierCV):
        parts = []
        for fold in est.calibrated_classifiers_:
            base = fold.estimator
            if (
                len(fold.calibrators) != 1
                or not isinstance(fold.calibrators[0], _SigmoidCalibration)
                or getattr(base, "coef_", np.zeros((2, 0))).shape[0] != 1
            ):
                return None
            calibrator = fold.calibrators[0]
            parts.append((base.coef_[0], float(base.intercept_[0]), float(calibrator.a_), float(calibrator.b_)))
        return parts
    return None


class ThemeClassifier(Estimator):
    """Tag paragraphs with zero, one or several themes.

    Parameters
    ----------
    featurizer:
        A :class:`~zonenlp.features.TfidfFeaturizer` (cloned at fit); ``None``
        uses the default word + character TF-IDF. The shipped model reads
        characters only (``TfidfFeaturizer(use_words=False)``), which predicts
        as well by cross-validation and segments nothing; its whole
        configuration is in its manifest (``zonenlp.read_manifest()["notes"]["config"]``)
        and is ``zonenlp train``'s default.
    estimator:
        ``"logreg"`` (logistic regression), ``"svm"`` (linear SVM with sigmoid
        calibration), ``"nb"`` (complement naive Bayes), or any scikit-learn
        binary classifier with ``predict_proba`` (cloned once per label).
    C:
        Inverse regularisation strength of ``"logreg"`` and ``"svm"``.
    alpha:
        Smoothing of ``"nb"``.
    class_weight:
        Passed to ``"logreg"`` and ``"svm"`` (e.g. ``"balanced"``).
    threshold:
        ``"cv"`` chooses each label's threshold to maximise its F1 on
        out-of-fold probabilities of the training data; a float uses that
        threshold for every label; a mapping gives one per label.
    cv:
        Number of folds for ``threshold="cv"``.
    label_order:
        The labels in the order of :attr:`labels` and of ``predict_proba``'s
        columns; ``None`` sorts the labels seen in training.
    random_state:
        Seed of the fold shuffling and of the estimators.

    After ``fit``: ``classes_`` (labels), ``thresholds_``, ``featurizer_``,
    ``estimators_`` (one per label), ``coef_`` (label x feature weights used by
    :meth:`explain`), ``cv_scores_`` (out-of-fold figures at the chosen
    thresholds, or ``None``), ``training_data_sha256_`` and ``n_train_``.
    """

    _estimator_kind = "classifier"

    def __init__(
        self,
        featurizer: TfidfFeaturizer | None = None,
        estimator: Any = "logreg",
        C: float = 10.0,
        alpha: float = 0.3,
        class_weight: str | Mapping[Any, float] | None = None,
        threshold: str | float | Mapping[str, float] = "cv",
        cv: int = 5,
        label_order: Sequence[str] | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.featurizer = featurizer
        self.estimator = estimator
        self.C = C
        self.alpha = alpha
        self.class_weight = class_weight
        self.threshold = threshold
        self.cv = cv
        self.label_order = label_order
        self.random_state = random_state

    # -- construction helpers -----------------------------------------------
    def _make_estimator(self) -> Any:
        from sklearn.base import clone
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.naive_bayes import ComplementNB
        from sklearn.svm import LinearSVC

        if self.estimator == "logreg":
            return LogisticRegression(
                C=self.C, class_weight=self.class_weight, solver="liblinear", random_state=self.random_state
            )
        if self.estimator == "svm":
            return CalibratedClassifierCV(
                LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state),
                method="sigmoid",
                cv=3,
            )
        if self.estimator == "nb":
            return ComplementNB(alpha=self.alpha)
        if isinstance(self.estimator, str):
            raise InputValueError(f"unknown estimator {self.estimator!r}; use 'logreg', 'svm', 'nb' or an estimator")
        if not hasattr(self.estimator, "predict_proba"):
            raise InputTypeError("estimator must have predict_proba")
        return clone(self.estimator)

    def _make_featurizer(self) -> TfidfFeaturizer:
        if self.featurizer is None:
            return TfidfFeaturizer()
        from sklearn.base import clone

        return clone(self.featurizer)

    @property
    def backend(self) -> str:
        """The tokenizer backend this model segments with (``"jieba"`` or ``"rjieba"``)."""
        self._check_fitted()
        return self.featurizer_._tokenizer().backend

    def use_backend(self, backend: str) -> ThemeClassifier:
        """Segment with another tokenizer backend from now on (same dictionary and settings); returns self."""
        self._check_fitted()
        current = self.featurizer_._tokenizer()
        if backend != current.backend:
            require_backend(backend)  # an unknown or missing backend fails here, not at the next predict
            self.featurizer_.tokenizer = Tokenizer(**{**current.settings(), "backend": backend})
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels this model predicts, in the order of ``predict_proba``'s columns."""
        self._check_fitted()
        return tuple(self.classes_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError("this ThemeClassifier is not fitted yet; call fit or use zonenlp.load()")

    # -- fitting ----------------------------------------------------------------
    def _binarize(self, label_lists: list[list[str]]) -> np.ndarray:
        index = {label: j for j, label in enumerate(self.classes_)}
        y = np.zeros((len(label_lists), len(self.classes_)), dtype=bool)
        for i, labels in enumerate(label_lists):
            for label in labels:
                y[i, index[label]] = True
        return y

    def _fit_estimators(self, X: Any, Y: np.ndarray) -> list[Any]:
        return [self._make_estimator().fit(X, Y[:, j].astype(int)) for j in range(Y.shape[1])]

    @staticmethod
    def _positive_proba(estimators: list[Any], X: Any) -> np.ndarray:
        columns = []
        for est in estimators:
            proba = est.predict_proba(X)
            classes = list(est.classes_)
            columns.append(proba[:, classes.index(1)])
        return np.column_stack(columns)

    def _out_of_fold_proba(self, docs: list[AnalyzedText], Y: np.ndarray, groups: Sequence[Any] | None) -> np.ndarray:
        from sklearn.model_selection import GroupKFold, KFold

        n = len(docs)
        if groups is not None:
            splitter = GroupKFold(n_splits=self.cv)
            splits = splitter.split(np.zeros(n), groups=groups)
        else:
            splits = KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state).split(np.zeros(n))
        oof = np.zeros(Y.shape, dtype=float)
        for train_idx, val_idx in splits:
            featurizer = self._make_featurizer().fit_analyzed([docs[i] for i in train_idx])
            X_train = featurizer.transform_analyzed([docs[i] for i in train_idx])
            X_val = featurizer.transform_analyzed([docs[i] for i in val_idx])
            Y_train = Y[train_idx]
            for j in range(Y.shape[1]):
                if Y_train[:, j].all() or not Y_train[:, j].any():
                    oof[val_idx, j] = Y_train[:, j].mean()  # a fold without both classes: its base rate
                    continue
                est = self._make_estimator().fit(X_train, Y_train[:, j].astype(int))
                oof[val_idx, j] = self._positive_proba([est], X_val)[:, 0]
        return oof

    @staticmethod
    def _best_threshold(truth: np.ndarray, proba: np.ndarray) -> float:
        scores = np.array([_f1(truth, proba >= t) for t in _THRESHOLD_GRID])
        # The centre of the plateau of near-best thresholds, not its edge: an
        # edge chosen on one sample moves most on the next.
        near_best = _THRESHOLD_GRID[scores >= scores.max() - 0.005]
        return float(np.median(near_best))

    def fit(
        self,
        texts: Iterable[str],
        label_lists: Iterable[Iterable[str]],
        groups: Sequence[Any] | None = None,
    ) -> ThemeClassifier:
        """Learn from texts and their label lists (``[]`` for none).

        ``groups`` (optional, one per text) keeps texts of one group — an
        article, a source — in the same cross-validation fold.
        """
        texts = check_texts(texts)
        label_lists = check_label_lists(label_lists, len(texts))
        if groups is not None and len(groups) != len(texts):
            raise InputValueError(f"got {len(texts)} texts but {len(groups)} groups")
        seen = sorted({label for labels in label_lists for label in labels})
        if self.label_order is not None:
            unknown = sorted(set(seen) - set(self.label_order))
            if unknown:
                raise TrainingDataError(f"labels {unknown} are not in label_order {list(self.label_order)}")
            classes = list(self.label_order)
        else:
            classes = seen
        if not classes:
            raise TrainingDataError("no labels in the training data: every label list is empty")
        self.classes_ = np.asarray(classes, dtype=object)
        Y = self._binarize(label_lists)
        for j, label in enumerate(classes):
            positives = int(Y[:, j].sum())
            if positives == 0 or positives == len(texts):
                raise TrainingDataError(
                    f"label {label!r} has {positives} positive examples among {len(texts)}; "
                    "each label needs both positive and negative examples"
                )

        featurizer = self._make_featurizer()
        docs = featurizer.analyze(texts)
        self.cv_scores_ = None
        if isinstance(self.threshold, str):
            if self.threshold != "cv":
                raise InputValueError(f"threshold must be 'cv', a float or a mapping, got {self.threshold!r}")
            min_positives = int(min(Y.sum(axis=0).min(), (~Y).sum(axis=0).min()))
            if min_positives < self.cv:
                warnings.warn(
                    f"a label has only {min_positives} examples of one class, fewer than cv={self.cv}; "
                    "using threshold 0.5 for every label",
                    stacklevel=2,
                )
                thresholds = np.full(len(classes), 0.5)
            else:
                oof = self._out_of_fold_proba(docs, Y, groups)
                thresholds = np.array([self._best_threshold(Y[:, j], oof[:, j]) for j in range(len(classes))])
                self.cv_scores_ = multilabel_scores(Y, oof >= thresholds, classes)
        elif isinstance(self.threshold, Mapping):
            missing = [c for c in classes if c not in self.threshold]
            if missing:
                raise InputValueError(f"threshold mapping lacks labels {missing}")
            thresholds = np.array([float(self.threshold[c]) for c in classes])
        else:
            thresholds = np.full(len(classes), float(self.threshold))
        self.thresholds_ = thresholds

        self.featurizer_ = featurizer.fit_analyzed(docs)
        X = self.featurizer_.transform_analyzed(docs)
        self.estimators_ = self._fit_estimators(X, Y)
        self.coef_ = self._weights()
        self.n_train_ = len(texts)
        self.training_data_sha256_ = hashlib.sha256(
            json.dumps([texts, label_lists], ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        return self

    def _weights(self) -> np.ndarray | None:
        """One weight per feature and label for :meth:`explain`: the mean of the
        label's linear columns (the calibration folds of ``"svm"``), or the
        ``coef_`` of another linear estimator; ``None`` if one has neither."""
        rows = []
        for est in self.estimators_:
            parts = _linear_parts(est)
            if parts is not None:
                row = np.mean([w for w, _, _, _ in parts], axis=0)
            elif hasattr(est, "coef_"):
                row = np.ravel(est.coef_[0] if est.coef_.ndim > 1 else est.coef_)
            else:
                return None
            rows.append(np.asarray(row, dtype=np.float32))
        return np.vstack(rows)

    # -- prediction -------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_linear_cache", None)  # derived from estimators_: rebuilt on first use, not stored
        return state

    def _linear_form(self) -> LinearForm | None:
        """The estimators as one weight matrix (None if one of them is not linear)."""
        # kept with the list it was made from: a refit (or an assigned list) makes it anew
        estimators, form = self.__dict__.get("_linear_cache", (None, None))
        if estimators is not self.estimators_:
            form = LinearForm.from_estimators(self.estimators_)
            self.__dict__["_linear_cache"] = (self.estimators_, form)
        return form

    def _proba_of_docs(self, docs: Sequence[AnalyzedText]) -> tuple[np.ndarray, SparseRows]:
        rows = self.featurizer_.transform_rows(docs)
        linear = self._linear_form()
        if linear is not None:
            proba = linear.predict_proba(rows)
        else:  # any other scikit-learn classifier: its own predict_proba on a scipy matrix
            proba = self._positive_proba(self.estimators_, rows.to_scipy())
        proba[[d.empty for d in docs]] = 0.0
        return proba, rows

    def _proba_of_batch(self, batch: tuple[int, list[str]]) -> np.ndarray:
        """The probabilities of ``texts`` of the batch ``(start, texts)``, ``start`` being its offset in the input."""
        start, texts = batch
        try:
            docs = self.featurizer_.analyze(texts)
        except InputValueError as exc:  # name the index in the whole input, not in the batch
            raise InputValueError(_shift_index(str(exc), start)) from None
        return self._proba_of_docs(docs)[0]

    def predict_proba(self, texts: Iterable[str], batch_size: int = 500, n_jobs: int | None = None) -> np.ndarray:
        """Probability of each label for each text, shape ``(n, len(self.labels))``.

        Texts are featurized ``batch_size`` at a time, so memory stays bounded
        however many there are. With ``n_jobs`` (``-1``: one per core) and more
        than ``batch_size`` texts, this process and ``n_jobs - 1`` worker
        processes share the batches (see :mod:`zonenlp.workers`): the first
        such call starts the workers with a copy of the model; later calls
        reuse them and send only their texts. They exit after 60 s without
        work or on :meth:`release_workers`; a refit or :meth:`use_backend`
        starts new ones. A text that is empty after normalization (blank, only
        invisible characters) has probability 0 for every label: there is
        nothing in it to be about.
        """
        self._check_fitted()
        texts = check_texts(texts)
        check_positive_int(batch_size, "batch_size")
        jobs = resolve_jobs(n_jobs)
        if jobs == 1 or len(texts) <= batch_size:
            jobs, bounds = 1, [(s, min(s + batch_size, len(texts))) for s in range(0, len(texts), batch_size)]
        else:  # shorter ranges towards the end, so that the processes finish together
            bounds = tapering_ranges(len(texts), batch_size, jobs)
        batches = [(start, texts[start:stop]) for start, stop in bounds]
        # a whole list is in memory already: this process may compute far ahead of the workers
        chunks = list(map_in_order(self, ThemeClassifier._proba_of_batch, batches, jobs, ahead=len(batches)))
        return np.vstack(chunks) if chunks else np.zeros((0, len(self.classes_)))

    def release_workers(self) -> ThemeClassifier:
        """Let the worker processes that calls with ``n_jobs`` started exit now,
        not after their idle time; the next such call starts new ones. Returns self."""
        release(self)
        return self

    def _labels_from_proba(self, proba: np.ndarray) -> list[list[str]]:
        if len(proba) == 0:
            return []
        # each row's labels: those over their threshold, most probable first
        # (ties in label order). Rows fall into few patterns of (labels, order),
        # so the lists are made once per pattern, not once per row. A pattern is
        # one integer per row, its label numbers + 1 as digits, because np.unique
        # of whole rows sorts them as records, four times slower; with more than
        # 15 labels those integers would overflow int64, and the records it is.
        order = np.argsort(-proba, axis=1, kind="stable")
        kept = np.where(np.take_along_axis(proba >= self.thresholds_, order, axis=1), order, -1)
        n_labels = kept.shape[1]
        if (n_labels + 1) ** n_labels < 2**63:
            codes = (kept + 1) @ ((n_labels + 1) ** np.arange(n_labels, dtype=np.int64))
        else:
            codes = np.unique(kept, axis=0, return_inverse=True)[1].reshape(-1)
        _, first_row, row_pattern = np.unique(codes, return_index=True, return_inverse=True)
        names = [[str(self.classes_[j]) for j in kept[row] if j >= 0] for row in first_row.tolist()]
        return [list(names[i]) for i in row_pattern.tolist()]

    def predict(self, texts: Iterable[str], batch_size: int = 500, n_jobs: int | None = None) -> list[list[str]]:
        """The labels of each text, most probable first; ``[]`` means none ("other")."""
        return self._labels_from_proba(self.predict_proba(texts, batch_size=batch_size, n_jobs=n_jobs))

    def _tags(self, proba: np.ndarray) -> list[dict[str, Any]]:
        labels = [str(c) for c in self.classes_]
        return [
            {"themes": themes, "scores": {c: round(p, 4) for c, p in zip(labels, row)}}
            for themes, row in zip(self._labels_from_proba(proba), proba.tolist())
        ]

    def tag(self, texts: Iterable[str], batch_size: int = 500, n_jobs: int | None = None) -> list[dict[str, Any]]:
        """Themes and per-label scores of each text: ``{"themes": [...], "scores": {label: p}}``."""
        return self._tags(self.predict_proba(texts, batch_size=batch_size, n_jobs=n_jobs))

    def tag_many(self, texts: Iterable[str], batch_size: int = 500, n_jobs: int | None = None) -> Iterator[dict[str, Any]]:
        """Like :meth:`tag`, for a stream of texts of any length: yields their tags in
        input order, reading ``batch_size`` texts at a time — with ``n_jobs``,
        ``8 * n_jobs`` batches at a time, which the processes share as
        :meth:`predict_proba` does (and with the same workers)."""
        self._check_fitted()
        check_positive_int(batch_size, "batch_size")
        jobs = resolve_jobs(n_jobs)
        limit = self.featurizer_._tokenizer().max_chars
        group_size = batch_size * (1 if jobs == 1 else _BATCHES_PER_GROUP * jobs)
        group: list[str] = []
        for index, text in enumerate(texts):
            group.append(check_text(text, where=f"texts[{index}]", max_chars=limit))
            if len(group) == group_size:
                yield from self._tags(self.predict_proba(group, batch_size=batch_size, n_jobs=jobs))
                group = []
        if group:
            yield from self._tags(self.predict_proba(group, batch_size=batch_size, n_jobs=jobs))

    def score(self, texts: Iterable[str], label_lists: Iterable[Iterable[str]], sample_weight: object = None) -> float:
        """Micro-averaged F1 over labels (scikit-learn's ``score`` hook)."""
        return self.evaluate(texts, label_lists)["micro_f1"]

    def evaluate(self, texts: Iterable[str], label_lists: Iterable[Iterable[str]]) -> dict[str, Any]:
        """Per-label precision/recall/F1, micro/macro F1, exact match and "other" F1."""
        texts = check_texts(texts)
        label_lists = check_label_lists(label_lists, len(texts))
        unknown = sorted({l for labels in label_lists for l in labels} - set(self.labels))
        if unknown:
            raise InputValueError(f"labels {unknown} are not labels of this model {list(self.labels)}")
        truth = self._binarize(label_lists)
        pred = self.predict_proba(texts) >= self.thresholds_
        return multilabel_scores(truth, pred, self.labels)

    # -- explanation --------------------------------------------------------------
    @staticmethod
    def _term(feature_name: str) -> str:
        if feature_name.startswith(LEXICON_PREFIX):
            return f"<{feature_name[len(LEXICON_PREFIX):]} lexicon>"
        for prefix in (WORD_PREFIX, CHAR_PREFIX):
            if feature_name.startswith(prefix):
                return feature_name[len(prefix) :]
        return feature_name

    def _top_terms(self, contributions: np.ndarray, names: np.ndarray, k: int) -> list[tuple[str, float]]:
        order = np.argsort(-contributions, kind="stable")
        terms: list[list[Any]] = []
        for index in order:
            weight = float(contributions[index])
            if weight <= 0:
                break
            term = self._term(names[index])
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

    def _by_word(self, text: str, contributions: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Character n-gram contributions summed by the words of ``text`` that hold them.

        An n-gram inside several distinct words is shared among them equally;
        one that spans a word boundary (目0个 of 项目12个) keeps its own name.
        """
        words = list(dict.fromkeys(self.featurizer_._tokenizer().tokenize(text)))
        # n-grams see digits as 0 and letters in lower case (see TfidfFeaturizer.analyze)
        seen_as = [_DIGIT_RUNS.sub("0", word.lower()) for word in words]
        totals: dict[str, float] = {}
        for name, weight in zip(names.tolist(), contributions.tolist()):
            gram = self._term(name)
            holders = [word for word, form in zip(words, seen_as) if gram in form] or [gram]
            for holder in holders:
                totals[holder] = totals.get(holder, 0.0) + weight / len(holders)
        return np.array(list(totals.values())), np.array(list(totals), dtype=object)

    def explain(self, text: str, k: int = 5) -> dict[str, list[tuple[str, float]]]:
        """For each theme predicted for ``text``, the ``k`` terms that pushed it
        most towards that theme, with their weights (feature value x model weight).

        For a model of character n-grams (the shipped one) the terms are the
        words of ``text``, each with the summed weight of the n-grams inside it,
        so that 招商引资 is one term and not 招商, 商引 and 引资.
        Returns ``{}`` when no theme is predicted.
        """
        self._check_fitted()
        check_text(text, max_chars=self.featurizer_._tokenizer().max_chars)  # named "text", not "texts[0]"
        check_positive_int(k, "k")
        if self.coef_ is None:
            raise NotImplementedError("explain needs an estimator with linear weights (coef_)")
        proba, row = self._proba_of_docs(self.featurizer_.analyze([text]))
        names = self.featurizer_.get_feature_names_out()
        out = {}
        for theme in self._labels_from_proba(proba)[0]:
            j = list(self.classes_).index(theme)
            contributions, terms = row.data * self.coef_[j, row.indices], names[row.indices]
            if self.featurizer_.word_terms_ is None:
                contributions, terms = self._by_word(text, contributions, terms)
            out[theme] = self._top_terms(contributions, terms, k)
        return out

    def theme_keywords(self, k: int = 20) -> dict[str, list[tuple[str, float]]]:
        """The ``k`` terms with the largest positive weight for each theme.

        Terms are the model's word features. A model without words (the shipped
        one reads character n-grams) gives its n-grams of two or more characters
        that its tokenizer's dictionaries hold as words, so that fragments of a word
        (营商环) or of a phrase (目0个) are passed over.
        """
        self._check_fitted()
        check_positive_int(k, "k")
        if self.coef_ is None:
            raise NotImplementedError("theme_keywords needs an estimator with linear weights (coef_)")
        names = self.featurizer_.get_feature_names_out().astype(str)
        has_words = self.featurizer_.word_terms_ is not None
        usable = np.char.startswith(names, WORD_PREFIX if has_words else CHAR_PREFIX)
        if not has_words:
            usable &= np.char.str_len(names) >= len(CHAR_PREFIX) + 2
        tokenizer = self.featurizer_._tokenizer()
        out = {}
        for j, theme in enumerate(self.classes_):
            weights = np.where(usable, self.coef_[j], -np.inf)
            terms: list[tuple[str, float]] = []
            for i in np.argsort(-weights, kind="stable"):
                if weights[i] <= 0 or len(terms) == k:
                    break
                term = self._term(names[i])
                if has_words or tokenizer.is_word(term):
                    terms.append((term, round(float(weights[i]), 4)))
            out[str(theme)] = terms
        return out

    def tag_frame(self, df: Any, column: str, k: int = 5) -> Any:
        """A copy of the pandas frame ``df`` with the tags of its ``column`` added:
        ``themes`` (list), ``score_<label>`` per label, ``keywords`` (the ``k`` best
        terms) and ``error``. A row that cannot be tagged (not a str, empty, too
        long) gets the reason in ``error`` (``None`` elsewhere) instead of failing
        the frame. ``df`` is not changed; adding a column it already has is refused.
        """
        from .batch import tag_frame

        self._check_fitted()
        return tag_frame(self, df, column, k=k)
