"""Multi-label theme classification of paragraphs: the estimator, :class:`ThemeClassifier`.

What surrounds it lives beside it: label handling in :mod:`zonenlp.labels`, prediction
with numpy in :mod:`zonenlp.inference`, thresholds in :mod:`zonenlp.thresholds`, figures
in :mod:`zonenlp.metrics`, tags for people in :mod:`zonenlp.tagging`, explanations in
:mod:`zonenlp.explanation`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from ._estimator import Estimator
from ._ngram_tables import SparseRows
from .errors import InputTypeError, InputValueError, NotFittedError, TrainingDataError
from .features import TfidfFeaturizer
from .context import ArticleContext, check_articles
from .inference import LinearForm, margins, mean_weights, positive_proba
from .labels import Targets, indicator, ranked_labels, targets
from .metrics import multilabel_scores
from .text import check_positive_int, check_texts, is_feature_matrix
from .tokenizer import Tokenizer, require_backend
from .workers import map_in_order, release, resolve_jobs, tapering_ranges

# scikit-learn is imported inside the methods that train or read a feature
# matrix: a loaded model predicts texts with numpy alone (see zonenlp.inference).

__all__ = ["ThemeClassifier"]


def _shift_index(message: str, offset: int) -> str:
    """'texts[3]: …' of a batch starting at ``offset`` -> 'texts[offset + 3]: …'."""
    return re.sub(r"^texts\[(\d+)\]", lambda m: f"texts[{int(m.group(1)) + offset}]", message)


def _training_hash(X: Any, target: Targets) -> str:
    """The sha256 of the training data: texts and label lists as JSON (as zonenlp has always
    hashed them), else the bytes of the matrix and of the indicator matrix."""
    digest = hashlib.sha256()
    if isinstance(X, list):
        y = target.label_lists if target.label_lists is not None else target.Y.astype(int).tolist()
        digest.update(json.dumps([X, y], ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()
    digest.update(repr((X.shape, str(X.dtype))).encode())
    for part in (X.data, X.indices, X.indptr) if hasattr(X, "indptr") else (X,):
        digest.update(np.ascontiguousarray(part).tobytes())
    digest.update(np.packbits(target.Y).tobytes())
    return digest.hexdigest()


class ThemeClassifier(Estimator):
    """Tag paragraphs with zero, one or several themes.

    Parameters
    ----------
    featurizer:
        A :class:`~zonenlp.features.TfidfFeaturizer` (cloned at fit); ``None``
        uses the default word + character TF-IDF; unused when ``fit`` gets a
        feature matrix (e.g. from a ``TfidfFeaturizer`` in a ``Pipeline``). The
        shipped model's configuration is in ``zonenlp.read_manifest()["notes"]["config"]``.
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
        The labels, in the order of :attr:`classes_` (and of the columns of
        ``predict``, ``predict_proba`` and ``decision_function``). ``None``:
        for label lists, the themes of :data:`~zonenlp.THEMES` in that order,
        then other labels sorted; for an indicator ``y``, ``THEMES`` if it
        has four columns, else ``0 .. k-1``.
    random_state:
        Seed of the fold shuffling and of the estimators.
    article_context:
        Also learn how a paragraph's article moves its themes (:mod:`zonenlp.context`),
        used where prediction gets ``articles``. Needs ``groups`` at fit: each
        training paragraph's article, paragraphs in reading order.

    After ``fit``: ``classes_`` (the labels: the one way to name them),
    ``thresholds_``, ``featurizer_`` (``None`` for a model fitted on a
    matrix, which then has ``n_features_in_``), ``estimators_`` (one per
    label), ``coef_`` (label x feature weights used by :meth:`explain`),
    ``cv_scores_`` (out-of-fold figures at the chosen thresholds, or ``None``),
    ``context_`` (``ArticleContext`` or ``None``), ``training_data_sha256_``, ``n_train_``.

    >>> import zonenlp
    >>> model = zonenlp.load()  # the shipped ThemeClassifier
    >>> texts = ["湘潭高新区新签约亿元以上项目10个，总投资额39亿元。", "今年一季度园区规上工业增加值增长8.5%。"]
    >>> model.classes_.tolist()
    ['investment', 'environment', 'talent', 'outreach']
    >>> model.predict(texts)  # an indicator matrix, as scikit-learn's multi-label classifiers give
    array([[1, 0, 0, 0],
           [0, 0, 0, 0]])
    >>> model.predict_labels(texts)  # the same as label lists; [] is "other"
    [['investment'], []]
    >>> bool((model.decision_function(texts) > 0).tolist() == model.predict(texts).astype(bool).tolist())
    True
    """

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
        article_context: bool = False,
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
        self.article_context = article_context

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        # each label is a yes/no question of its own: y is an indicator matrix
        # (or label lists), never one column of several classes
        tags.classifier_tags = ClassifierTags(multi_class=False, multi_label=True)
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.input_tags.string = True  # texts, featurized by its TfidfFeaturizer ...
        tags.input_tags.sparse = True  # ... or a numeric matrix, dense or sparse
        return tags

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
        from sklearn.base import clone

        return TfidfFeaturizer() if self.featurizer is None else clone(self.featurizer)

    def _check_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError("this ThemeClassifier is not fitted yet; call fit or use zonenlp.load()")

    def _text_featurizer(self, what: str) -> TfidfFeaturizer:
        """The fitted featurizer, for what needs texts; a model fitted on a matrix has none."""
        self._check_fitted()
        if self.featurizer_ is None:
            raise NotImplementedError(f"{what} needs a model fitted on texts; this one was fitted on a feature matrix")
        return self.featurizer_

    @property
    def backend(self) -> str:
        """The tokenizer backend this model segments with (``"jieba"`` or ``"rjieba"``)."""
        return self._text_featurizer("backend").tokenizer_.resolved_backend

    def use_backend(self, backend: str) -> ThemeClassifier:
        """Segment with another tokenizer backend from now on (same dictionary and settings); returns self."""
        featurizer = self._text_featurizer("use_backend")
        current = featurizer.tokenizer_
        if backend != current.backend:
            require_backend(backend)  # an unknown or missing backend fails here, not at the next predict
            featurizer.tokenizer = Tokenizer(**{**current.settings(), "backend": backend})
        return self

    # -- fitting ----------------------------------------------------------------
    def _checked_matrix(self, X: Any, *, reset: bool) -> Any:
        from sklearn.utils.validation import validate_data

        return validate_data(self, X, accept_sparse="csr", reset=reset)

    def fit(self, X: Any, y: Any, groups: Sequence[Any] | None = None) -> ThemeClassifier:
        """Learn from texts or a feature matrix ``X`` and the labels ``y`` of its rows.

        ``y`` is an indicator matrix ``(n_samples, n_labels)`` of 0 and 1, or
        label lists (``[["investment"], []]``, ``[]`` for none). ``groups``
        (optional, one per sample) keeps samples of one group — an article,
        a source — in the same cross-validation fold.
        """
        self.__dict__.pop("n_features_in_", None)
        self.__dict__.pop("feature_names_in_", None)
        X = self._checked_matrix(X, reset=True) if is_feature_matrix(X) else check_texts(X)
        n = X.shape[0] if not isinstance(X, list) else len(X)
        target = targets(y, n, self.label_order)
        if groups is not None and len(groups) != n:
            raise InputValueError(f"got {n} texts but {len(groups)} groups")
        for label, positives in zip(target.classes.tolist(), target.Y.sum(axis=0).tolist()):
            if positives in (0, n):
                raise TrainingDataError(
                    f"label {label!r} has {positives} positive examples among {n}, so only one class; "
                    "each label needs both positive and negative examples"
                )
        featurizer = self._make_featurizer() if isinstance(X, list) else None
        docs = featurizer._analyze(X) if featurizer is not None else []

        def fold_data(train: np.ndarray, validation: np.ndarray) -> tuple[Any, Any]:
            if featurizer is None:
                return X[train], X[validation]
            fold = self._make_featurizer()._fit_analyzed([docs[i] for i in train])
            return fold._transform_analyzed([docs[i] for i in train]), fold._transform_analyzed([docs[i] for i in validation])

        from .thresholds import choose_thresholds, out_of_fold_proba

        if self.article_context and groups is None:
            raise InputValueError("article_context=True needs groups: each training paragraph's article, in reading order")
        oof = cache(lambda: out_of_fold_proba(target.Y, fold_data, self._make_estimator, cv=self.cv, groups=groups,
                                              random_state=self.random_state))
        self.thresholds_, self.cv_scores_ = choose_thresholds(self.threshold, target.classes, target.Y, oof, self.cv)
        self.context_ = ArticleContext().fit(oof(), self.thresholds_, target.Y, groups) if self.article_context else None
        self.featurizer_ = featurizer._fit_analyzed(docs) if featurizer is not None else None
        features = self.featurizer_._transform_analyzed(docs) if featurizer is not None else X
        self.classes_ = target.classes
        self.estimators_ = [self._make_estimator().fit(features, column.astype(int)) for column in target.Y.T]
        self.coef_ = mean_weights(self.estimators_)
        self._linear = (self.estimators_, LinearForm.from_estimators(self.estimators_))
        self.n_train_ = n
        self.training_data_sha256_ = _training_hash(X, target)
        return self

    # -- prediction -------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_linear", None)  # derived from estimators_: rebuilt on first use, not stored
        return state

    def _linear_form(self) -> LinearForm | None:
        """The estimators as one weight matrix (None if one of them is not linear)."""
        # kept with the list it was made from: a refit (or an assigned list) makes it anew
        estimators, form = getattr(self, "_linear", (None, None))
        if estimators is not self.estimators_:
            form = LinearForm.from_estimators(self.estimators_)
            self._linear = (self.estimators_, form)
        return form

    def _proba_of_features(self, features: SparseRows | Any) -> np.ndarray:
        linear = self._linear_form()
        if linear is not None:
            return linear.predict_proba(features)
        # any other scikit-learn classifier: its own predict_proba, on a scipy matrix
        return positive_proba(self.estimators_, features.to_scipy() if isinstance(features, SparseRows) else features)

    def _proba_of_batch(self, batch: tuple[int, list[str]]) -> np.ndarray:
        """The probabilities of ``texts`` of the batch ``(start, texts)``, ``start`` being its offset in the input."""
        start, texts = batch
        try:
            docs = self.featurizer_._analyze(texts)
        except InputValueError as exc:  # name the index in the whole input, not in the batch
            raise InputValueError(_shift_index(str(exc), start)) from None
        proba = self._proba_of_features(self.featurizer_._transform_rows(docs))
        proba[[d.empty for d in docs]] = 0.0
        return proba

    def predict_proba(
        self, X: Any, *, articles: Sequence[Any] | None = None, batch_size: int = 500, n_jobs: int | None = None,
    ) -> np.ndarray:
        """Probability of each label for each text (or row of a matrix), shape ``(n, len(self.classes_))``.

        ``articles`` (optional, one per text, texts of an article in reading order) lets a
        model fitted with ``article_context=True`` move each paragraph's probabilities by
        the rest of its article (:mod:`zonenlp.context`); otherwise it changes nothing.

        Texts are featurized ``batch_size`` at a time, so memory stays bounded. With
        ``n_jobs`` (``-1``: one per core) and more than ``batch_size`` texts, this process
        and ``n_jobs - 1`` worker processes share the batches (:mod:`zonenlp.workers`): the
        workers start with a copy of the model at the first such call and are reused; they
        exit after 60 s idle or on :meth:`release_workers`, and a refit or
        :meth:`use_backend` starts new ones. A text empty after normalization has
        probability 0 for every label: there is nothing in it to be about.
        """
        proba = self._proba(X, batch_size, n_jobs)
        if articles is None:
            return proba
        check_articles(articles, len(proba))
        context = getattr(self, "context_", None)  # models saved before article context have none
        return proba if context is None else context.adjust(proba, self.thresholds_, articles)

    def _proba(self, X: Any, batch_size: int, n_jobs: int | None) -> np.ndarray:
        self._check_fitted()
        if self.featurizer_ is None:
            return self._proba_of_features(self._checked_matrix(X, reset=False))
        if is_feature_matrix(X):
            raise InputTypeError("this model was fitted on texts: give it a list of texts, not a feature matrix")
        texts = check_texts(X)
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

    def decision_function(
        self, X: Any, *, articles: Sequence[Any] | None = None, batch_size: int = 500, n_jobs: int | None = None,
    ) -> np.ndarray:
        """Each label's margin for each text, shape ``(n, len(self.classes_))``:
        ``logit(p) - logit(threshold)``, positive exactly where :meth:`predict` gives 1."""
        return margins(self.predict_proba(X, articles=articles, batch_size=batch_size, n_jobs=n_jobs), self.thresholds_)

    def predict(
        self, X: Any, *, articles: Sequence[Any] | None = None, batch_size: int = 500, n_jobs: int | None = None,
    ) -> np.ndarray:
        """The labels of each text as an indicator matrix of int, shape ``(n, len(self.classes_))``:
        1 where the label's probability reaches its threshold. For label lists, :meth:`predict_labels`."""
        return (self.predict_proba(X, articles=articles, batch_size=batch_size, n_jobs=n_jobs) >= self.thresholds_).astype(int)

    def predict_labels(
        self, X: Any, *, articles: Sequence[Any] | None = None, batch_size: int = 500, n_jobs: int | None = None,
    ) -> list[list[Any]]:
        """The labels of each text, most probable first; ``[]`` means none ("other")."""
        return ranked_labels(self.predict_proba(X, articles=articles, batch_size=batch_size, n_jobs=n_jobs), self.thresholds_, self.classes_)

    def score(self, X: Any, y: Any, sample_weight: None = None) -> float:
        """Micro-averaged F1 over labels (scikit-learn's ``score`` hook, e.g. for ``GridSearchCV``)."""
        if sample_weight is not None:
            raise InputValueError("ThemeClassifier.score does not weight samples: sample_weight must be None")
        return self.evaluate(X, y)["micro_f1"]

    def evaluate(self, X: Any, y: Any, *, articles: Sequence[Any] | None = None) -> dict[str, Any]:
        """Per-label precision/recall/F1, micro/macro F1, exact match and "other" F1 of the
        predictions for ``X`` (in their ``articles``) against ``y`` (indicator matrix or label lists)."""
        self._check_fitted()
        truth = indicator(y, self.classes_)
        pred = self.predict(X, articles=articles).astype(bool)
        if len(truth) != len(pred):
            raise InputValueError(f"got {len(pred)} texts but {len(truth)} label lists")
        return multilabel_scores(truth, pred, self.classes_.tolist())

    # -- for people: tags and explanations (zonenlp.tagging, zonenlp.explanation) ---
    def tag(
        self, X: Any, *, articles: Sequence[Any] | None = None, batch_size: int = 500, n_jobs: int | None = None,
    ) -> list[dict[str, Any]]:
        """Themes and per-label scores of each text: ``{"themes": [...], "scores": {label: p}}``,
        the themes as :meth:`predict_labels` gives them and the scores as :meth:`predict_proba`."""
        from .tagging import tag

        return tag(self, X, articles=articles, batch_size=batch_size, n_jobs=n_jobs)

    def tag_many(self, texts: Iterable[str], *, batch_size: int = 500, n_jobs: int | None = None) -> Iterator[dict[str, Any]]:
        """Like :meth:`tag`, for a stream of texts of any length: yields their tags in input
        order, reading ``batch_size`` texts (with ``n_jobs``, ``8 * n_jobs`` batches) at a time."""
        from .tagging import tag_many

        self._text_featurizer("tag_many")
        return tag_many(self, texts, batch_size=batch_size, n_jobs=n_jobs)

    def tag_frame(self, df: Any, column: str, k: int = 5) -> Any:
        """A copy of the pandas frame ``df`` with the tags of its ``column`` added: ``themes``,
        ``score_<label>`` per label, ``keywords`` (``k`` terms) and ``error`` (why a row could
        not be tagged, else ``None``). A column ``df`` already has is refused."""
        from .batch import tag_frame

        self._text_featurizer("tag_frame")
        return tag_frame(self, df, column, k=k)

    def explain(self, text: str, k: int = 5) -> dict[Any, list[tuple[str, float]]]:
        """For each theme predicted for ``text`` (``{}`` if none), the ``k`` terms that pushed
        it most towards that theme, with their weights (feature value x model weight).
        With character n-grams (the shipped model) the terms are the words of ``text``, each
        with the summed weight of its n-grams: 招商引资, not 招商, 商引 and 引资."""
        from .explanation import explain

        self._text_featurizer("explain")
        return explain(self, text, k)

    def theme_keywords(self, k: int = 20) -> dict[str, list[tuple[str, float]]]:
        """The ``k`` terms with the largest positive weight for each theme: its word features,
        or for a model of character n-grams (the shipped one) the n-grams of two or more
        characters that its tokenizer's dictionaries hold as words (not 营商环 or 目0个)."""
        from .explanation import theme_keywords

        self._text_featurizer("theme_keywords")
        return theme_keywords(self, k)
