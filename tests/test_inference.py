"""Prediction with numpy alone gives what scikit-learn's own estimators give."""

import numpy as np
import pytest

from zonenlp import ThemeClassifier
from zonenlp.inference import LinearForm, margins, positive_proba


@pytest.mark.parametrize("estimator", ["logreg", "svm", "nb"])
def test_numpy_prediction_equals_scikit_learns_own(tiny_corpus, estimator):
    """Prediction goes through LinearForm (numpy); scikit-learn's predict_proba must agree."""
    texts, labels = tiny_corpus
    model = ThemeClassifier(estimator=estimator, threshold=0.5).fit(texts, labels)
    assert model._linear_form() is not None
    own = positive_proba(model.estimators_, model.featurizer_.transform(texts))
    np.testing.assert_allclose(model.predict_proba(texts), own, rtol=1e-5, atol=1e-7)
    # one text at a time takes numpy's sparse product, many take scipy's: the same figures
    np.testing.assert_allclose(np.vstack([model.predict_proba([t]) for t in texts[:5]]), own[:5], rtol=1e-5, atol=1e-7)


def test_any_other_estimator_predicts_through_its_own_predict_proba(tiny_corpus):
    from sklearn.tree import DecisionTreeClassifier

    texts, labels = tiny_corpus
    model = ThemeClassifier(estimator=DecisionTreeClassifier(random_state=0), threshold=0.5).fit(texts, labels)
    assert model._linear_form() is None and model.coef_ is None
    own = positive_proba(model.estimators_, model.featurizer_.transform(texts))
    np.testing.assert_array_equal(model.predict_proba(texts), own)


def test_label_estimators_are_views_of_their_form(tiny_model, tiny_corpus):
    texts, _ = tiny_corpus
    form = LinearForm.from_estimators(tiny_model.estimators_)
    views = form.label_estimators()
    assert LinearForm.from_estimators(views) is form  # no copy of the weights
    assert all(np.shares_memory(w, form.weights) for view in views for w, *_ in view.linear_parts())
    rows = tiny_model.featurizer_.transform(texts)
    np.testing.assert_array_equal(LinearForm.from_estimators(views[::-1]).predict_proba(rows), form.predict_proba(rows)[:, ::-1])


def test_margins_are_positive_exactly_from_the_threshold_on():
    proba = np.array([[0.0, 0.3, 0.3000000000000001, 0.7, 1.0]]).T
    m = margins(proba, np.array([0.3]))[:, 0]
    assert (m > 0).tolist() == [False, True, True, True, True]
    assert m[0] == -np.inf and m[-1] == np.inf and list(m) == sorted(m)
