"""What the batch tests share: sample texts, JSON Lines files, running the command, a tagger that dies."""

from __future__ import annotations

import json
from pathlib import Path

from zonenlp.batch import tag_values
from zonenlp.cli import main

from conftest import ROOT

LABELS = ("investment", "environment", "talent", "outreach")
GOOD = [
    "湘潭高新区新签约亿元以上项目10个，总投资额39亿元。",
    "高新区出台人才新政，对引进的高层次人才给予安家补贴。",
    "园区举办科普讲座，走进小学开展科学课。",
]


def corpus_texts(n: int) -> list[str]:
    """``n`` paragraphs of the labelled corpus, repeated as often as needed."""
    lines = (ROOT / "data" / "themes" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    return [texts[i % len(texts)] for i in range(n)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def numbered_input(tmp_path: Path, n: int) -> Path:
    return write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i:05d}", "text": t} for i, t in enumerate(corpus_texts(n))])


class Interrupted(Exception):
    """Stands in for a kill in the in-process resume tests."""


def interrupt_after(chunks: int, model):
    """A tagger that tags ``chunks`` chunks and then fails, as a job killed there would."""

    def tagger(stream):
        for done, chunk in enumerate(stream):
            if done == chunks:
                raise Interrupted
            yield tag_values(model, chunk)

    return tagger
