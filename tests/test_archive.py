"""The digest of an archive (zonenlp.archive): one row per article, dates found or kept empty, never dropped."""

import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pandas")

from zonenlp import InputValueError, MissingDependencyError  # noqa: E402
from zonenlp.archive import digest, read_archive  # noqa: E402

from conftest import SEED_PAGE  # noqa: E402


def test_one_row_per_article_of_pages_web_pages_and_records(tmp_path, shipped_model):
    records = tmp_path / "wire.jsonl"
    records.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"text": "湘潭高新区新签约亿元以上项目10个，总投资额39亿元。\n园区人才公寓投入使用。", "date": "2024-03-29",
         "zone": "湘潭高新区", "source": "wire-1", "title": "签约"},
        {"text": "高新区举办科普开放日，200余名学生走进企业实验室。"},
    ]) + "\n", encoding="utf-8")
    sources = [str(SEED_PAGE), str(records)]
    pytest.importorskip("trafilatura")
    sources.append("tests/fixtures/html/portal-1.html")
    frame = digest(sources, model=shipped_model)
    assert len(frame) == 6 + 2 + 1  # six articles on the seed page, two records, one web page
    wire = frame[frame["source"] == "wire-1"].iloc[0]
    assert (wire["date"], wire["date_from"], wire["zones"][0]) == ("2024-03-29", "record", "湘潭高新区")
    assert "investment" in wire["themes"] and wire["money_yuan"] == [3.9e9] and wire["project_counts"] == [10.0]
    assert wire["share_investment"] == 0.5 and wire["paragraphs"] == 2
    undated = frame[frame["date_from"] == "unknown"]
    assert len(undated) >= 1 and undated["date"].isna().all()  # kept, with an empty date
    web = frame[frame["source"].str.endswith("portal-1.html")].iloc[0]
    assert (web["date"], web["date_from"]) == ("2024-05-16", "page")
    assert list(frame.columns[:7]) == ["source", "article", "title", "date", "date_from", "zones", "themes"]


def test_a_folder_and_the_folders_inside_it_are_read_in_name_order(tmp_path, shipped_model):
    (tmp_path / "b.txt").write_text("园区人才公寓投入使用。\n", encoding="utf-8")
    (tmp_path / "a-2024-01-05.txt").write_text("高新区签约项目5个。\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a page", encoding="utf-8")
    (tmp_path / "2023" / "12").mkdir(parents=True)
    (tmp_path / "2023" / "12" / "c-2023-12-30.txt").write_text("高新区举办科普开放日。\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text("ref: refs/heads/main\n", encoding="utf-8")
    read = read_archive(tmp_path, model=shipped_model)
    frame = read.digest
    assert [Path(s).relative_to(tmp_path).as_posix() for s in frame["source"]] == [
        "2023/12/c-2023-12-30.txt", "a-2024-01-05.txt", "b.txt"]  # folders inside read too, hidden ones never
    assert frame["date"].tolist()[:2] == ["2023-12-30", "2024-01-05"]
    assert [(Path(name).name, why) for name, why in read.summary.skipped] == [("notes.md", "not a page or a file of records (.md)")]
    assert "1 file skipped" in str(read.summary) and "skipped: " in str(read.summary)


def test_a_record_or_page_that_cannot_be_read_is_a_row_with_its_error_and_in_the_summary(tmp_path, shipped_model):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "园区签约项目5个。"}\n{"title": "no text"}\nnot json\n', encoding="utf-8")
    archive = read_archive([bad, tmp_path / "missing.txt"], model=shipped_model)
    frame = archive.digest
    assert len(frame) == 4  # the record read, the two lines that are not records, the missing page
    assert frame["error"].isna().tolist() == [True, False, False, False]
    assert frame["error"].iloc[1] == 'line 2 has no "text" string' and frame["source"].iloc[1].endswith("bad.jsonl:2")
    assert frame["error"].iloc[2].startswith("line 3 is not valid JSON")
    assert "missing.txt" in frame["error"].iloc[3]
    summary = archive.summary
    assert (summary.sources, summary.articles, len(summary.failed)) == (2, 1, 3)
    assert "3 failed" in str(summary) and "line 2 has no" in str(summary)


def test_two_processes_give_the_same_digest_and_ledger_as_one(tmp_path, shipped_model):
    pages = tmp_path / "pages"
    pages.mkdir()
    text = SEED_PAGE.read_text(encoding="utf-8")
    for n in range(6):
        (pages / f"page-2024-0{n + 1}-01.txt").write_text(text, encoding="utf-8")
    one = read_archive(pages, model=shipped_model)
    two = read_archive(pages, model=shipped_model, n_jobs=2)
    assert len(one.digest) == 36 and len(one.ledger) >= 6 * 4
    assert one.digest.equals(two.digest) and one.ledger.equals(two.ledger)
    assert str(one.summary).split(";")[0] == str(two.summary).split(";")[0]


