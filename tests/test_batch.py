"""zonenlp batch: one output record per input record, in order, whatever the input
holds; --jobs; CSV output; pandas frames; progress."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from zonenlp import InputTypeError, InputValueError, keywords
from zonenlp.batch import Unreadable, tag_chunks, tag_texts, tag_values
from zonenlp.cli import main

from batch_helpers import GOOD, LABELS, corpus_texts, numbered_input, read_jsonl, run


@pytest.fixture(scope="module")
def mixed_jsonl(tmp_path_factory) -> Path:
    """Good records and every kind of bad one, with the bytes of one line invalid UTF-8."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.jsonl"
    lines = [
        json.dumps({"id": "g1", "text": GOOD[0]}, ensure_ascii=False),
        json.dumps({"id": "empty", "text": ""}),
        json.dumps({"id": "number", "text": 42}),
        json.dumps({"id": "null", "text": None}),
        "",  # a blank line is not a record
        json.dumps({"id": "g2", "text": GOOD[1]}, ensure_ascii=False),
        json.dumps({"id": "huge", "text": "招" * 1_000_001}, ensure_ascii=False),
        json.dumps({"id": "blank", "text": " \u200b\t"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "no-text", "body": GOOD[0]}, ensure_ascii=False),
        json.dumps({"text": GOOD[2]}, ensure_ascii=False),  # no id: its line number
    ]
    data = "\n".join(lines).encode("utf-8") + b"\n"
    data += b'{"id": "bytes", "text": "\xe5\x9b\xad\xff\xfe"}\n'  # a UTF-8 character, then invalid bytes
    path.write_bytes(data)
    return path


EXPECTED_MIXED = [
    ("g1", None),
    ("empty", "text is empty"),
    ("number", "text must be str, got int"),
    ("null", "text must be str, got NoneType"),
    ("g2", None),
    ("huge", "1,000,001 characters long, over the limit of 1,000,000"),
    ("blank", "text has only whitespace or invisible characters"),
    ("line:9", "line 9 is not valid JSON"),
    ("line:10", "line 10 is a JSON list, not an object"),
    ("no-text", "line 11 has no 'text' field"),
    ("line:12", None),
    ("bytes", "invalid bytes for UTF-8 at line 13"),
]


def test_every_input_record_gives_one_output_record_in_order(mixed_jsonl, tmp_path, capsys, shipped_model):
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, "batch", str(mixed_jsonl), "-o", str(out), "--chunk-size", "4")
    assert code == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == [i for i, _ in EXPECTED_MIXED]
    for record, (_, error) in zip(records, EXPECTED_MIXED):
        if error is None:
            assert set(record) == {"id", "themes", "scores", "keywords"}
            assert set(record["scores"]) == set(LABELS) and 1 <= len(record["keywords"]) <= 5
        else:
            assert set(record) == {"id", "error"} and error in record["error"]
    tags = shipped_model.tag(GOOD)
    assert [r["themes"] for r in records if "themes" in r] == [t["themes"] for t in tags]
    assert [r["themes"] for r in records if "themes" in r] == [["investment"], ["talent"], ["outreach"]]
    assert "read 12 records: 3 tagged, 9 failed" in err
    assert not out.with_name("out.jsonl.part").exists() and not out.with_name("out.jsonl.checkpoint").exists()


def test_jobs_give_the_output_of_one_process(mixed_jsonl, tmp_path, capsys):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(capsys, "batch", str(mixed_jsonl), "-o", str(one), "--chunk-size", "3")[0] == 0
    assert run(capsys, "batch", str(mixed_jsonl), "-o", str(two), "--chunk-size", "2", "--jobs", "2")[0] == 0
    assert two.read_bytes() == one.read_bytes()


def test_csv_in_and_out(tmp_path, capsys):
    source = tmp_path / "in.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["url", "body", "source"])
        writer.writerow(["u1", GOOD[0], "a"])
        writer.writerow(["", "", "b"])  # empty id: "row:" and the row number; empty text: an error
        writer.writerow(["u3", "第一行\n第二行：园区签约项目5个。", "c"])  # a quoted line break inside the text
        writer.writerow(["u4"])  # a short row
        writer.writerow(["u5", "招" * 1_000_001, "d"])
    out = tmp_path / "out.csv"
    code, _ = run(capsys, "batch", str(source), "-o", str(out), "--text-field", "body", "--id-field", "url", "--figures")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["id", "themes", *[f"score_{l}" for l in LABELS], "keywords", "figures", "error", "duplicate_id"]
    assert [r["id"] for r in rows] == ["u1", "row:2", "u3", "u4", "u5"]
    assert [r["duplicate_id"] for r in rows] == [""] * 5
    assert rows[0]["themes"] == "investment" and float(rows[0]["score_investment"]) > 0.5 and rows[0]["error"] == ""
    assert "湘潭高新区" in rows[0]["keywords"].split(";")
    assert {f["kind"] for f in json.loads(rows[0]["figures"])} >= {"money", "zone"}
    assert rows[1]["error"] == "text is empty" and rows[1]["themes"] == rows[1]["score_talent"] == ""
    assert rows[2]["error"] == "" and "investment" in rows[2]["themes"]
    assert "has no 'body' column" in rows[3]["error"]
    assert "over the limit" in rows[4]["error"]


def test_chunks_in_flight_are_bounded(shipped_model):
    """However long the input, the tagger pulls at most 2 * jobs chunks ahead of the one it returns."""
    pulled = 0

    def chunks():
        nonlocal pulled
        for _ in range(12):
            pulled += 1
            yield GOOD

    for returned, _ in enumerate(tag_chunks(shipped_model, chunks(), n_jobs=2), 1):
        assert pulled - returned <= 2 * 2
    assert returned == 12


