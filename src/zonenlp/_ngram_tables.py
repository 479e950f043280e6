"""Numpy lookup tables that find a vocabulary's n-grams in a batch of text, and the sparse rows they fill.

:class:`~zonenlp.features.TfidfFeaturizer` turns every n-gram of a batch into
one integer and looks all of them up at once, a few array operations per batch
instead of a dictionary lookup per n-gram. :class:`SparseRows` is its output,
which :mod:`zonenlp.inference` multiplies with numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import TrainingDataError

__all__ = ["IntTable", "NgramIndex", "CharIds", "SparseRows", "stacked", "concatenated"]


class IntTable:
    """A hash table from non-negative int64 keys to non-negative int32 values, looked up a whole array at a time.

    Open addressing with linear probing at a load of at most one quarter: most lookups
    need one probe, each one numpy gather over the keys still unresolved
    (``numpy.searchsorted`` on sorted keys makes about 17 scattered reads per key).
    A slot holds its key and value packed in one int64 (``key << value_bits | value``)
    where both fit, so that a probe reads one place in memory instead of two: a third
    less time on the character n-grams of the shipped model. Larger keys (long word
    n-grams of a large vocabulary) keep their values in a second array.
    """

    _EMPTY = -1  # an empty slot: -1 >> value_bits is -1, never a key
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the high bits of key x this

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 4))))
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        value_bits = int(values.max(initial=0)).bit_length()
        packed = int(keys.max(initial=0)).bit_length() + value_bits <= 63
        self._value_bits = value_bits if packed else 0
        self._entries = np.full(1 << bits, self._EMPTY, dtype=np.int64)
        # unpacked: int32 values halve the second array's memory
        self._values = None if packed else np.full(1 << bits, -1, dtype=np.int32)
        slots = self._slots(keys)
        pending = np.arange(len(keys))
        while len(pending):
            free = self._entries[slots] == self._EMPTY
            # of several keys wanting one free slot, the first takes it; the rest probe on
            taken, first = np.unique(slots[free], return_index=True)
            winners = pending[free][first]
            self._entries[taken] = keys[winners] << self._value_bits | (values[winners] if packed else 0)
            if self._values is not None:
                self._values[taken] = values[winners]
            placed = np.zeros(len(pending), dtype=bool)
            placed[np.flatnonzero(free)[first]] = True
            pending, slots = pending[~placed], (slots[~placed] + 1) & self._mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        # keys are non-negative int64: viewed as uint64 they are the same numbers
        return ((keys.view(np.uint64) * self._MULTIPLIER) >> self._shift).view(np.int64)

    def _probe(self, slots: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Whether each slot holds its key, the slot's value (where it does), and whether the slot is empty."""
        entries = self._entries[slots]
        hit = entries >> self._value_bits == keys
        value = entries & ((1 << self._value_bits) - 1) if self._values is None else self._values[slots]
        return hit, value, entries == self._EMPTY

    def __len__(self) -> int:
        return int(np.count_nonzero(self._entries != self._EMPTY))

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key (a non-negative int64 array), -1 where a key is absent."""
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        slots = self._slots(keys)
        hit, value, empty = self._probe(slots, keys)
        out = np.where(hit, value, -1)
        # the few keys whose slot holds another key probe the next slots
        index = np.flatnonzero(~hit & ~empty)
        slots = slots[index]
        while len(index):
            slots = (slots + 1) & self._mask
            hit, value, empty = self._probe(slots, keys[index])
            out[index[hit]] = value[hit]
            probe_on = ~hit & ~empty
            index, slots = index[probe_on], slots[probe_on]
        return out


class NgramIndex:
    """The vocabulary's n-grams of items — words or characters — in a hash table.

    Items are numbered 1 to V (0: an item outside the vocabulary, so no
    n-gram holding it is looked up), and an n-gram is the number whose
    base-(V + 1) digits are its items' numbers: one int64, the same for the
    vocabulary's terms and for the n-grams of a text.
    """

    def __init__(self, term_ids: np.ndarray, n_items: int, what: str, setting: str) -> None:
        # term_ids: each term's item numbers, one row per term (in column
        # order), padded with 0 after the last item
        self.base = n_items + 1
        self.longest = term_ids.shape[1]
        if self.base**self.longest >= 2**63:
            raise TrainingDataError(
                f"{n_items:,} distinct {what} are too many for {self.longest}-{what[:-1]} n-grams; use a shorter {setting}"
            )
        columns = np.arange(len(term_ids))
        single = term_ids[:, 1] == 0 if self.longest > 1 else np.ones(len(term_ids), dtype=bool)
        # single items by direct lookup (a third of all character n-grams), longer n-grams by hashing
        self.unigrams = np.full(self.base, -1, dtype=np.int64)
        self.unigrams[term_ids[single, 0]] = columns[single]
        keys = np.zeros(int(np.count_nonzero(~single)), dtype=np.int64)
        for position in range(self.longest):
            digit = term_ids[~single, position]
            keys = np.where(digit != 0, keys * self.base + digit, keys)
        self.table = IntTable(keys, columns[~single])

    def entries(self, ids: np.ndarray, doc_of: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every vocabulary n-gram, ``low`` to ``high`` items long,
        in the item numbers ``ids`` of a batch whose item ``i`` is in text ``doc_of[i]``."""
        rows, columns = [], []
        gram, valid = ids, ids > 0
        for n in range(1, min(high, self.longest) + 1):  # no longer n-gram can be a term
            if n > 1:
                gram = gram[:-1] * self.base + ids[n - 1 :]
                # all items known, and all in one text
                valid = valid[:-1] & (ids[n - 1 :] > 0) & (doc_of[: len(gram)] == doc_of[n - 1 :])
            if n >= low and len(gram):
                column = self.unigrams[gram[valid]] if n == 1 else self.table.get(gram[valid])
                found = column >= 0
                rows.append(doc_of[: len(gram)][valid][found])
                columns.append(column[found])
        return concatenated(rows), concatenated(columns)


