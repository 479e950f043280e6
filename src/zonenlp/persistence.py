"""Saving and loading models, with a manifest that vouches for each file.

A model is a file plus a JSON manifest named after the whole file name
(``model.npz`` -> ``model.npz.json``), recording the versions it was made
with, its labels, the hash of its training data, its evaluation figures and
the sha256 of the model file. Two formats:

- **joblib** (``.joblib``, ``.pkl`` or any other suffix): any fitted
  ThemeClassifier. Unpickling runs code, so :func:`load` refuses a file whose
  sha256 does not match its manifest before reading it.
- **safe** (``.npz``, the shipped model's format): numbers, strings and JSON
  only, read with ``numpy.load(allow_pickle=False)``. It holds models built
  from zonenlp's own parts (TfidfFeaturizer with the shipped or a path-free
  tokenizer; ``"logreg"``, ``"svm"`` or ``"nb"``), and predicts what the
  joblib model predicts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import uuid
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

from ._version import __version__
from .errors import InputTypeError, ModelFileError, ModelIntegrityError, NotFittedError, ZonenlpVersionWarning

__all__ = ["save", "load", "read_manifest", "manifest_path", "default_model_path", "DEFAULT_MODEL_FILE"]

DEFAULT_MODEL_FILE = "zonenlp-themes.npz"
MANIFEST_FORMAT = "zonenlp-manifest/1"


def manifest_path(model_path: str | Path) -> Path:
    """The manifest that belongs to ``model_path``: its whole name plus ``.json`` (``m.npz`` -> ``m.npz.json``)."""
    path = Path(model_path)
    return path.with_name(path.name + ".json")


def default_model_path() -> Path:
    """Where the shipped model is installed (the package resource ``zonenlp._models``)."""
    return Path(str(resources.files("zonenlp._models").joinpath(DEFAULT_MODEL_FILE)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    # read from the installed packages' metadata: importing scikit-learn and
    # jieba just to ask their versions would cost a second at every load
    from importlib.metadata import PackageNotFoundError, version

    versions = {"zonenlp": __version__}
    for package in ("scikit-learn", "jieba", "numpy"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return {**versions, "python": platform.python_version()}


def _is_safe(path: Path) -> bool:
    return path.suffix == ".npz"


def save(model: Any, path: str | Path, *, metrics: dict[str, Any] | None = None, notes: dict[str, Any] | None = None) -> Path:
    """Write a fitted ThemeClassifier to ``path`` and its manifest beside it; return the manifest's path.

    A path ending in ``.npz`` is written in the safe format, anything else with
    joblib. ``metrics`` (evaluation figures) and ``notes`` (anything else worth
    recording) go into the manifest. Both files are written under temporary
    names and renamed into place: a save that fails (a model the safe format
    cannot hold, a full disk) leaves nothing behind, and an earlier model at
    ``path`` as it was.
    """
    from .classifier import ThemeClassifier

    if not isinstance(model, ThemeClassifier):
        raise InputTypeError(
            f"zonenlp.save writes ThemeClassifier models (what zonenlp.load reads), not a {type(model).__name__}; "
            "save other estimators with joblib.dump"
        )
    if not hasattr(model, "classes_"):
        raise NotFittedError("only a fitted model can be saved")
    if model.featurizer_ is None:
        raise InputTypeError(
            "zonenlp.save writes models that read texts (what zonenlp.load reads); save a model fitted on a "
            "feature matrix, with the pipeline that makes its features, with joblib.dump"
        )
    path = Path(path)
    target = manifest_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    model_tmp = path.with_name(f".{path.name}.{token}.tmp")
    manifest_tmp = target.with_name(f".{target.name}.{token}.tmp")
    try:
        if _is_safe(path):
            from ._safe_format import write_safe

            write_safe(model, model_tmp)
        else:
            import joblib

            joblib.dump(model, model_tmp, compress=3)
        manifest = {
            "format": MANIFEST_FORMAT,
            "model_file": path.name,
            "model_format": "safe" if _is_safe(path) else "joblib",
            "model_sha256": _sha256(model_tmp),
            "model_bytes": model_tmp.stat().st_size,
            "versions": _versions(),
            "labels": model.classes_.tolist(),
            "thresholds": {str(c): float(t) for c, t in zip(model.classes_, model.thresholds_)},
            "n_train": int(model.n_train_),
            "training_data_sha256": model.training_data_sha256_,
            "cv_scores": model.cv_scores_,
            "metrics": metrics or {},
            "notes": notes or {},
        }
        manifest_tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(model_tmp, path)
        os.replace(manifest_tmp, target)
    finally:
        model_tmp.unlink(missing_ok=True)
        manifest_tmp.unlink(missing_ok=True)
    return target


def read_manifest(path: str | Path | None = None) -> dict[str, Any]:
    """The manifest of the model at ``path`` (``None``: the shipped model).

    That is ``path`` + ``.json``; failing that, a manifest of the old layout
    (``path`` with its suffix replaced by ``.json``) if it names this file.
    A manifest that names another file raises :class:`ModelFileError`.
    """
    model_path = Path(path) if path is not None else default_model_path()
    target = manifest_path(model_path)
    if not target.is_file():
        target = model_path.with_suffix(".json")  # the old layout, which m.npz and m.joblib shared
        if not target.is_file() or target == model_path:
            raise ModelFileError(f"no manifest {manifest_path(model_path)} beside {model_path}; "
                                 "zonenlp loads only model files whose sha256 a manifest records")
    try:
        manifest = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"cannot read manifest {target}: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ModelFileError(f"{target} is not a zonenlp manifest (format {MANIFEST_FORMAT})")
    if manifest.get("model_file") != model_path.name:
        raise ModelFileError(
            f"{target} is the manifest of {manifest.get('model_file')!r}, not of {model_path.name!r}; "
            "a model file and its manifest must keep the names they were saved with"
        )
    return manifest


#: Both of these must reach this share for ``load(backend="auto")`` to switch a
#: model to rjieba: tokens in agreement with jieba's, and paragraphs of the
#: training corpus given the same themes (measured by scripts/train_model.py).
BACKEND_PARITY = 0.995


def _fast_backend_holds(manifest: dict[str, Any]) -> bool:
    parity = manifest.get("notes", {}).get("backend_parity", {}).get("rjieba")
    if not parity or min(parity.get("token_agreement", 0), parity.get("prediction_agreement", 0)) < BACKEND_PARITY:
        return False
    from ._engines import resolve_backend

    return resolve_backend("auto") == "rjieba"  # rjieba is installed


def load(path: str | Path | None = None, backend: str = "auto") -> Any:
    """Load a model saved by :func:`save`; ``None`` loads the shipped default model.

    ``backend`` chooses the tokenizer backend: ``"auto"`` uses rjieba when it
    is installed (zonenlp installs it where it has a wheel) and the manifest records that it gives
    the same results as the backend the model was trained with (at least
    :data:`BACKEND_PARITY` of tokens and of predictions), else the trained
    one; ``"jieba"`` or ``"rjieba"`` choose outright. ``model.backend`` says
    which is in use.

    The file's sha256 must match its manifest, or :class:`ModelIntegrityError`
    is raised before any byte of it is read as a model. A ``.npz`` file is read
    in the safe format (no code runs); other files are unpickled with joblib. A
    model saved with other versions of zonenlp, scikit-learn or jieba loads
    with a :class:`ZonenlpVersionWarning`.

    >>> model = load()  # the shipped model
    >>> model.predict_labels(["高新区出台人才新政，对引进的高层次人才给予安家补贴。"])
    [['talent']]
    >>> read_manifest()["model_file"], read_manifest()["labels"]
    ('zonenlp-themes.npz', ['investment', 'environment', 'talent', 'outreach'])
    """
    from .classifier import ThemeClassifier

    model_path = Path(path) if path is not None else default_model_path()
    if not model_path.is_file():
        raise ModelFileError(f"no model file at {model_path}")
    manifest = read_manifest(model_path)
    actual = _sha256(model_path)
    if actual != manifest.get("model_sha256"):
        raise ModelIntegrityError(
            f"{model_path} has sha256 {actual}, but its manifest records {manifest.get('model_sha256')}: "
            "the file was changed, truncated or replaced after it was saved; refusing to load it"
        )
    current = _versions()
    # a safe file holds arrays only: which scikit-learn made them does not matter
    for package in ("zonenlp", "jieba") if _is_safe(model_path) else ("zonenlp", "scikit-learn", "jieba"):
        saved = manifest.get("versions", {}).get(package)
        if saved != current[package]:
            message = f"{model_path.name} was saved with {package} {saved}, this is {package} {current[package]}"
            warnings.warn(message, ZonenlpVersionWarning, stacklevel=2)
    try:
        if _is_safe(model_path):
            from ._safe_format import read_safe

            model = read_safe(model_path)
        else:
            import joblib

            model = joblib.load(model_path)
    except ModelFileError:
        raise
    except Exception as exc:  # a truncated or foreign file fails in many ways inside its reader
        kind = "a .npz archive (the safe format)" if _is_safe(model_path) else "a joblib file"
        raise ModelFileError(
            f"cannot load {model_path}: it is not a complete {kind} (truncated or corrupt: {type(exc).__name__}: {exc}). "
            "Its sha256 matches its manifest, so the manifest was written for this damaged file; save the model again"
        ) from exc
    if not isinstance(model, ThemeClassifier):
        raise ModelFileError(f"{model_path} holds a {type(model).__name__}, not a ThemeClassifier")
    if backend == "auto":
        backend = "rjieba" if _fast_backend_holds(manifest) else model.backend
    model.use_backend(backend)
    logging.getLogger("zonenlp").info("%s uses the %s tokenizer backend", model_path.name, model.backend)
    return model
