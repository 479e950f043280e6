"""zonenlp batch: one output record per input record, in order, whatever the input
holds; encodings; resuming a killed job; --jobs; pandas frames."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zonenlp import InputTypeError, InputValueError, OutputPathError, keywords
from zonenlp.batch import RecordReader, Unreadable, detect_encoding, run_batch, tag_chunks, tag_texts, tag_values
from zonenlp.cli import main

from conftest import ROOT, SEED_PAGE

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


def test_csv_without_the_text_column_is_refused(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,园区\n", encoding="utf-8")
    code, err = run(capsys, "batch", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 2 and "no column 'text'" in err and "['id', 'body']" in err


def test_lines_are_records_numbered_by_line(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text(f"{GOOD[0]}\n\n{GOOD[1]}\r\n   \n{GOOD[2]}", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(capsys, "batch", str(source), "-o", str(out))[0] == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["line:1", "line:3", "line:5"]
    assert [r["themes"] for r in records] == [["investment"], ["talent"], ["outreach"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
def test_bom_and_gb18030_files_read_like_utf8(tmp_path, capsys, encoding, suffix):
    texts = GOOD + ["招商引資與營商環境"]  # Traditional characters too
    if suffix == ".jsonl":
        content = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts, 1))
    elif suffix == ".csv":
        content = "id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(texts, 1))
    else:
        content = "".join(t + "\n" for t in texts)
    plain, encoded = tmp_path / f"plain{suffix}", tmp_path / f"encoded{suffix}"
    plain.write_bytes(content.encode("utf-8"))
    encoded.write_bytes(content.encode(encoding))
    assert detect_encoding(encoded) == encoding
    assert [v for _, v in RecordReader(encoded)] == texts
    outputs = []
    for source in (plain, encoded):
        target = tmp_path / f"{source.stem}.out.jsonl"
        assert run(capsys, "batch", str(source), "-o", str(target))[0] == 0
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_gb18030_page_with_a_gb18030_bom(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes("\ufeff".encode("gb18030") + SEED_PAGE.read_text(encoding="utf-8").encode("gb18030"))
    records = list(RecordReader(page, pages=True))
    utf8 = list(RecordReader(SEED_PAGE, pages=True))
    assert [v for _, v in records] == [v for _, v in utf8] and len(records) == 50


def test_a_file_in_neither_encoding_is_refused_naming_the_line(tmp_path, capsys):
    source = tmp_path / "latin.txt"
    source.write_bytes("plain ascii\n".encode() + "Zoë über café\n".encode("utf-16-le") + b"\xff\xfe\n")
    code, err = run(capsys, "batch", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 2 and "neither UTF-8 nor GB18030" in err and "line 2" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latin.txt"]  # no output, not even a partial one


def test_a_bad_line_in_a_gb18030_file_is_an_error_record(tmp_path, capsys):
    source = tmp_path / "gb.txt"
    source.write_bytes("\n".join(GOOD).encode("gb18030") + b"\n\x81\x0a" + GOOD[0].encode("gb18030") + b"\n")
    out = tmp_path / "out.jsonl"
    assert run(capsys, "batch", str(source), "-o", str(out))[0] == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["line:1", "line:2", "line:3", "line:4", "line:5"]
    assert records[3] == {"id": "line:4", "error": "invalid bytes for GB18030 at line 4"}
    assert records[4]["themes"] == records[0]["themes"] == ["investment"]
    # given an encoding, a file is never refused: each undecodable line is an error record
    forced = tmp_path / "forced.jsonl"
    assert run(capsys, "batch", str(source), "-o", str(forced), "--encoding", "utf-8")[0] == 0
    assert all("invalid bytes for UTF-8" in r["error"] for r in read_jsonl(forced))
    code, err = run(capsys, "batch", str(source), "-o", str(forced), "--encoding", "klingon")
    assert code == 2 and "unknown encoding 'klingon'" in err


def test_pages_give_one_record_per_paragraph(tmp_path, capsys, seed_set):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(SEED_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "b.txt").write_text("\n\n", encoding="utf-8")
    (pages / "c.txt").write_bytes(b"\xff\xfe\xff\n")
    out = tmp_path / "out.jsonl"
    assert run(capsys, "batch", str(pages), "--pages", "-o", str(out))[0] == 0
    records = read_jsonl(out)
    assert len(records) == len(seed_set) + 2
    assert records[0]["id"] == "a.txt:1:1" and records[len(seed_set) - 1]["id"].startswith("a.txt:6:")
    assert records[-2] == {"id": "b.txt", "error": "the page has no paragraphs"}
    assert records[-1]["id"] == "c.txt" and "neither UTF-8 nor GB18030" in records[-1]["error"]


def numbered_input(tmp_path: Path, n: int) -> Path:
    return write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i:05d}", "text": t} for i, t in enumerate(corpus_texts(n))])


def test_a_killed_job_resumed_gives_the_uninterrupted_output(tmp_path, capsys):
    source = numbered_input(tmp_path, 3000)
    reference = tmp_path / "reference.jsonl"
    assert run(capsys, "batch", str(source), "-o", str(reference), "--chunk-size", "20")[0] == 0

    out = tmp_path / "out.jsonl"
    part, checkpoint = tmp_path / "out.jsonl.part", tmp_path / "out.jsonl.checkpoint"
    job = subprocess.Popen([sys.executable, "-m", "zonenlp", "batch", str(source), "-o", str(out), "--chunk-size", "20"],
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and job.poll() is None:
            if checkpoint.exists() and json.loads(checkpoint.read_text(encoding="utf-8") or "{}").get("records", 0) >= 200:
                break
            time.sleep(0.005)
        job.send_signal(signal.SIGKILL)
    finally:
        job.wait()
    assert job.returncode == -signal.SIGKILL, "the job ended before it could be killed"
    assert not out.exists()
    state = json.loads(checkpoint.read_text(encoding="utf-8"))
    assert 200 <= state["records"] < 3000
    committed = part.read_bytes()[: state["bytes"]]
    assert committed == reference.read_bytes()[: state["bytes"]]  # only complete records, each as in the reference
    assert committed.count(b"\n") == state["records"] and committed.endswith(b"\n")
    with open(part, "ab") as fh:  # as if killed in the middle of writing the next chunk
        fh.write(b'{"id": "r0')

    code, err = run(capsys, "batch", str(source), "-o", str(out), "--chunk-size", "20", "--resume")
    assert code == 0 and f"({state['records']:,} of them by an earlier run)" in err
    assert out.read_bytes() == reference.read_bytes()
    assert not part.exists() and not checkpoint.exists()


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


def test_csv_output_resumes_too(tmp_path, shipped_model):
    texts = corpus_texts(40) + ["", None] + corpus_texts(13)
    source = write_jsonl(tmp_path / "in.jsonl", [{"text": t} for t in texts])
    reference, out = tmp_path / "reference.csv", tmp_path / "out.csv"
    run_batch(RecordReader(source), reference, shipped_model, chunk_size=7)
    with pytest.raises(Interrupted):
        run_batch(RecordReader(source), out, shipped_model, chunk_size=7, tagger=interrupt_after(3, shipped_model))
    assert not out.exists()
    summary = run_batch(RecordReader(source), out, shipped_model, chunk_size=7, resume=True)
    assert out.read_bytes() == reference.read_bytes()
    assert (summary.read, summary.resumed, summary.failed, summary.tagged) == (55, 21, 2, 53)


def test_resume_refuses_other_settings_and_other_input(tmp_path, shipped_model):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(corpus_texts(30))])
    out = tmp_path / "out.jsonl"
    with pytest.raises(Interrupted):
        run_batch(RecordReader(source), out, shipped_model, chunk_size=5, tagger=interrupt_after(2, shipped_model))
    with pytest.raises(InputValueError, match="other settings .*k"):
        run_batch(RecordReader(source), out, shipped_model, chunk_size=5, k=3, resume=True)
    # the same file name, other records: the ids show that the output is not its output
    write_jsonl(source, [{"id": f"x{i}", "text": t} for i, t in enumerate(corpus_texts(30))])
    with pytest.raises(InputValueError, match="record 10 of the input has id 'x9'"):
        run_batch(RecordReader(source), out, shipped_model, chunk_size=5, resume=True)
    write_jsonl(source, [{"id": i, "text": t} for i, t in enumerate(corpus_texts(4))])
    with pytest.raises(InputValueError, match="input has only 4"):
        run_batch(RecordReader(source), out, shipped_model, chunk_size=5, resume=True)
    # nothing to resume: --resume starts from the first record
    fresh = tmp_path / "fresh.jsonl"
    summary = run_batch(RecordReader(source), fresh, shipped_model, resume=True)
    assert summary.resumed == 0 and len(read_jsonl(fresh)) == 4


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


def test_progress_shows_rate_and_time_left(tmp_path, capsys):
    source = numbered_input(tmp_path, 30)
    code, err = run(capsys, "batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--chunk-size", "10", "--progress")
    assert code == 0
    updates = err.split("\r")[1:]
    assert len(updates) == 3 and updates[0].startswith("tagged 10 records, ") and "/s, " in updates[0]
    assert "100% of the input, 0 s left" in updates[-1]


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


# -- never lose or mislabel a user's data ------------------------------------------


def _ways_to_name(target: Path, tmp_path: Path, monkeypatch) -> dict[str, str]:
    """Every way of naming ``target`` as an output: itself, relative with ./, a symbolic and a hard link."""
    monkeypatch.chdir(target.parent)
    symlink, hardlink = tmp_path / "link.jsonl", tmp_path / "hard.jsonl"
    symlink.symlink_to(target)
    hardlink.hardlink_to(target)
    return {"same": str(target), "dot": f"./{target.name}", "symlink": str(symlink), "hardlink": str(hardlink)}


def test_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, capsys, monkeypatch):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(corpus_texts(50))])
    before = source.read_bytes()
    for way, name in _ways_to_name(source, tmp_path, monkeypatch).items():
        for extra in ([], ["--force"], ["--resume"], ["--force", "--resume"]):
            code, err = run(capsys, "batch", str(source), "-o", name, *extra)
            assert code == 2, (way, extra)
            assert "would be the input file" in err and "destroy the input" in err, (way, err)
            assert source.read_bytes() == before, (way, extra)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.jsonl", "in.jsonl", "link.jsonl"]  # no .part, no checkpoint
    assert (tmp_path / "link.jsonl").is_symlink()


def test_the_jobs_working_files_are_never_an_input(tmp_path, capsys):
    # OUT.part and OUT.checkpoint are written before OUT: they must not be the input either
    source = write_jsonl(tmp_path / "news.jsonl.part", [{"text": t} for t in GOOD])
    before = source.read_bytes()
    code, err = run(capsys, "batch", str(source), "-o", str(tmp_path / "news.jsonl"), "--input-format", "jsonl")
    assert code == 2 and "working file" in err and source.read_bytes() == before


def test_an_existing_output_is_replaced_only_with_force(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [{"text": t} for t in GOOD])
    out = tmp_path / "out.jsonl"
    out.write_text("an earlier result\n", encoding="utf-8")
    code, err = run(capsys, "batch", str(source), "-o", str(out))
    assert code == 2 and "already exists" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "an earlier result\n"
    code, err = run(capsys, "batch", str(source), "-o", str(out), "--resume")  # nothing to resume: not a way around it
    assert code == 2 and out.read_text(encoding="utf-8") == "an earlier result\n"
    assert run(capsys, "batch", str(source), "-o", str(out), "--force")[0] == 0
    assert [r["themes"] for r in read_jsonl(out)] == [["investment"], ["talent"], ["outreach"]]
    code, err = run(capsys, "batch", str(source), "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_a_page_directory_cannot_be_written_into_its_own_page(tmp_path, capsys, seed_page_text):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(seed_page_text, encoding="utf-8")
    code, err = run(capsys, "batch", str(pages), "--pages", "-o", str(pages / "a.txt"), "--force")
    assert code == 2 and "would be the input file" in err
    assert (pages / "a.txt").read_text(encoding="utf-8") == seed_page_text


_record = st.fixed_dictionaries(
    {"text": st.one_of(st.sampled_from(GOOD), st.text(max_size=30), st.none(), st.integers())},
    optional={"id": st.one_of(st.sampled_from(["a", "b", "2", "line:3"]), st.integers(0, 3), st.none())},
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_record, min_size=1, max_size=12), way=st.sampled_from(
    ["same", "dot", "symlink", "hardlink", "part", "checkpoint", "other", "existing"]),
    kill=st.booleans(), overwrite=st.booleans())
def test_property_the_input_survives_any_output_path_and_any_kill(records, way, kill, overwrite, shipped_model):
    """For any input file and any output path, after a run (or a kill and a resume), the input's bytes are unchanged."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = write_jsonl(root / ("in.jsonl.part" if way == "part" else "in.jsonl.checkpoint" if way == "checkpoint"
                                     else "in.jsonl"), records)
        before = source.read_bytes()
        if way == "symlink":
            (root / "link").symlink_to(source)
        elif way == "hardlink":
            os.link(source, root / "link")
        elif way == "existing":
            (root / "out.jsonl").write_text("keep me\n", encoding="utf-8")
        output = {"same": source, "dot": Path(os.path.relpath(source)), "symlink": root / "link", "hardlink": root / "link",
                  "part": root / "in.jsonl", "checkpoint": root / "in.jsonl", "other": root / "out.jsonl",
                  "existing": root / "out.jsonl"}[way]
        refused = way in ("same", "dot", "symlink", "hardlink", "part", "checkpoint") or (way == "existing" and not overwrite)

        def attempt(**options) -> str:
            try:
                run_batch(RecordReader(source, input_format="jsonl"), output, shipped_model, chunk_size=2,
                          overwrite=overwrite, **options)
            except OutputPathError:
                return "refused"
            except Interrupted:
                return "killed"
            return "done"

        first = attempt(tagger=interrupt_after(1, shipped_model)) if kill else attempt()
        assert (first == "refused") == refused, way
        if first == "killed":
            assert attempt(resume=True) == "done"
        if first != "refused":
            assert len(read_jsonl(output)) == len(records)
        assert source.read_bytes() == before
        if way == "existing" and not overwrite:
            assert (root / "out.jsonl").read_text(encoding="utf-8") == "keep me\n"


