"""The safe model format: arrays and JSON in one ``.npz`` file, read without unpickling.

``write_safe`` takes a fitted ThemeClassifier apart into numbers and strings;
``read_safe`` builds an equivalent one from them with ``numpy.load(...,
allow_pickle=False)``, so a model file from an untrusted source cannot run
code. The linear estimators are rebuilt as small predictors below that compute
exactly what scikit-learn computes for them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB

from .errors import ModelFileError
from .features import TfidfFeaturizer, _identity
from .tokenizer import Tokenizer

SAFE_FORMAT = "zonenlp-safe/1"
_VECTORIZER_SETTINGS = ("min_df", "max_df", "max_features", "sublinear_tf", "norm", "use_idf", "smooth_idf", "lowercase", "ngram_range")


class _Binary:
    classes_ = np.array([0, 1])


class SafeLogistic(_Binary):
    """Logistic regression: P(1) = expit(X·w + b)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.coef_ = coef.reshape(1, -1)
        self.intercept_ = intercept.reshape(1)

    def predict_proba(self, X: Any) -> np.ndarray:
        p = expit(np.asarray(X @ self.coef_.T).ravel() + self.intercept_[0])
        return np.column_stack([1 - p, p])


class SafeSigmoidCalibratedLinear(_Binary):
    """CalibratedClassifierCV(LinearSVC, method="sigmoid"): the mean over its
    folds of expit(-(a · (X·w + b) + c))."""

    def __init__(self, coefs: np.ndarray, intercepts: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        self.coefs, self.intercepts, self.a, self.b = coefs, intercepts, a, b
        self.coef_ = coefs.mean(axis=0).reshape(1, -1)

    def predict_proba(self, X: Any) -> np.ndarray:
        total = np.zeros(X.shape[0])
        for w, c, a, b in zip(self.coefs, self.intercepts, self.a, self.b):
            p = expit(-(a * (np.asarray(X @ w).ravel() + c) + b))
            p[(1.0 < p) & (p <= 1.0 + 1e-5)] = 1.0
            total += p
        p = total / len(self.coefs)
        return np.column_stack([1 - p, p])


class SafeComplementNB(_Binary):
    """ComplementNB: a softmax over X·log-probabilities of the two classes."""

    def __init__(self, feature_log_prob: np.ndarray) -> None:
        self.feature_log_prob_ = feature_log_prob
        self.coef_ = (feature_log_prob[1] - feature_log_prob[0]).reshape(1, -1)

    def predict_proba(self, X: Any) -> np.ndarray:
        jll = np.asarray(X @ self.feature_log_prob_.T)
        return np.exp(jll - logsumexp(jll, axis=1, keepdims=True))


def _export_estimator(est: Any, j: int, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    if isinstance(est, LogisticRegression) and est.coef_.shape[0] == 1:
        arrays[f"est{j}_coef"], arrays[f"est{j}_intercept"] = est.coef_[0], est.intercept_
        return {"kind": "logreg"}
    if isinstance(est, CalibratedClassifierCV):
        parts = est.calibrated_classifiers_
        if not all(len(c.calibrators) == 1 and isinstance(c.calibrators[0], _SigmoidCalibration) for c in parts):
            raise ModelFileError("the safe format holds sigmoid-calibrated linear estimators only")
        arrays[f"est{j}_coefs"] = np.vstack([c.estimator.coef_[0] for c in parts])
        arrays[f"est{j}_intercepts"] = np.array([c.estimator.intercept_[0] for c in parts])
        arrays[f"est{j}_a"] = np.array([c.calibrators[0].a_ for c in parts], dtype=float)
        arrays[f"est{j}_b"] = np.array([c.calibrators[0].b_ for c in parts], dtype=float)
        return {"kind": "svm"}
    if isinstance(est, ComplementNB) and list(est.classes_) == [0, 1]:
        arrays[f"est{j}_flp"] = est.feature_log_prob_
        return {"kind": "nb"}
    raise ModelFileError(f"the safe format cannot hold a {type(est).__name__}; save as .joblib")


def _import_estimator(kind: str, j: int, arrays: Any) -> Any:
    if kind == "logreg":
        return SafeLogistic(arrays[f"est{j}_coef"], arrays[f"est{j}_intercept"])
    if kind == "svm":
        return SafeSigmoidCalibratedLinear(arrays[f"est{j}_coefs"], arrays[f"est{j}_intercepts"], arrays[f"est{j}_a"], arrays[f"est{j}_b"])
    if kind == "nb":
        return SafeComplementNB(arrays[f"est{j}_flp"])
    raise ModelFileError(f"unknown estimator kind {kind!r} in a safe model file")


def _export_vectorizer(vec: TfidfVectorizer | None, name: str, arrays: dict[str, np.ndarray]) -> dict[str, Any] | None:
    if vec is None:
        return None
    terms = vec.get_feature_names_out()
    arrays[f"{name}_terms"] = np.asarray(terms, dtype=str)
    arrays[f"{name}_idf"] = vec.idf_
    settings = {k: getattr(vec, k) for k in _VECTORIZER_SETTINGS}
    settings["ngram_range"] = list(settings["ngram_range"])
    return settings


def _import_vectorizer(settings: dict[str, Any] | None, name: str, arrays: Any, analyzer: Any) -> TfidfVectorizer | None:
    if settings is None:
        return None
    settings = dict(settings, ngram_range=tuple(settings["ngram_range"]))
    vec = TfidfVectorizer(analyzer=analyzer, dtype=np.float32, **settings)
    terms = arrays[f"{name}_terms"].tolist()
    vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
    vec.idf_ = arrays[f"{name}_idf"]
    return vec


def write_safe(model: Any, path: Path) -> None:
    """Write a fitted ThemeClassifier as arrays and JSON (``.npz``, no pickles)."""
    featurizer = model.featurizer_
    tokenizer = featurizer.tokenizer if featurizer.tokenizer is not None else Tokenizer()
    if not isinstance(model.estimator, str):
        raise ModelFileError("the safe format holds models with estimator 'logreg', 'svm' or 'nb'; save as .joblib")
    arrays: dict[str, np.ndarray] = {
        "thresholds": np.asarray(model.thresholds_, dtype=float),
        "coef": np.asarray(model.coef_),
    }
    fparams = {k: v for k, v in featurizer.get_params(deep=False).items() if k != "tokenizer"}
    config = {
        "format": SAFE_FORMAT,
        "classes": [str(c) for c in model.classes_],
        "classifier_params": {k: v for k, v in model.get_params(deep=False).items() if k != "featurizer"},
        "featurizer_params": {k: list(v) if isinstance(v, tuple) else v for k, v in fparams.items()},
        "tokenizer_params": {
            k: (list(v) if k == "extra_words" else str(v) if k == "user_dict" and v is not None else v)
            for k, v in tokenizer.settings().items()
        },
        "word_vectorizer": _export_vectorizer(featurizer.word_vectorizer_, "word", arrays),
        "char_vectorizer": _export_vectorizer(featurizer.char_vectorizer_, "char", arrays),
        "estimators": [_export_estimator(est, j, arrays) for j, est in enumerate(model.estimators_)],
        "cv_scores": model.cv_scores_,
        "n_train": int(model.n_train_),
        "training_data_sha256": model.training_data_sha256_,
    }
    arrays["config"] = np.asarray(json.dumps(config, ensure_ascii=False))
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def read_safe(path: Path) -> Any:
    """Build a ThemeClassifier from a safe ``.npz`` file without unpickling anything."""
    from .classifier import ThemeClassifier

    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    config = json.loads(str(arrays["config"]))
    if config.get("format") != SAFE_FORMAT:
        raise ModelFileError(f"{path} is not a zonenlp safe model ({SAFE_FORMAT})")
    tparams = dict(config["tokenizer_params"], extra_words=tuple(config["tokenizer_params"]["extra_words"]))
    fparams = {k: tuple(v) if isinstance(v, list) else v for k, v in config["featurizer_params"].items()}
    featurizer = TfidfFeaturizer(tokenizer=Tokenizer(**tparams), **fparams)
    featurizer.word_vectorizer_ = _import_vectorizer(config["word_vectorizer"], "word", arrays, _identity)
    featurizer.char_vectorizer_ = _import_vectorizer(config["char_vectorizer"], "char", arrays, "char")
    featurizer.n_features_out_ = len(featurizer.get_feature_names_out())
    params = dict(config["classifier_params"])
    if params.get("label_order") is not None:
        params["label_order"] = tuple(params["label_order"])
    model = ThemeClassifier(featurizer=featurizer, **params)
    model.classes_ = np.asarray(config["classes"], dtype=object)
    model.thresholds_ = arrays["thresholds"]
    model.featurizer_ = featurizer
    model.estimators_ = [_import_estimator(e["kind"], j, arrays) for j, e in enumerate(config["estimators"])]
    model.coef_ = arrays["coef"]
    model.cv_scores_ = config["cv_scores"]
    model.n_train_ = config["n_train"]
    model.training_data_sha256_ = config["training_data_sha256"]
    return model
