"""The keyword gold keeps the rules of data/keywords/RULES.md."""

import json
from collections import Counter

from conftest import ROOT


def test_gold_follows_its_rules(seed_set):
    gold = [json.loads(l) for l in (ROOT / "data" / "keywords" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert Counter(g["part"] for g in gold) == {"seed": 50, "dev": 44, "heldout": 88}
    assert [g["id"] for g in gold if g["part"] == "seed"] == [r["id"] for r in seed_set]
    themes = Counter(l for g in gold if g["part"] != "seed" for l in g["labels"])
    assert all(themes[t] >= 30 for t in ("investment", "environment", "talent", "outreach"))
    for g in gold:
        words = g["keywords"]
        assert (5 if len(g["text"]) >= 60 else 3) <= len(words) <= 8, g["id"]
        assert len(set(words)) == len(words)
        assert all(w in g["text"] for w in words), g["id"]
        assert not [(a, b) for a in words for b in words if a != b and a in b], g["id"]
    train_texts = {json.loads(l)["text"] for l in (ROOT / "data" / "themes" / "train.jsonl").read_text(encoding="utf-8").splitlines()}
    assert not train_texts & {g["text"] for g in gold}
