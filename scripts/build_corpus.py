"""Add authored corpus batches to data/themes/train.jsonl and test.jsonl.

Each batch is JSON Lines written by one author session (fields text, labels,
subtopic, register, province, place, group, hard, and from round 4 on the
brief's category). The paragraphs already in train.jsonl and test.jsonl stay
as they are, ids included; each new paragraph gets a stable id, is dropped if
it is a near-duplicate of a paragraph kept before it or of the seed page, and
goes to the split its article (``group``) goes to, so that paragraphs of one
article never sit on both sides of the split.

    python scripts/build_corpus.py data/authoring/round4/*.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus_rules import char_grams, overlap  # noqa: E402  (the rule the corpus test enforces)

OUT = ROOT / "data" / "themes"
FIELDS = ("id", "text", "labels", "subtopic", "source", "group", "register", "province", "place", "hard", "category")
TEST_SHARE = 5  # one article in five goes to the test split


def in_test(group: str) -> bool:
    """A fixed, content-independent split: the group id's hash decides."""
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % TEST_SHARE == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("batches", nargs="+", type=Path)
    args = parser.parse_args()

    seed = [json.loads(l)["text"] for l in open(OUT / "seed.jsonl", encoding="utf-8")]
    kept = [json.loads(l) for name in ("train.jsonl", "test.jsonl") for l in open(OUT / name, encoding="utf-8") if l.strip()]
    known_groups = {r["group"] for r in kept}
    kept_grams = [char_grams(t) for t in seed] + [char_grams(r["text"]) for r in kept]
    dropped = []
    for batch in args.batches:
        for number, line in enumerate(open(batch, encoding="utf-8"), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if record["group"] in known_groups:
                sys.exit(f"{batch}:{number}: group {record['group']} is already in the corpus; was this batch added before?")
            grams = char_grams(record["text"])
            if any(overlap(grams, g) > 0.5 for g in kept_grams):
                dropped.append(f"{batch.name}:{number}")
                continue
            kept_grams.append(grams)
            record["source"] = "authored"
            record["id"] = f"{record['group']}-p{sum(r['group'] == record['group'] for r in kept) + 1:02d}"
            kept.append({k: record[k] for k in FIELDS if k in record})
    train = [r for r in kept if not in_test(r["group"])]
    test = [r for r in kept if in_test(r["group"])]
    for name, records in (("train.jsonl", train), ("test.jsonl", test)):
        with open(OUT / name, "w", encoding="utf-8") as out:
            for r in records:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"kept {len(kept)} (train {len(train)}, test {len(test)}), dropped {len(dropped)} near-duplicates: {dropped}")


if __name__ == "__main__":
    main()