def test_tag_values_never_raises_for_a_value(shipped_model):
    values = [GOOD[0], b"bytes", 1.5, float("nan"), ["a"], Unreadable("why"), "", GOOD[1]]
    records = tag_values(shipped_model, values, k=2)
    assert [r.get("error", "").split(":")[0] for r in records] == [
        "", "text must be str, got bytes", "text must be str, got float", "text must be str, got float",
        "text must be str, got list", "why", "text is empty", "",
    ]
    assert records[0]["themes"] == ["investment"] and len(records[0]["keywords"]) == 2


def test_tag_frame(shipped_model):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"body": [GOOD[0], None, "", GOOD[1], float("nan")], "n": range(5)}, index=list("abcde"))
    before = df.copy()
    tagged = shipped_model.tag_frame(df, "body", k=3)
    pd.testing.assert_frame_equal(df, before)  # the input is not changed
    assert list(tagged.columns) == ["body", "n", "themes", *[f"score_{l}" for l in LABELS], "keywords", "error"]
    assert list(tagged.index) == list("abcde")
    assert tagged.loc["a", "themes"] == ["investment"] and tagged.loc["d", "themes"] == ["talent"]
    assert tagged.loc["a", "keywords"] == [w for w, _ in keywords(GOOD[0], 3)] and tagged.loc["a", "score_investment"] > 0.5
    assert tagged["error"].tolist() == [None, "text must be str, got NoneType: None", "text is empty", None,
                                        "text must be str, got NoneType: None"]
    assert tagged.loc["b", "themes"] is None and pd.isna(tagged.loc["b", "score_talent"])
    with pytest.raises(InputValueError, match="no column 'text'"):
        shipped_model.tag_frame(df, "text")
    with pytest.raises(InputValueError, match="already has column"):
        shipped_model.tag_frame(tagged, "body")
    with pytest.raises(InputTypeError, match="pandas DataFrame"):
        shipped_model.tag_frame([GOOD[0]], "body")


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("where, options, shown", [
    ("file", [], False),                  # not a terminal: nothing but the summary
    ("file", ["--progress"], True),       # forced
    ("terminal", [], True),
    ("terminal", ["--quiet"], False),
])
def test_a_progress_bar_on_a_terminal_or_when_asked(tmp_path, capsys, monkeypatch, where, options, shown):
    source = numbered_input(tmp_path, 30)
    if where == "terminal":
        monkeypatch.setattr(sys, "stderr", Terminal())
    code = main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--chunk-size", "10", *options])
    err = sys.stderr.getvalue() if where == "terminal" else capsys.readouterr().err
    assert code == 0 and "zonenlp batch: read 30 records" in err
    bar = err.split("zonenlp batch: read")[0]
    if shown:  # records, their rate, the share of the input read and the time left
        last = bar.rstrip().split("\r")[-1]
        assert last.startswith("tagging: 100%|") and "30 records" in last and "records/s" in last and "00:00 left" in last
    else:
        assert bar == ""


def test_help_shows_examples_and_options():
    out = subprocess.run([sys.executable, "-m", "zonenlp", "batch", "--help"], capture_output=True, text=True, check=True).stdout
    for option in ("--resume", "--jobs", "--text-field", "--id-field", "--encoding", "--pages", "--engine", "--scheduler"):
        assert option in out
    assert "zonenlp batch archive.jsonl -o tagged.jsonl --jobs 2 --resume" in out


def test_usage_errors(tmp_path, capsys, mixed_jsonl):
    code, err = run(capsys, "batch", str(mixed_jsonl), "-o", str(tmp_path / "o.jsonl"), "--scheduler", "tcp://x:1")
    assert code == 2 and "--scheduler needs --engine dask" in err
    code, err = run(capsys, "batch", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl"))
    assert code == 2 and "no such file" in err
    odd = tmp_path / "in.dat"
    odd.write_text("x\n", encoding="utf-8")
    code, err = run(capsys, "batch", str(odd), "-o", str(tmp_path / "o.jsonl"))
    assert code == 2 and "--input-format" in err
    code, err = run(capsys, "batch", str(mixed_jsonl), "-o", str(tmp_path / "no" / "dir" / "o.jsonl"))
    assert code == 2 and "No such file or directory" in err
    with pytest.raises(SystemExit):
        main(["batch", str(mixed_jsonl), "-o", str(tmp_path / "o.jsonl"), "--chunk-size", "0"])


def test_tag_texts_gives_tags_and_scored_keywords_in_order_on_any_number_of_processes(shipped_model):
    from zonenlp.batch import keyword_extractor

    texts = corpus_texts(45) + ["   "]  # blank: no themes, no keywords
    one = list(tag_texts(shipped_model, texts, k=3, batch_size=7))
    assert [tag for tag, _ in one] == shipped_model.tag(texts)
    extractor = keyword_extractor(shipped_model)
    assert [keys for _, keys in one] == [extractor.extract(t, 3) for t in texts]
    assert all(1 <= len(keys) <= 3 for _, keys in one[:-1]) and one[-1][1] == []
    assert list(tag_texts(shipped_model, texts, k=3, batch_size=7, n_jobs=2)) == one
    with pytest.raises(InputTypeError, match=r"texts\[9\]"):  # refused before any process starts
        list(tag_texts(shipped_model, texts[:9] + [None] + texts[:5], n_jobs=2, batch_size=4))