def test_without_pandas_the_error_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "zonenlp\[digest\]"'):
        digest([])


def test_the_public_functions_stay_functions_after_their_modules_are_imported():
    import zonenlp
    import zonenlp.archive  # noqa: F401
    import zonenlp.investments  # noqa: F401

    assert callable(zonenlp.digest) and callable(zonenlp.ledger)


def test_a_ledger_entry_whose_paragraph_names_no_zone_takes_the_articles_first_zone_in_full(tmp_path, shipped_model):
    page = tmp_path / "2024-06-01-page.txt"
    page.write_text("杭州高新区（滨江）举行二季度项目集中签约活动\n\n6月1日，杭州高新区（滨江）举行二季度重大项目集中签约仪式。\n\n"
                    "活动现场共签约项目15个，总投资128亿元，涵盖集成电路、智能物联等领域。\n", encoding="utf-8")
    book = read_archive(page, model=shipped_model).ledger
    assert {(e.zone, e.count if e.amount_yuan != e.amount_yuan else e.amount_yuan) for e in book.itertuples()} >= {("杭州高新区（滨江）", 1.28e10), ("杭州高新区（滨江）", 15)}


def test_csv_records_in_gb18030_with_empty_cells_and_a_file_without_a_text_column(tmp_path, shipped_model):
    wire = tmp_path / "wire.csv"
    wire.write_bytes("title,text,date,zone\n签约,湘潭高新区新签约项目10个，总投资39亿元。,2024-03-29,\n"
                     "人才,园区人才公寓投入使用。,,北湖高新区\n".encode("gb18030"))
    (tmp_path / "notes.csv").write_text("url,body\nx,园区\n", encoding="utf-8")
    read = read_archive(tmp_path, model=shipped_model)
    frame = read.digest.set_index("source")
    signed, talent = frame.loc[f"{wire}:2"], frame.loc[f"{wire}:3"]
    assert (signed["title"], signed["date"], signed["date_from"], signed["zones"]) == ("签约", "2024-03-29", "record", ["湘潭高新区"])
    assert (talent["date_from"], talent["zones"]) == ("unknown", ["北湖高新区"])  # an empty date cell is no date
    assert read.summary.failed == [(str(tmp_path / "notes.csv"),
                                    f'cannot read {tmp_path / "notes.csv"}: {tmp_path / "notes.csv"} has no "text" column; '
                                    "its columns are ['url', 'body']")]
    assert {(e.zone, e.amount_yuan) for e in read.ledger.itertuples() if e.amount_yuan == e.amount_yuan} == {("湘潭高新区", 3.9e9)}


@pytest.mark.parametrize("inputs, error, message", [
    (None, "InputTypeError", "inputs must be a path, a URL or a list of them, got NoneType"),
    (["a.txt", 7], "InputTypeError", "inputs[1] must be a path or a URL, got int"),
])
def test_inputs_that_are_no_paths_get_a_typed_error(inputs, error, message, shipped_model):
    import zonenlp

    with pytest.raises(getattr(zonenlp, error), match=re.escape(message)):
        read_archive(inputs, model=shipped_model)


def test_k_must_be_positive(shipped_model):
    with pytest.raises(InputValueError, match="k must be a positive int"):
        digest([], model=shipped_model, k=0)


LINES = st.one_of(
    st.builds(lambda t: json.dumps({"text": t}, ensure_ascii=False), st.sampled_from(["园区签约项目5个。", "", "科普开放日。\n人才公寓。"])),
    st.sampled_from(['{"title": "no text"}', "not json", "[1, 2]", '{"text": 7}', '"just a string"', "   "]),
    st.text(alphabet="园区{}\":,[] abc", max_size=12),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, max_size=12))
def test_every_line_of_a_records_file_is_a_row_or_an_error_never_dropped(tmp_path_factory, shipped_model, lines):
    records = tmp_path_factory.mktemp("records") / "wire.jsonl"
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = read_archive(records, model=shipped_model)
    not_blank = [line for line in "\n".join(lines).split("\n") if line.strip()]
    assert len(read.digest) == len(not_blank)
    assert read.summary.articles + len(read.summary.failed) == len(not_blank)
    assert read.digest["error"].notna().sum() == len(read.summary.failed)


def test_a_page_with_no_article_is_a_row_saying_so(tmp_path, shipped_model):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blank.html").write_text("<html><body><nav>首页</nav></body></html>", encoding="utf-8")
    read = read_archive(tmp_path, model=shipped_model)
    assert sorted(Path(s).name for s in read.digest["source"]) == ["blank.html", "empty.txt"]
    assert read.digest["error"].tolist() == ["no article found in the page"] * 2
