"""zonenlp's estimators follow scikit-learn's protocol without inheriting from it."""

import pytest
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.utils import get_tags

from zonenlp import TfidfFeaturizer, ThemeClassifier


def test_get_and_set_params_nested():
    model = ThemeClassifier(featurizer=TfidfFeaturizer(min_df=1), C=3.0)
    params = model.get_params()
    assert params["C"] == 3.0 and params["featurizer__min_df"] == 1
    assert "featurizer__min_df" not in model.get_params(deep=False)
    model.set_params(C=0.5, featurizer__min_df=3)
    assert model.C == 0.5 and model.featurizer.min_df == 3
    with pytest.raises(ValueError, match="invalid parameter 'gamma'"):
        model.set_params(gamma=1)


def test_clone_repr_and_tags():
    model = ThemeClassifier(estimator="svm", C=2.0)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    assert repr(model) == "ThemeClassifier(C=2.0, estimator='svm')"
    assert repr(TfidfFeaturizer()) == "TfidfFeaturizer()"
    assert is_classifier(model) and get_tags(model).input_tags.string
    assert get_tags(TfidfFeaturizer()).transformer_tags is not None


def test_grid_search_fits_clones(tiny_corpus):
    texts, labels = tiny_corpus
    search = GridSearchCV(
        ThemeClassifier(featurizer=TfidfFeaturizer(min_df=1), threshold=0.5), {"C": [1.0, 10.0]}, cv=KFold(2)  # lists of labels: not stratifiable
    ).fit(texts, labels)
    assert search.best_params_["C"] in (1.0, 10.0)
    assert len(search.best_estimator_.predict(texts)) == len(texts)