def test_missing_and_duplicate_ids_give_string_ids_flagged_and_counted(tmp_path, capsys):
    lines = [
        {"id": "a", "text": GOOD[0]},
        {"text": GOOD[1]},               # line 2, no id
        {"id": "", "text": GOOD[2]},     # line 3, an empty id is no id
        {"id": 2, "text": GOOD[0]},      # a number: its JSON text "2"
        {"id": "a", "text": GOOD[1]},    # a repeat of line 1
        {"id": "2", "text": None},       # a repeat of line 4's id, and an error record
        {"id": "line:2", "text": GOOD[2]},  # a user's id that looks like ours: flagged, not merged
    ]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, "batch", str(source), "-o", str(out), "--chunk-size", "3")
    assert code == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["a", "line:2", "line:3", "2", "a", "2", "line:2"]
    assert all(isinstance(r["id"], str) for r in records)
    assert [r.get("duplicate_id", False) for r in records] == [False, False, False, False, True, True, True]
    assert "error" in records[5] and "themes" in records[4]
    assert "3 with an id an earlier record had" in err
    # CSV: row numbers, and the flag in its own column
    csv_source = tmp_path / "in.csv"
    csv_source.write_text("id,text\nx,园区签约项目5个。\n,园区签约项目6个。\nx,园区签约项目7个。\n", encoding="utf-8")
    code, err = run(capsys, "batch", str(csv_source), "-o", str(tmp_path / "out.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert [(r["id"], r["duplicate_id"]) for r in rows] == [("x", ""), ("row:2", ""), ("x", "true")]


def test_duplicates_across_a_resume_are_flagged_as_in_one_run(tmp_path, shipped_model):
    ids = [f"r{i % 9}" for i in range(30)]  # every id comes again after 9 records
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in zip(ids, corpus_texts(30))])
    reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
    whole = run_batch(RecordReader(source), reference, shipped_model, chunk_size=4)
    with pytest.raises(Interrupted):
        run_batch(RecordReader(source), out, shipped_model, chunk_size=4, tagger=interrupt_after(3, shipped_model))
    resumed = run_batch(RecordReader(source), out, shipped_model, chunk_size=4, resume=True)
    assert out.read_bytes() == reference.read_bytes()
    assert whole.duplicate_ids == resumed.duplicate_ids == 21


def test_seen_ids_agree_with_a_set():
    import random

    from zonenlp.batch import _SeenIds

    rng = random.Random(7)
    seen, naive = _SeenIds(), set()
    for _ in range(300):
        chunk = [f"id{rng.randrange(2000)}" for _ in range(rng.randrange(0, 40))]
        expected = []
        for record_id in chunk:
            expected.append(record_id in naive)
            naive.add(record_id)
        assert seen.add(chunk) == expected
