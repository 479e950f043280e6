"""Print the corpus figures that data/README.md reports, as Markdown.

    python scripts/corpus_stats.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THEMES = ("investment", "environment", "talent", "outreach")


def read(name: str) -> list[dict]:
    return [json.loads(l) for l in (ROOT / "data" / "themes" / name).read_text(encoding="utf-8").splitlines() if l.strip()]


def main() -> None:
    train, test, seed = read("train.jsonl"), read("test.jsonl"), read("seed.jsonl")
    authored = train + test
    print("| split | paragraphs | articles (groups) | investment | environment | talent | outreach | two themes | other |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, records in (("train", train), ("test", test), ("all authored", authored), ("seed page", seed)):
        per = Counter(l for r in records for l in r["labels"])
        print(f"| {name} | {len(records)} | {len({r['group'] for r in records})} | "
              + " | ".join(str(per[t]) for t in THEMES)
              + f" | {sum(len(r['labels']) == 2 for r in records)} | {sum(not r['labels'] for r in records)} |")
    print()
    pairs = Counter("+".join(r["labels"]) for r in authored if len(r["labels"]) == 2)
    print("Two-theme paragraphs: " + ", ".join(f"{k} {v}" for k, v in pairs.most_common()) + ".")
    print()
    subtopics = Counter(s for r in authored for s in r["subtopic"].split("+"))
    for prefix, theme in (("inv", "investment"), ("env", "environment"), ("tal", "talent"), ("out", "outreach"), ("oth", "other")):
        items = sorted(((s, c) for s, c in subtopics.items() if s.startswith(prefix)), key=lambda x: -x[1])
        print(f"- **{theme}**: " + ", ".join(f"`{s}` {c}" for s, c in items))
    print()
    registers = Counter(r["register"] for r in authored)
    print("Registers: " + ", ".join(f"{k} {v}" for k, v in registers.most_common()) + ".")
    print()
    provinces = Counter(r["province"] for r in authored)
    print(f"{len({r['place'] for r in authored})} places in {len(provinces)} provinces: "
          + ", ".join(f"{k} {v}" for k, v in provinces.most_common()) + ".")
    print()
    lengths = [len(r["text"]) for r in authored]
    bands = [(0, 30), (30, 80), (80, 200), (200, 320), (320, 401)]
    print("Lengths (characters): " + ", ".join(
        f"{lo}–{hi - 1}: {sum(lo <= n < hi for n in lengths)}" for lo, hi in bands
    ) + f"; median {sorted(lengths)[len(lengths) // 2]}.")
    print()
    print(f"Deliberate hard cases (`hard: true`): {sum(bool(r.get('hard')) for r in authored)}, "
          f"of which `other`: {sum(bool(r.get('hard')) and not r['labels'] for r in authored)}.")


if __name__ == "__main__":
    main()
