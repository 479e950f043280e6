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
    assert manifest == tmp_path / "m.joblib.json"
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


def test_a_model_fitted_on_a_matrix_is_left_to_joblib(tmp_path, tiny_model, tiny_corpus):
    texts, labels = tiny_corpus
    model = ThemeClassifier(threshold=0.5).fit(tiny_model.featurizer_.transform(texts), labels)
    for name in ("m.joblib", "m.npz"):
        with pytest.raises(zonenlp.InputTypeError, match="feature matrix.*joblib.dump"):
            zonenlp.save(model, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_shipped_model_loads_without_arguments_and_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = zonenlp.load()
    assert tuple(model.classes_) == ("investment", "environment", "talent", "outreach")
    manifest = read_manifest()
    assert manifest["model_file"] == default_model_path().name
    assert manifest["metrics"]["seed_page"]["n"] > 0


def test_shipped_model_predicts_without_importing_scikit_learn_or_scipy():
    """The shipped model is a safe file and predicts with numpy: the start stays fast and small."""
    import subprocess
    import sys

    code = (
        "import sys, zonenlp; m = zonenlp.load(backend='jieba'); texts = ['湘潭高新区新签约亿元以上项目10个']; "
        "print(m.predict(texts).tolist(), m.predict_labels(texts), m.tag(texts)[0]['themes']); "
        "print(sorted(p for p in ('sklearn', 'scipy', 'joblib') if p in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["[[1, 0, 0, 0]] [['investment']] ['investment']", "[]"]


# -- one manifest per model file; failed saves leave nothing; damaged files give zonenlp's errors --


def test_one_model_saved_in_every_format_in_one_folder_loads_from_each(tmp_path, tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    expected = tiny_model.predict_proba(texts)
    names = ["m.npz", "m.joblib", "m.pkl"]
    manifests = [zonenlp.save(tiny_model, tmp_path / name) for name in names]
    assert [m.name for m in manifests] == ["m.npz.json", "m.joblib.json", "m.pkl.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names + [m.name for m in manifests])
    for name in names:
        np.testing.assert_allclose(zonenlp.load(tmp_path / name).predict_proba(texts), expected, rtol=1e-6)
        assert read_manifest(tmp_path / name)["model_file"] == name


def test_a_manifest_of_the_old_layout_is_read_only_for_its_own_file(tmp_path, tiny_model):
    path = tmp_path / "m.npz"
    zonenlp.save(tiny_model, path)
    manifest_path(path).rename(tmp_path / "m.json")  # as earlier releases wrote it
    assert zonenlp.load(path).classes_.tolist() == tiny_model.classes_.tolist()
    zonenlp.save(tiny_model, tmp_path / "m.joblib")  # writes m.joblib.json: m.json stays m.npz's
    assert zonenlp.load(path).classes_.tolist() == tiny_model.classes_.tolist()
    (tmp_path / "m.npz").rename(tmp_path / "other.npz")
    (tmp_path / "m.json").rename(tmp_path / "other.json")
    (tmp_path / "m.joblib").rename(tmp_path / "other.pkl")
    with pytest.raises(ModelFileError, match="other.json is the manifest of 'm.npz', not of 'other.pkl'"):
        zonenlp.load(tmp_path / "other.pkl")


def test_a_manifest_of_another_file_is_refused(tmp_path, tiny_model):
    zonenlp.save(tiny_model, tmp_path / "a.npz")
    (tmp_path / "b.npz").write_bytes((tmp_path / "a.npz").read_bytes())
    (tmp_path / "b.npz.json").write_bytes((tmp_path / "a.npz.json").read_bytes())
    with pytest.raises(ModelFileError, match="b.npz.json is the manifest of 'a.npz', not of 'b.npz'"):
        zonenlp.load(tmp_path / "b.npz")


def _rehash(path) -> None:
    """Make the manifest vouch for the file as it is now: a tamperer who edits both."""
    import hashlib

    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    manifest["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("name", ["m.npz", "m.joblib", "m.pkl"])
@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "swap"])
def test_a_damaged_file_gives_zonenlps_error_only(tmp_path, tiny_model, name, damage):
    path = tmp_path / name
    zonenlp.save(tiny_model, path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) * 2 // 3]
    elif damage == "flip":
        for at in range(len(data) // 3, len(data) // 3 + 64):
            data[at] ^= 0x5A
    elif damage == "empty":
        data = bytearray()
    else:  # the other format's bytes under this name
        other = tmp_path / ("x.joblib" if name.endswith(".npz") else "x.npz")
        zonenlp.save(tiny_model, other)
        data = bytearray(other.read_bytes())
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="sha256 .* the file was changed"):
        zonenlp.load(path)
    _rehash(path)
    with pytest.raises(ModelFileError) as caught:
        zonenlp.load(path)
    assert type(caught.value) in (ModelFileError, ModelIntegrityError)
    assert "not a complete" in str(caught.value) and "save the model again" in str(caught.value)


def test_a_save_that_fails_leaves_nothing_behind(tmp_path, tiny_corpus, tiny_model):
    texts, labels = tiny_corpus
    with_lexicon = ThemeClassifier(featurizer=zonenlp.TfidfFeaturizer(lexicon_weight=1.0), threshold=0.5).fit(texts, labels)
    with pytest.raises(ModelFileError, match="lexicon"):
        zonenlp.save(with_lexicon, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []
    # a failed save over an earlier model leaves that model loadable, as it was
    zonenlp.save(tiny_model, tmp_path / "m.npz")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ModelFileError):
        zonenlp.save(with_lexicon, tmp_path / "m.npz")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert zonenlp.load(tmp_path / "m.npz").classes_.tolist() == tiny_model.classes_.tolist()


def test_only_theme_classifiers_are_saved_and_nothing_is_written_for_others(tmp_path, tiny_corpus):
    from sklearn.linear_model import LogisticRegression

    texts, labels = tiny_corpus
    featurizer = zonenlp.TfidfFeaturizer().fit(texts)
    for other in (featurizer, LogisticRegression().fit([[0.0], [1.0]], [0, 1])):
        for name in ("x.joblib", "x.npz"):
            with pytest.raises(zonenlp.InputTypeError, match="ThemeClassifier models .* joblib.dump"):
                zonenlp.save(other, tmp_path / name)
    assert list(tmp_path.iterdir()) == []
