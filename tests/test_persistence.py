import json
import warnings

import numpy as np
import pytest

import zonenlp
from zonenlp import ModelFileError, ModelIntegrityError, NotFittedError, ThemeClassifier, ZonenlpVersionWarning
from zonenlp.persistence import default_model_path, manifest_path, read_manifest


def test_save_load_round_trip(tmp_path, tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    path = tmp_path / "m.joblib"
    manifest = zonenlp.save(tiny_model, path, metrics={"note": 1})
    assert manifest == tmp_path / "m.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["labels"] == ["investment", "talent"]
    assert data["training_data_sha256"] == tiny_model.training_data_sha256_
    assert data["metrics"] == {"note": 1}
    assert set(data["versions"]) >= {"zonenlp", "scikit-learn", "jieba"}
    loaded = zonenlp.load(path)
    np.testing.assert_allclose(loaded.predict_proba(texts), tiny_model.predict_proba(texts), rtol=1e-6)


def test_tampered_file_is_refused_before_unpickling(tmp_path, tiny_model):
    path = tmp_path / "m.joblib"
    zonenlp.save(tiny_model, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="sha256"):
        zonenlp.load(path)


def test_truncated_file_with_matching_manifest_gives_a_clear_error(tmp_path, tiny_model):
    path = tmp_path / "m.joblib"
    zonenlp.save(tiny_model, path)
    path.write_bytes(path.read_bytes()[:100])
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    import hashlib

    manifest["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError, match="cannot load"):
        zonenlp.load(path)


def test_missing_file_or_manifest(tmp_path, tiny_model):
    with pytest.raises(ModelFileError, match="no model file"):
        zonenlp.load(tmp_path / "absent.joblib")
    path = tmp_path / "m.joblib"
    zonenlp.save(tiny_model, path)
    manifest_path(path).unlink()
    with pytest.raises(ModelFileError, match="no manifest"):
        zonenlp.load(path)
    manifest_path(path).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="cannot read manifest"):
        zonenlp.load(path)


def test_version_mismatch_warns(tmp_path, tiny_model):
    path = tmp_path / "m.joblib"
    zonenlp.save(tiny_model, path)
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    manifest["versions"]["scikit-learn"] = "0.1"
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.warns(ZonenlpVersionWarning, match="scikit-learn 0.1"):
        zonenlp.load(path)


def test_unfitted_model_is_not_saved(tmp_path):
    with pytest.raises(NotFittedError):
        zonenlp.save(ThemeClassifier(), tmp_path / "m.joblib")


def test_shipped_model_loads_without_arguments_and_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = zonenlp.load()
    assert model.labels == ("investment", "environment", "talent", "outreach")
    manifest = read_manifest()
    assert manifest["model_file"] == default_model_path().name
    assert manifest["metrics"]["seed_page"]["n"] > 0


def test_shipped_model_predicts_without_importing_scikit_learn_or_scipy():
    """The shipped model is a safe file and predicts with numpy: the start stays fast and small."""
    import subprocess
    import sys

    code = (
        "import sys, zonenlp; m = zonenlp.load(backend='jieba'); print(m.predict(['湘潭高新区新签约亿元以上项目10个'])); "
        "print(sorted(p for p in ('sklearn', 'scipy', 'joblib') if p in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["[['investment']]", "[]"]
