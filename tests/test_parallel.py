"""Tagging in worker processes gives what tagging in one process gives, in input order."""

import numpy as np
import pytest

from zonenlp import InputTypeError, InputValueError
from zonenlp.parallel import resolve_jobs


def test_processes_give_the_same_results_in_order(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set] * 2
    serial = shipped_model.predict_proba(texts, batch_size=7)
    parallel = shipped_model.predict_proba(texts, n_jobs=2, batch_size=7)
    np.testing.assert_array_equal(parallel, serial)
    # small and large batches sum the same products in another order (numpy's
    # or scipy's sparse product): equal up to the last bits of a double
    np.testing.assert_allclose(shipped_model.predict_proba(texts), serial, rtol=1e-12, atol=1e-15)
    assert shipped_model.predict(texts, n_jobs=2, batch_size=7) == shipped_model.predict(texts)


def test_tag_many_streams_a_generator(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set]
    expected = shipped_model.tag(texts)
    assert list(shipped_model.tag_many(iter(texts), batch_size=8)) == expected
    assert list(shipped_model.tag_many((t for t in texts), batch_size=8, n_jobs=2)) == expected
    assert list(shipped_model.tag_many(iter([]))) == []


def test_errors_name_the_index_in_the_whole_input(shipped_model):
    texts = ["园区签约项目"] * 12 + ["招" * 1_000_001]
    with pytest.raises(InputValueError, match=r"texts\[12\]"):
        shipped_model.predict(texts, n_jobs=2, batch_size=5)
    with pytest.raises(InputTypeError, match=r"texts\[3\]"):
        list(shipped_model.tag_many(iter(["好", "好", "好", None]), batch_size=2))


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, True, "2"])
def test_bad_n_jobs(n_jobs):
    with pytest.raises(InputValueError, match="n_jobs"):
        resolve_jobs(n_jobs)


def test_resolve_jobs():
    assert resolve_jobs(None) == 1 and resolve_jobs(3) == 3 and resolve_jobs(-1) >= 1
