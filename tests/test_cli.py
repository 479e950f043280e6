import csv
import io
import json
import subprocess
import sys

import pytest

import zonenlp
from zonenlp.cli import main
from conftest import SEED_PAGE


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tag_reads_the_page_by_default(capsys, seed_set):
    code, out, _ = run(capsys, "tag", str(SEED_PAGE))
    assert code == 0
    lines = out.splitlines()
    headers = [line for line in lines if line.startswith("[")]
    assert headers[0] == "[1] 湘潭高新区打好招商引资主动仗" and headers[-1] == "[6] (untitled article)"
    rows = [line for line in lines if line[:1].isdigit()]
    assert len(rows) == len(seed_set) == 50


def test_tag_lines_treats_every_line_as_a_paragraph(capsys):
    code, out, _ = run(capsys, "tag", str(SEED_PAGE), "--lines")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["#", "themes", "keywords"]
    n_lines = sum(1 for line in SEED_PAGE.read_text(encoding="utf-8").splitlines() if line.strip())
    rows = [line for line in lines[2:] if not line.startswith(" ")]  # the others continue a row's keywords
    assert [int(row.split()[0]) for row in rows] == list(range(1, n_lines + 1))


def test_the_table_shows_every_keyword_wrapped_onto_continuation_lines(capsys):
    """No keyword is cut (issue #20): a row whose keywords are wider than their column continues below it."""
    _, table, _ = run(capsys, "tag", str(SEED_PAGE), "--lines", "-k", "8")
    _, jsonl, _ = run(capsys, "tag", str(SEED_PAGE), "--lines", "-k", "8", "--format", "jsonl")
    start = len("#    themes                  ")  # the # and themes columns before it hold ASCII only
    shown: list[list[str]] = []
    for line in table.splitlines()[2:]:
        if line.startswith(" "):  # a continuation line holds keywords only
            assert line[:start].isspace()
        else:
            shown.append([])
        shown[-1] += [line[start:].split("  ")[0].strip()]
    # every character of every keyword, in order (a keyword longer than the column goes on over the next line)
    expected = ["".join(word for word, _ in json.loads(row)["keywords"]) for row in jsonl.splitlines()]
    assert ["".join(lines).replace("、", "") for lines in shown] == [words.replace("、", "") for words in expected]
    assert len(table.splitlines()) > 2 + len(expected)  # some rows went on to a second line


