"""Writing without losing data: a killed job resumed, the input never overwritten, duplicate ids flagged."""

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

from zonenlp import InputValueError, OutputPathError
from zonenlp.batch import RecordReader, run_batch
from zonenlp.checkpoint import SeenIds

from batch_helpers import GOOD, Interrupted, corpus_texts, interrupt_after, numbered_input, read_jsonl, run, write_jsonl


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

    rng = random.Random(7)
    seen, naive = SeenIds(), set()
    for _ in range(300):
        chunk = [f"id{rng.randrange(2000)}" for _ in range(rng.randrange(0, 40))]
        expected = []
        for record_id in chunk:
            expected.append(record_id in naive)
            naive.add(record_id)
        assert seen.add(chunk) == expected
