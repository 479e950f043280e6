"""The numpy lookup tables the featurizer finds n-grams with."""

import numpy as np
import pytest

from zonenlp._ngram_tables import CharIds, IntTable, SparseRows, stacked


@pytest.mark.parametrize("largest, packed", [(2**40, True), (2**62, False)])
def test_lookup_table_finds_every_key_and_no_other(largest, packed):
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, largest, 5000))
    table = IntTable(keys, np.arange(len(keys)))
    assert (table._values is None) == packed  # keys and values in one int64 where they fit
    assert len(table) == len(keys)
    assert (table.get(keys) == np.arange(len(keys))).all()
    absent = np.setdiff1d(rng.integers(0, 2**62, 5000), keys)
    assert (table.get(absent) == -1).all()
    assert (table.get(np.zeros(0, dtype=np.int64)) == np.zeros(0)).all()


def test_character_numbers_inside_and_beyond_the_basic_plane():
    alphabet = np.array(sorted(map(ord, "招商😀")), dtype=np.int64)  # 商 U+5546, 招 U+62DB, 😀 U+1F600
    ids = CharIds(alphabet).ids(np.array([ord(c) for c in "商招x😀😁"], dtype=np.int64))
    assert ids.tolist() == [1, 2, 0, 3, 0]  # 1 to V in code point order, 0 for characters outside


def test_stacked_rows_are_the_rows_one_under_the_other():
    a = SparseRows(np.array([1.0, 2.0], dtype=np.float32), np.array([0, 2], dtype=np.int32), np.array([0, 2, 2]), (2, 3))
    b = SparseRows(np.array([3.0], dtype=np.float32), np.array([1], dtype=np.int32), np.array([0, 1]), (1, 3))
    both = stacked([a, b])
    np.testing.assert_array_equal(both.to_scipy().toarray(), np.vstack([a.to_scipy().toarray(), b.to_scipy().toarray()]))