_BMP = 1 << 16


class CharIds:
    """The numbers 1 to V of a vocabulary's characters (0 for any other character)."""

    def __init__(self, alphabet: np.ndarray) -> None:
        self.alphabet = alphabet  # the characters' code points, sorted
        # the Basic Multilingual Plane, where nearly all text is, by direct lookup: 256 KB
        self._bmp_ids = np.zeros(_BMP, dtype=np.int32)
        in_bmp = alphabet < _BMP
        self._bmp_ids[alphabet[in_bmp]] = np.flatnonzero(in_bmp) + 1

    def ids(self, codes: np.ndarray) -> np.ndarray:
        """The number of each code point (uint32), 0 for characters outside the vocabulary."""
        ids = self._bmp_ids[np.minimum(codes, _BMP - 1)].astype(np.int64)
        beyond = np.flatnonzero(codes >= _BMP)  # emoji and rare ideographs: few, found by binary search
        if len(beyond):
            position = np.searchsorted(self.alphabet, codes[beyond]).clip(max=max(len(self.alphabet) - 1, 0))
            known = self.alphabet[position] == codes[beyond] if len(self.alphabet) else np.zeros(len(beyond), dtype=bool)
            ids[beyond] = np.where(known, position + 1, 0)
        return ids


@dataclass(frozen=True)
class SparseRows:
    """TF-IDF rows in compressed sparse row form, without scipy: row ``i`` has
    the values ``data[indptr[i]:indptr[i+1]]`` in the columns ``indices[...]``,
    columns in increasing order."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def to_scipy(self) -> Any:
        """A ``scipy.sparse.csr_matrix``."""
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


def stacked(parts: list[SparseRows]) -> SparseRows:
    """The rows of ``parts``, one under the other."""
    offsets = np.cumsum([0] + [len(p.data) for p in parts])
    indptr = np.concatenate([p.indptr[:-1] + offset for p, offset in zip(parts, offsets)] + [offsets[-1:]])
    return SparseRows(
        np.concatenate([p.data for p in parts]),
        np.concatenate([p.indices for p in parts]),
        indptr.astype(np.int64),
        (sum(p.shape[0] for p in parts), parts[0].shape[1]),
    )


def concatenated(parts: list[np.ndarray]) -> np.ndarray:
    """The arrays of ``parts`` end to end (an empty int64 array for none)."""
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
