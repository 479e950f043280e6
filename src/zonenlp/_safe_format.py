"""The safe model format: arrays and JSON in one ``.npz`` file, read without unpickling.

``write_safe`` takes a fitted ThemeClassifier apart into numbers and strings;
``read_safe`` builds an equivalent one from them with ``numpy.load(...,
allow_pickle=False)``, so a model file from an untrusted source cannot run
code. Each linear estimator is kept as its weights and calibration, from which
the model predicts what scikit-learn computes for it. This is the format of
the shipped model: it loads without importing scikit-learn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .context import ArticleContext
from .errors import ModelFileError
from .features import TfidfFeaturizer
from .inference import LabelColumns, LinearForm, linear_parts
from .labels import as_classes
from .tokenizer import Tokenizer

SAFE_FORMAT = "zonenlp-safe/2"


def _export_estimator(est: Any, j: int, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    parts = linear_parts(est)
    if parts is None:
        raise ModelFileError(f"the safe format holds linear estimators only, not a {type(est).__name__}; save as .joblib")
    coefs, intercepts, a, b = zip(*parts)
    # float32: half the bytes to read and inflate at load; probabilities stay within 1e-6 of the fitted model's
    arrays[f"est{j}_coefs"] = np.vstack(coefs).astype(np.float32)
    arrays[f"est{j}_intercepts"] = np.array(intercepts, dtype=float)
    arrays[f"est{j}_a"] = np.array(a, dtype=float)
    arrays[f"est{j}_b"] = np.array(b, dtype=float)
    return {"kind": "linear"}


def _import_estimators(specs: list[dict[str, Any]], arrays: dict[str, np.ndarray]) -> list[LabelColumns]:
    """The estimators: one per label, each a view of the one LinearForm that predicts with them all."""
    for spec in specs:
        if spec["kind"] != "linear":
            raise ModelFileError(f"unknown estimator kind {spec['kind']!r} in a safe model file")
    if not specs:
        return []
    coefs = [arrays.pop(f"est{j}_coefs") for j in range(len(specs))]
    bounds = np.cumsum([0] + [len(c) for c in coefs])
    # filled column block by column block: one matrix in LinearForm's layout, no transposed copy
    weights = np.empty((coefs[0].shape[1], int(bounds[-1])), dtype=np.float64)
    for j, block in enumerate(coefs):
        weights[:, bounds[j] : bounds[j + 1]] = block.T
    del coefs
    form = LinearForm(
        weights,
        *(np.concatenate([arrays[f"est{j}_{name}"] for j in range(len(specs))]) for name in ("intercepts", "a", "b")),
        np.repeat(np.arange(len(specs)), np.diff(bounds)),
    )
    return form.label_estimators()


_FITTED_ARRAYS = ("word_terms_", "word_idf_", "char_terms_", "char_idf_")


def write_safe(model: Any, path: Path) -> None:
    """Write a fitted ThemeClassifier as arrays and JSON (``.npz``, no pickles)."""
    featurizer = model.featurizer_
    tokenizer = featurizer.tokenizer if featurizer.tokenizer is not None else Tokenizer()
    if not isinstance(model.estimator, str):
        raise ModelFileError("the safe format holds models with estimator 'logreg', 'svm' or 'nb'; save as .joblib")
    if featurizer.lexicon_weight:  # the lexicon is read from the package, which may change under a saved model
        raise ModelFileError("the safe format does not hold lexicon features; save as .joblib")
    arrays: dict[str, np.ndarray] = {
        "thresholds": np.asarray(model.thresholds_, dtype=float),
        "coef": np.asarray(model.coef_),
    }
    config = {
        "format": SAFE_FORMAT,
        "classes": model.classes_.tolist(),
        "classifier_params": {k: v for k, v in model.get_params(deep=False).items() if k != "featurizer"},
        # tuples are written as JSON lists, and read back as tuples by _tuples
        "featurizer_params": {k: v for k, v in featurizer.get_params(deep=False).items() if k != "tokenizer"},
        "tokenizer_params": {
            k: str(v) if k == "user_dict" and v is not None else v for k, v in tokenizer.settings().items()
        },
        "featurizer_arrays": [name for name in _FITTED_ARRAYS if getattr(featurizer, name) is not None],
        "estimators": [_export_estimator(est, j, arrays) for j, est in enumerate(model.estimators_)],
        "cv_scores": model.cv_scores_,
        "n_train": int(model.n_train_),
        "training_data_sha256": model.training_data_sha256_,
    }
    for name in config["featurizer_arrays"]:
        arrays[name] = getattr(featurizer, name)
    context = getattr(model, "context_", None)
    if context is not None:
        config["context_C"] = context.C
        arrays["context_coef"], arrays["context_intercept"] = context.coef_, context.intercept_
    arrays["config"] = np.asarray(json.dumps(config, ensure_ascii=False))
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def _tuples(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters read from JSON, with the lists that were tuples (ranges, words, labels) tuples again."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def read_safe(path: Path) -> Any:
    """Build a ThemeClassifier from a safe ``.npz`` file without unpickling anything."""
    from .classifier import ThemeClassifier

    # the file is ours to close: numpy leaves one it opened itself open when the archive is damaged
    with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    config = json.loads(str(arrays["config"]))
    if config.get("format") != SAFE_FORMAT:
        raise ModelFileError(f"{path} is not a zonenlp safe model ({SAFE_FORMAT})")
    tokenizer = Tokenizer(**_tuples(config["tokenizer_params"]))
    featurizer = TfidfFeaturizer(tokenizer=tokenizer, **_tuples(config["featurizer_params"]))
    for name in _FITTED_ARRAYS:
        setattr(featurizer, name, arrays[name] if name in config["featurizer_arrays"] else None)
    featurizer.n_features_out_ = len(featurizer.get_feature_names_out())
    model = ThemeClassifier(featurizer=featurizer, **_tuples(config["classifier_params"]))
    model.classes_ = as_classes(config["classes"])
    model.thresholds_ = arrays["thresholds"]
    model.featurizer_ = featurizer
    model.estimators_ = _import_estimators(config["estimators"], arrays)
    model.coef_ = arrays["coef"]
    model.cv_scores_ = config["cv_scores"]
    model.n_train_ = config["n_train"]
    model.training_data_sha256_ = config["training_data_sha256"]
    model.context_ = None
    if "context_coef" in arrays:
        model.context_ = ArticleContext(C=config["context_C"])
        model.context_.coef_, model.context_.intercept_ = arrays["context_coef"], arrays["context_intercept"]
    return model
