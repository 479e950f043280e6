"""The labelled corpus keeps the promises of data/README.md."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import ROOT
from corpus_rules import char_grams, near_duplicate_pairs, overlap

THEMES = ("investment", "environment", "talent", "outreach")
PREFIX = {"inv": "investment", "env": "environment", "tal": "talent", "out": "outreach", "oth": None}
# every subtopic THEMES.md lists for a theme (data/README.md names them)
THEME_SUBTOPICS = {
    "investment": "inv_trip inv_promotion inv_signing inv_pipeline inv_mode_business inv_mode_chain inv_mode_fund "
    "inv_mode_resident inv_mode_tech inv_map inv_target",
    "environment": "env_optimize env_govservice env_approval env_tax env_finance env_service_team env_factor env_rule env_award",
    "talent": "tal_policy tal_highlevel tal_team tal_graduate tal_housing tal_skills tal_edu_industry tal_ranking",
    "outreach": "out_event out_museum out_week out_day out_class out_study_tour out_base out_youth",
}
FIELDS = {"id", "text", "labels", "subtopic", "source", "group"}


def read(name: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / "data" / "themes" / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return read("train.jsonl")


@pytest.fixture(scope="module")
def test() -> list[dict]:
    return read("test.jsonl")


@pytest.fixture(scope="module")
def authored(train, test) -> list[dict]:
    return train + test


@pytest.fixture(scope="module")
def seed() -> list[dict]:
    return read("seed.jsonl")


def test_schema_and_label_vocabulary(authored, seed):
    for record in authored + seed:
        assert FIELDS <= set(record), record.get("id")
        assert isinstance(record["text"], str) and record["text"] == record["text"].strip()
        assert isinstance(record["labels"], list) and set(record["labels"]) <= set(THEMES)
        assert len(set(record["labels"])) == len(record["labels"]) <= 2
        parts = record["subtopic"].split("+")
        if record["labels"]:
            assert [PREFIX[p[:3]] for p in parts] == record["labels"], record["id"]
            assert all(p in THEME_SUBTOPICS[PREFIX[p[:3]]].split() for p in parts), record["id"]
        else:
            assert len(parts) == 1 and parts[0].startswith("oth_"), record["id"]
    assert {r["source"] for r in authored} == {"authored"}
    assert {r["source"] for r in seed} == {"seed"}
    ids = [r["id"] for r in authored + seed]
    assert len(ids) == len(set(ids))


def test_counts(authored):
    per_theme = Counter(label for r in authored for label in r["labels"])
    assert all(per_theme[t] >= 300 for t in THEMES), per_theme
    assert sum(not r["labels"] for r in authored) >= 400
    assert sum(len(r["labels"]) == 2 for r in authored) >= 150


def test_every_subtopic_of_every_theme_appears_15_times(authored):
    counts = Counter(part for r in authored for part in r["subtopic"].split("+"))
    missing = {s: counts[s] for subtopics in THEME_SUBTOPICS.values() for s in subtopics.split() if counts[s] < 15}
    assert not missing


def test_breadth_of_places_and_provinces(authored):
    assert len({r["place"] for r in authored}) >= 120
    assert len({r["province"] for r in authored}) >= 25


def test_lengths(authored):
    lengths = [len(r["text"]) for r in authored]
    assert max(lengths) <= 400 and min(lengths) >= 12
    paragraphs = [len(r["text"]) for r in authored if r["subtopic"] != "oth_caption"]
    assert sum(30 <= n <= 400 for n in paragraphs) / len(paragraphs) >= 0.95
    assert sum(n < 80 for n in paragraphs) / len(paragraphs) >= 0.15  # short paragraphs exist
    assert sum(n > 250 for n in paragraphs) / len(paragraphs) >= 0.10  # and long ones


def test_no_near_duplicates(authored, seed):
    texts = [r["text"] for r in authored + seed]
    pairs = near_duplicate_pairs(texts)
    assert not pairs, [(texts[i][:30], texts[j][:30], round(r, 2)) for i, j, r in pairs[:5]]


def test_near_duplicate_rule_catches_a_copy():
    a = "湘潭高新区召开招商引资动员大会，部署全年招商引资工作任务。"
    b = "湘潭高新区召开招商引资动员大会，部署全年招商引资重点工作。"
    assert overlap(char_grams(a), char_grams(b)) > 0.5
    assert near_duplicate_pairs([a, "完全不同的一段文字内容在这里"]) == []
    assert [(i, j) for i, j, _ in near_duplicate_pairs([a, "无关", b])] == [(0, 2)]


def test_split_is_by_article_and_keeps_the_seed_out(train, test, seed):
    train_groups = {r["group"] for r in train}
    test_groups = {r["group"] for r in test}
    assert not train_groups & test_groups
    assert 0.12 <= len(test) / (len(train) + len(test)) <= 0.28
    seed_texts = {r["text"] for r in seed}
    assert not seed_texts & {r["text"] for r in train + test}
    assert not any(r["group"].startswith("seed") for r in train + test)


def test_seed_set_is_the_content_of_the_seed_page(seed):
    page = (ROOT / "data" / "seed" / "page-2024-hitech-zones.txt").read_text(encoding="utf-8")
    compact_page = "".join(page.split())
    for record in seed:
        assert record["text"] in compact_page or "".join(record["text"].split()) in compact_page
    assert len(seed) == 50
