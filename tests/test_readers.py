"""Reading records: formats, ids, encodings (UTF-8, BOM, GB18030), pages."""

from __future__ import annotations

import json

import pytest

from zonenlp.readers import RecordReader, detect_encoding

from batch_helpers import GOOD, read_jsonl, run
from conftest import SEED_PAGE


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
