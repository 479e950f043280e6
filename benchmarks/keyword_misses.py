"""Where zonenlp's keywords miss a gold set: a map for the keyword work of issue #20, in figures only.

For every gold keyword of every paragraph, where it stands among zonenlp's
candidates (the extractor's top 50): in the top 5, at 6-10, further down, inside
a longer candidate, longer than a candidate (a candidate is a part of it), or no
candidate at all; for every keyword of zonenlp's top 5 that is not gold, whether
it lies inside a gold keyword, contains one, or neither; and the lengths of both.
No text is written, so it can run on the real development set:

    python benchmarks/keyword_misses.py --dev ../shared/dev/real-dev.jsonl

Without ``--dev`` it reads our own gold, data/keywords/gold.jsonl.
Writes benchmarks/results/keyword_misses.md (with --dev: keyword_misses_dev.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zonenlp.keyword_extraction import KeywordExtractor  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
GOLD_PLACES = ("in the top 5", "at 6-10", "at 11-50", "inside a longer candidate",
               "longer than a candidate (a candidate is a part of it)", "no candidate")
OURS_PLACES = ("gold", "inside a gold keyword", "contains a gold keyword", "neither")


def gold_place(term: str, ranked: list[str]) -> str:
    """Where a gold keyword stands among the extractor's ranked candidates: the first of GOLD_PLACES that holds."""
    holds = (term in ranked[:5], term in ranked[:10], term in ranked, any(term in c for c in ranked),
             any(c in term for c in ranked), True)
    return GOLD_PLACES[holds.index(True)]


def ours_place(term: str, gold: list[str]) -> str:
    """What a keyword of the top 5 is to the gold: the first of OURS_PLACES that holds."""
    holds = (term in gold, any(term in g for g in gold), any(g in term for g in gold), True)
    return OURS_PLACES[holds.index(True)]


def length_row(counts: Counter[int]) -> str:
    total = sum(counts.values())
    return " | ".join(f"{counts[n] / total:.0%}" for n in range(2, 9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, metavar="PATH", help="a gold set of JSON Lines with text and keywords")
    args = parser.parse_args()
    source = args.dev or ROOT / "data" / "keywords" / "gold.jsonl"
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    extractor = KeywordExtractor()
    gold_places: Counter[str] = Counter()
    ours_places: Counter[str] = Counter()
    gold_lengths: Counter[int] = Counter()
    ours_lengths: Counter[int] = Counter()
    for record in records:
        ranked = [term for term, _ in extractor.extract(record["text"], 50)]
        gold_places.update(gold_place(term, ranked) for term in record["keywords"])
        ours_places.update(ours_place(term, record["keywords"]) for term in ranked[:5])
        gold_lengths.update(min(len(term), 8) for term in record["keywords"])
        ours_lengths.update(min(len(term), 8) for term in ranked[:5])
    n_gold, n_ours = sum(gold_places.values()), sum(ours_places.values())
    command = "python benchmarks/keyword_misses.py" + (f" --dev {args.dev}" if args.dev else "")
    lines = [
        "# Where zonenlp's keywords miss the gold",
        "",
        f"Command: `{command}`. {len(records)} paragraphs, {n_gold} gold keywords, {n_ours} keywords in "
        "zonenlp's top 5. Figures only.",
        "",
        "| a gold keyword is … among zonenlp's top 50 | share |",
        "|---|---|",
        *(f"| {place} | {gold_places[place] / n_gold:.1%} |" for place in GOLD_PLACES),
        "",
        "| a keyword of zonenlp's top 5 is … | share |",
        "|---|---|",
        *(f"| {place} | {ours_places[place] / n_ours:.1%} |" for place in OURS_PLACES),
        "",
        "| length in characters | 2 | 3 | 4 | 5 | 6 | 7 | 8+ |",
        "|---|---|---|---|---|---|---|---|",
        f"| gold keywords | {length_row(gold_lengths)} |",
        f"| zonenlp's top 5 | {length_row(ours_lengths)} |",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "keyword_misses_dev.md" if args.dev else "keyword_misses.md"
    (RESULTS / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
