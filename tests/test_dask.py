"""zonenlp.dask on a LocalCluster of two worker processes gives what the local path gives."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import zonenlp
from zonenlp import InputTypeError, InputValueError, MissingDependencyError
from zonenlp.batch import tag_values
from zonenlp.cli import main

from conftest import ROOT

db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import zonenlp.dask as zdask  # noqa: E402  (after the skips: it is the module under test)

BAD = ["", None, 7, "招" * 1_000_001, " \u200b "]


def texts() -> list[object]:
    """40 corpus paragraphs with the bad values spread among them."""
    lines = (ROOT / "data" / "themes" / "test.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    out: list[object] = [json.loads(line)["text"] for line in lines]
    for i, bad in enumerate(BAD):
        out.insert(7 * i + 3, bad)
    return out


@pytest.fixture(scope="module")
def client():
    """One cluster for the module: two single-threaded worker processes, as a small real cluster has."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as c:
            yield c


def worker_models(client) -> dict[str, dict]:
    return client.run(lambda: {repr(key): id(model) for key, (model, _) in zdask._MODELS.items()})


def test_tag_bag_gives_the_local_records_in_order(client, shipped_model):
    values = texts()
    local = tag_values(shipped_model, values, k=4)
    bag = zdask.tag_bag(db.from_sequence(values, npartitions=5), k=4)
    assert bag.compute() == local
    assert [bool(r.get("error")) for r in local].count(True) == len(BAD)
    assert all("error" not in r and r["themes"] is not None for i, r in enumerate(local) if values[i] not in BAD)
    # each worker holds one model, and keeps the same one for the next computation
    loaded = worker_models(client)
    assert len(loaded) == 2 and all(len(models) == 1 for models in loaded.values())
    zdask.tag_bag(db.from_sequence(values, npartitions=4), figures=True).compute()
    assert worker_models(client) == loaded


def test_tag_frame_gives_the_pandas_columns(client, shipped_model):
    # no number among the values: Dask turns a text column's values into strings
    # (its "dataframe.convert-string" setting), so 7 would arrive as "7"
    values = [v for v in texts() if not isinstance(v, int)] + ["园区", "科普"]
    df = pd.DataFrame({"body": values, "n": range(len(values))}, dtype=object)
    ddf = dd.from_pandas(df, npartitions=3)
    tagged = zdask.tag_frame(ddf, "body", k=3)
    expected = shipped_model.tag_frame(df, "body", k=3)
    assert list(tagged.columns) == list(expected.columns)
    result = tagged.compute()
    new = [c for c in expected.columns if c not in df.columns]
    # Dask may store the input column with another string dtype; the tags must be the same
    pd.testing.assert_frame_equal(result[new], expected[new])
    assert result["error"].notna().sum() == 4  # empty, None, too long, blank
    with pytest.raises(InputValueError, match="no column 'text'"):
        zdask.tag_frame(ddf, "text")


def test_batch_on_a_running_cluster_writes_the_local_output(client, tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"p{i}", "text": v}, ensure_ascii=False) for i, v in enumerate(texts())]
    source.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "bytes", "text": "\xff"}\n')
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert main(["batch", str(source), "-o", str(local), "--chunk-size", "6", "--figures"]) == 0
    address = client.scheduler.address
    assert main(["batch", str(source), "-o", str(remote), "--chunk-size", "6", "--figures",
                 "--engine", "dask", "--scheduler", address]) == 0
    assert remote.read_bytes() == local.read_bytes()
    records = [json.loads(line) for line in remote.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(texts()) + 1 and records[-1] == {"id": "bytes", "error": "invalid bytes for UTF-8 at line 46"}
    assert "read 46 records: 40 tagged, 6 failed" in capsys.readouterr().err


def test_batch_without_a_scheduler_starts_a_local_cluster(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("\n".join(str(v) for v in texts()[:12]) + "\n", encoding="utf-8")
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    assert main(["batch", str(source), "-o", str(local), "--chunk-size", "5"]) == 0
    assert main(["batch", str(source), "-o", str(remote), "--chunk-size", "5", "--engine", "dask", "--jobs", "2"]) == 0
    assert remote.read_bytes() == local.read_bytes()
    assert remote.read_text(encoding="utf-8").count("\n") == 1 + 12 - 1  # header; the empty line is no record


def test_wrong_arguments_are_typed_errors():
    with pytest.raises(InputTypeError, match="dask.bag.Bag"):
        zdask.tag_bag(["園區"])
    with pytest.raises(InputTypeError, match="dask.dataframe.DataFrame"):
        zdask.tag_frame(pd.DataFrame({"text": ["x"]}), "text")


def test_without_dask_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.bag", None)  # import dask.bag now fails as if not installed
    with pytest.raises(MissingDependencyError, match=r'pip install "zonenlp\[dask\]"') as caught:
        zdask.tag_bag(object())
    assert isinstance(caught.value, ImportError)


def test_import_zonenlp_imports_neither_dask_nor_pandas():
    code = "import sys, zonenlp, zonenlp.batch; print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'pandas', 'distributed')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert zonenlp.MissingDependencyError is MissingDependencyError


def test_the_digest_on_a_cluster_is_the_local_digest(client, tmp_path, shipped_model):
    from zonenlp.archive import read_archive

    pages = tmp_path / "pages"
    pages.mkdir()
    seed = (ROOT / "data" / "seed" / "page-2024-hitech-zones.txt").read_text(encoding="utf-8")
    for n in range(3):
        (pages / f"2024-0{n + 1}-15-page.txt").write_text(seed, encoding="utf-8")
    (pages / "wire.jsonl").write_text("".join(json.dumps({"text": text, "date": f"2024-05-{n + 1:02d}"}, ensure_ascii=False)
                                              + "\n" for n, text in enumerate(texts()[:9]) if isinstance(text, str)),
                                      encoding="utf-8")
    local = read_archive(pages, model=shipped_model)
    remote = read_archive(pages, client=client)
    assert len(local.digest) == 3 * 6 + 9 and (local.digest["paragraphs"] == 0).sum() == 1  # the empty record kept
    assert len(local.ledger) >= 3 * 4
    assert remote.digest.equals(local.digest) and remote.ledger.equals(local.ledger)
    for name, engine in (("dask", ["--engine", "dask", "--scheduler", client.scheduler.address]), ("local", [])):
        assert main(["digest", str(pages), "-o", str(tmp_path / f"{name}.html"), "--csv", str(tmp_path / name),
                     "--quiet", *engine]) == 0
    for table in ("digest.csv", "ledger.csv"):
        assert (tmp_path / "dask" / table).read_bytes() == (tmp_path / "local" / table).read_bytes()