def test_tag_jsonl_and_csv(capsys):
    code, out, _ = run(capsys, "tag", str(SEED_PAGE), "--format", "jsonl", "-k", "3")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    assert set(rows[0]) == {"index", "article", "title", "text", "themes", "scores", "keywords"}
    assert rows[0]["title"] == "湘潭高新区打好招商引资主动仗" and rows[-1]["article"] == 6
    assert all(len(r["keywords"]) <= 3 for r in rows)
    assert all(set(r["themes"]) <= {"investment", "environment", "talent", "outreach"} for r in rows)
    code, out, _ = run(capsys, "tag", str(SEED_PAGE), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == len(rows) and "score_investment" in table[0]


def test_tag_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("园区举办科普讲座，走进小学开展科学课。\n".encode("utf-8"))))
    code, out, _ = run(capsys, "tag", "-", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 1


def test_report_writes_one_self_contained_html_file(tmp_path, capsys):
    target = tmp_path / "report.html"
    code, out, _ = run(capsys, "report", str(SEED_PAGE), "-o", str(target))
    assert code == 0 and "6 articles, 50 paragraphs" in out
    document = target.read_text(encoding="utf-8")
    assert document.count('class="para"') == 50 and "<svg" in document
    code, _, err = run(capsys, "report", str(SEED_PAGE), "-o", str(tmp_path / "no" / "such" / "dir.html"))
    assert code == 2 and "cannot write" in err


def test_keywords_command(capsys):
    code, out, _ = run(capsys, "keywords", str(SEED_PAGE), "--whole", "--format", "jsonl", "-k", "5")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 1 and len(rows[0]["keywords"]) == 5
    code, out, _ = run(capsys, "keywords", str(SEED_PAGE), "--format", "jsonl", "--method", "textrank")
    assert code == 0 and len(out.splitlines()) == 50


def test_keywords_summary_across_files(capsys, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("湘潭高新区召开招商引资推进会。\n湘潭高新区签约项目5个。\n", encoding="utf-8")
    code, out, _ = run(capsys, "keywords", str(SEED_PAGE), str(other), "--summary", "-k", "8", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 8 and rows[0]["keyword"] == "湘潭高新区"
    counts = [r["paragraphs"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_themes_command(capsys):
    code, out, _ = run(capsys, "themes", "-k", "5")
    lines = out.splitlines()
    assert code == 0 and [l.split()[0] for l in lines] == ["investment", "environment", "talent", "outreach"]


def test_train_and_evaluate(tmp_path, capsys):
    data = tmp_path / "d.jsonl"
    from conftest import TINY

    data.write_text("\n".join(json.dumps({"text": t, "labels": l}, ensure_ascii=False) for t, l in TINY), encoding="utf-8")
    model = tmp_path / "m.joblib"
    code, out, _ = run(capsys, "train", str(data), "-o", str(model), "--cv", "3", "--labels", "investment,talent")
    assert code == 0 and model.exists() and "macro F1" in out
    code, out, _ = run(capsys, "evaluate", str(data), "--model", str(model), "--format", "json")
    assert code == 0 and json.loads(out)["n"] == len(TINY)
    trained, shipped = zonenlp.load(model), zonenlp.read_manifest()["notes"]["config"]
    assert trained.featurizer_.word_terms_ is None and trained.featurizer_.char_terms_ is not None
    assert (trained.estimator, trained.C) == (shipped["classifier"]["estimator"], shipped["classifier"]["C"])  # the shipped configuration
    words = tmp_path / "w.joblib"
    code, _, _ = run(capsys, "train", str(data), "-o", str(words), "--cv", "3", "--features", "words", "--estimator", "logreg")
    assert code == 0 and zonenlp.load(words).featurizer_.char_terms_ is None


def test_errors_are_messages_not_tracebacks(tmp_path, capsys):
    code, _, err = run(capsys, "tag", str(tmp_path / "missing.txt"))
    assert code == 2 and err.startswith("zonenlp: error: cannot read")
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("招商引资".encode("gb18030"))
    code, _, err = run(capsys, "tag", str(bad))
    assert code == 2 and "not UTF-8" in err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "a", "labels": []}\n{oops\n', encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(broken))
    assert code == 2 and "broken.jsonl:2" in err
    with pytest.raises(SystemExit):
        main(["tag", str(SEED_PAGE), "-k", "0"])


@pytest.mark.parametrize("command", ["tag", "batch", "digest", "report", "keywords", "themes", "train", "evaluate"])
def test_help_of_each_command(command):
    out = subprocess.run([sys.executable, "-m", "zonenlp", command, "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "example" in out.stdout


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self):
        return True


@pytest.mark.parametrize("paragraphs, options, shown", [(1000, [], True), (1000, ["--quiet"], False), (999, [], False)])
def test_tag_shows_a_progress_bar_on_a_terminal_for_long_inputs(tmp_path, monkeypatch, paragraphs, options, shown):
    page = tmp_path / "lines.txt"
    page.write_text("园区新签约项目12个。\n" * paragraphs, encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert main(["tag", str(page), "--lines", "--format", "jsonl", *options]) == 0
    bar = sys.stderr.getvalue()
    if shown:
        assert f"tagging: 100%|" in bar and f"{paragraphs}/{paragraphs} paragraphs" in bar
    else:
        assert bar == ""


def test_train_shows_its_steps_on_a_terminal(tmp_path, monkeypatch, capsys):
    from conftest import TINY

    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps({"text": t, "labels": l}, ensure_ascii=False) for t, l in TINY), encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert main(["train", str(data), "-o", str(tmp_path / "m.npz"), "--cv", "3"]) == 0
    assert "training: 100%|" in sys.stderr.getvalue() and "2/2 steps" in sys.stderr.getvalue()
    assert "saved" in capsys.readouterr().out  # the report itself goes to standard output


def test_tag_keywords_use_the_models_tokenizer(tmp_path, capsys, tiny_corpus):
    """`zonenlp tag --model M` segments keywords with M's dictionary, as `zonenlp batch` does."""
    import zonenlp

    texts, labels = tiny_corpus
    featurizer = zonenlp.TfidfFeaturizer(tokenizer=zonenlp.Tokenizer(extra_words=("云上推介",)))
    zonenlp.save(zonenlp.ThemeClassifier(featurizer=featurizer, threshold=0.5).fit(texts, labels), tmp_path / "m.npz")
    page = tmp_path / "p.txt"
    page.write_text("招商局驻点上海开展云上推介活动，云上推介已洽谈在谈项目20个。\n", encoding="utf-8")
    code, out, _ = run(capsys, "tag", str(page), "--lines", "--format", "jsonl", "--model", str(tmp_path / "m.npz"))
    assert code == 0 and "云上推介" in json.loads(out)["keywords"][0]


def test_tag_on_two_processes_prints_what_one_prints(capsys):
    _, one, _ = run(capsys, "tag", str(SEED_PAGE), "--format", "jsonl")
    code, two, _ = run(capsys, "tag", str(SEED_PAGE), "--format", "jsonl", "--jobs", "2")
    assert code == 0 and two == one and len(one.splitlines()) > 40


def test_digest_writes_the_dashboard_and_the_csv_tables_and_summarises_what_it_read(tmp_path, capsys):
    pytest.importorskip("pandas")
    pytest.importorskip("plotly")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "2024-03-29-a.txt").write_text(SEED_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (pages / "wire.jsonl").write_text(json.dumps({"text": "高新区新签约项目12个，总投资86亿元。", "date": "2024-05-06",
                                                  "zone": "南湖高新区"}, ensure_ascii=False) + "\n", encoding="utf-8")
    out, tables = tmp_path / "digest.html", tmp_path / "tables"
    assert main(["digest", str(pages), "-o", str(out), "--csv", str(tables), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "read 3 sources: 7 articles" in err and "1 failed" in err and "broken.pdf" in err
    assert out.read_text(encoding="utf-8").count('class="plotly-graph-div"') == 4
    with open(tables / "digest.csv", encoding="utf-8-sig", newline="") as f:
        digest = list(csv.DictReader(f))
    assert len(digest) == 8 and sum(bool(row["error"]) for row in digest) == 1
    with open(tables / "ledger.csv", encoding="utf-8-sig", newline="") as f:
        ledger = list(csv.DictReader(f))
    assert {("南湖高新区", "8600000000.0"), ("湘潭高新区", "3900000000.0")} <= {(r["zone"], r["amount_yuan"]) for r in ledger}
    assert main(["digest", str(pages), "-o", str(out), "--scheduler", "tcp://x:1"]) == 2


def test_digest_never_replaces_an_input_or_an_existing_file_unasked(tmp_path, capsys):
    pytest.importorskip("plotly")
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>高新区新签约项目12个。</p></body></html>", encoding="utf-8")
    before = page.read_bytes()
    assert main(["digest", str(tmp_path), "-o", str(page), "--force"]) == 2
    assert "would be the input file" in capsys.readouterr().err and page.read_bytes() == before
    (tmp_path / "old.html").write_text("last week's dashboard", encoding="utf-8")
    assert main(["digest", str(SEED_PAGE), "-o", str(tmp_path / "old.html")]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["digest", str(SEED_PAGE), "-o", str(tmp_path / "no" / "d.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["digest", "-o", str(tmp_path / "d.html")]) == 2
    assert "nothing to digest" in capsys.readouterr().err
    assert main(["digest", str(SEED_PAGE), "-o", str(tmp_path / "old.html"), "--force", "--quiet"]) == 0
    assert not (tmp_path / "old.html.part").exists() and "plotly" in (tmp_path / "old.html").read_text(encoding="utf-8")


def test_digest_without_plotly_says_what_to_install_before_reading_anything(tmp_path, monkeypatch, capsys):
    pytest.importorskip("pandas")
    import zonenlp.archive

    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setattr(zonenlp.archive, "read_archive", lambda *a, **k: pytest.fail("read before the check"))
    assert main(["digest", str(SEED_PAGE), "-o", str(tmp_path / "d.html")]) == 2
    assert 'zonenlp digest needs plotly: pip install "zonenlp[digest]"' in capsys.readouterr().err
