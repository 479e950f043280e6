"""The corpus's near-duplicate rule, shared by tests/test_corpus.py and scripts/build_corpus.py.

Two paragraphs are near-duplicates when they share more than half of the
character 5-grams of the shorter one.
"""

from __future__ import annotations

from collections import Counter, defaultdict


def char_grams(text: str, n: int = 5) -> frozenset[str]:
    """The set of character n-grams of ``text``, whitespace removed."""
    text = "".join(text.split())
    return frozenset(text[i : i + n] for i in range(max(1, len(text) - n + 1)))


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared n-grams as a share of the smaller set."""
    return len(a & b) / max(1, min(len(a), len(b)))


def near_duplicate_pairs(texts: list[str], threshold: float = 0.5) -> list[tuple[int, int, float]]:
    """All pairs (i, j, overlap) with i < j whose overlap exceeds ``threshold``.

    An inverted index of n-grams counts shared grams only for pairs that share
    any, instead of comparing every pair of sets.
    """
    grams = [char_grams(t) for t in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for j, g in enumerate(grams):
        shared: Counter[int] = Counter()
        for gram in g:
            shared.update(postings[gram])
            postings[gram].append(j)
        for i, count in shared.items():
            ratio = count / max(1, min(len(grams[i]), len(g)))
            if ratio > threshold:
                pairs.append((i, j, ratio))
    return pairs
