"""Freeze what zonenlp outputs today into "golden" files, so that a redesign can be checked against them.

What it freezes (for the shipped model, with both tokenizer backends, jieba and rjieba):

* ``predictions.jsonl`` - for every record (paragraph) of data/themes/train.jsonl,
  test.jsonl and seed.jsonl: ``{"file", "id", "themes", "scores"}``, themes from
  ``model.tag`` and scores from ``model.predict_proba`` rounded to 7 decimals.
  The shipped model reads characters only, so these are computed with both
  backends, checked to be equal, and written once.
* ``tag_seed_<backend>.jsonl`` - what
  ``zonenlp tag data/seed/page-2024-hitech-zones.txt --format jsonl`` prints with
  that backend (text, themes, scores and keywords of each paragraph of the page).
* ``batch_seed_<backend>.jsonl`` - what
  ``zonenlp batch data/seed/page-2024-hitech-zones.txt --pages -o OUT`` writes to
  OUT with that backend (ids FILE:ARTICLE:PARAGRAPH).

The command line is run in this process through ``zonenlp.cli.main``. When the
command has a ``--backend`` option (its ``--help`` lists one), it is passed;
otherwise (the CLI of commit 44eb171 has none; ``load()`` picks rjieba when it
is installed) the default of ``backend`` in ``zonenlp.persistence.load`` is set
for the duration of the call. Either way the keywords the CLI printed are then
checked against ``zonenlp.batch.tag_texts(zonenlp.load(backend=...), ...)``, so a
backend that was not really forced is caught.

The committed files in tests/fixtures/golden were made from commit 44eb171
(before the redesign) with::

    cd /work/main && git worktree add /tmp/pre-redesign 44eb171
    mkdir -p /tmp/pre-redesign-site/zonenlp
    ln -s /tmp/pre-redesign/src/zonenlp/* /tmp/pre-redesign-site/zonenlp/
    ln -s /tmp/pre-redesign/models /tmp/pre-redesign-site/zonenlp/_models
    PYTHONPATH=/tmp/pre-redesign-site .venv/bin/python scripts/make_golden.py --root /tmp/pre-redesign
    git worktree remove /tmp/pre-redesign --force; rm -r /tmp/pre-redesign-site

/tmp/pre-redesign-site is the old package laid out as pyproject.toml installs
it (models/ as the resource zonenlp._models): with PYTHONPATH=/tmp/pre-redesign/src
alone, zonenlp._models would come from the editable install of /work/main, whose
models/ no longer matches 44eb171 (the manifest was renamed). The script prints
which zonenlp and which model file it used.

tests/test_golden.py imports the generating functions of this script and
compares their output for the current code with the committed files.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import json
import logging
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BACKENDS = ("jieba", "rjieba")
THEME_FILES = ("train.jsonl", "test.jsonl", "seed.jsonl")
SEED_PAGE = Path("data/seed/page-2024-hitech-zones.txt")
DECIMALS = 7


# -- predictions ---------------------------------------------------------------
def read_records(root: Path) -> list[tuple[str, str, str]]:
    """(file name, id, text) of every record of the theme files under ``root``."""
    rows = []
    for name in THEME_FILES:
        with open(root / "data" / "themes" / name, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    rows.append((name, record["id"], record["text"]))
    return rows


def _predict(model: Any, texts: list[str]) -> list[tuple[list[str], dict[str, float]]]:
    import numpy as np

    proba = np.asarray(model.predict_proba(texts))
    tags = model.tag(texts)
    labels = [str(label) for label in model.classes_]
    return [
        (list(tag["themes"]), {label: round(float(p), DECIMALS) for label, p in zip(labels, row)})
        for tag, row in zip(tags, proba)
    ]


def predictions(root: Path = REPO) -> list[dict[str, Any]]:
    """One row per record of the theme files; the same with either backend (checked)."""
    import zonenlp

    records = read_records(root)
    texts = [text for _, _, text in records]
    per_backend = {}
    for backend in BACKENDS:
        model = zonenlp.load(backend=backend)
        assert model.backend == backend, (model.backend, backend)
        per_backend[backend] = _predict(model, texts)
    first, *others = per_backend.values()
    for backend, result in zip(BACKENDS[1:], others):
        if result != first:
            bad = [records[i][:2] for i, (a, b) in enumerate(zip(first, result)) if a != b]
            raise AssertionError(f"predictions with {backend} differ from {BACKENDS[0]} on {bad[:10]} ...")
    return [
        {"file": name, "id": id_, "themes": themes, "scores": scores}
        for (name, id_, _), (themes, scores) in zip(records, first)
    ]


# -- the command line with a chosen backend ------------------------------------
def _cli_help(command: str) -> str:
    from zonenlp.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main([command, "--help"])
    return out.getvalue()


def cli_has_backend_option(command: str) -> bool:
    """Whether ``zonenlp COMMAND --help`` lists a ``--backend`` option."""
    return "--backend" in _cli_help(command)


@contextlib.contextmanager
def default_backend(backend: str) -> Iterator[None]:
    """``zonenlp.persistence.load`` defaults to ``backend`` inside the block.

    The default is changed on the function object itself, so every caller that
    does not pass ``backend`` gets it, however it imported ``load``."""
    from zonenlp import persistence

    load = persistence.load
    parameters = inspect.signature(load).parameters
    saved = (load.__defaults__, load.__kwdefaults__)
    if parameters["backend"].kind is inspect.Parameter.KEYWORD_ONLY:
        load.__kwdefaults__ = {**(load.__kwdefaults__ or {}), "backend": backend}
    else:
        positional = [name for name, p in parameters.items()
                      if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        defaults = list(load.__defaults__)
        defaults[positional[len(positional) - len(defaults):].index("backend")] = backend
        load.__defaults__ = tuple(defaults)
    try:
        if persistence.load().backend != backend:  # proof (0.2 s) that the patch took
            raise AssertionError(f"could not make zonenlp.persistence.load default to {backend}")
        yield
    finally:
        load.__defaults__, load.__kwdefaults__ = saved


def run_cli(argv: Sequence[str], backend: str) -> str:
    """Standard output of ``zonenlp ARGV`` with ``backend``; fails on a non-zero status."""
    from zonenlp.cli import main

    command = argv[0]
    out = io.StringIO()
    if cli_has_backend_option(command):
        with contextlib.redirect_stdout(out):
            status = main([*argv, "--backend", backend])
    else:
        with default_backend(backend), contextlib.redirect_stdout(out):
            status = main(list(argv))
    if status != 0:
        raise RuntimeError(f"zonenlp {' '.join(argv)} (backend {backend}) exited with {status}")
    return out.getvalue()


def seed_paragraphs(root: Path = REPO) -> list[str]:
    """The paragraphs of the seed page, in order, as ``zonenlp.read_page`` reads them."""
    import zonenlp

    text = (root / SEED_PAGE).read_text(encoding="utf-8-sig")
    return [p for article in zonenlp.read_page(text) for p in article.paragraphs]


def library_keywords(backend: str, paragraphs: list[str], k: int = 5) -> list[list[str]] | None:
    """Keywords of each paragraph from the batch machinery with ``zonenlp.load(backend=...)``,
    or None when this version of zonenlp has no ``zonenlp.batch.tag_texts``."""
    import zonenlp

    try:
        from zonenlp.batch import tag_texts
    except ImportError:
        return None
    model = zonenlp.load(backend=backend)
    return [[term for term, _ in pairs] for _, pairs in tag_texts(model, paragraphs, k=k)]


def tag_seed(backend: str, root: Path = REPO) -> str:
    """``zonenlp tag SEED_PAGE --format jsonl`` with ``backend``, as printed."""
    text = run_cli(["tag", str(root / SEED_PAGE), "--format", "jsonl"], backend)
    rows = parse_jsonl(text)
    paragraphs = seed_paragraphs(root)
    if [r["text"] for r in rows] != paragraphs:
        raise AssertionError("zonenlp tag printed other paragraphs than zonenlp.read_page gives")
    expected = library_keywords(backend, paragraphs)
    if expected is not None and [[w for w, _ in r["keywords"]] for r in rows] != expected:
        raise AssertionError(f"zonenlp tag's keywords are not those of backend {backend}: it was not forced")
    return text


def batch_seed(backend: str, root: Path = REPO) -> str:
    """What ``zonenlp batch SEED_PAGE --pages -o OUT`` writes to OUT with ``backend``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        with contextlib.redirect_stderr(io.StringIO()):  # the summary line, which names the temporary OUT
            run_cli(["batch", str(root / SEED_PAGE), "--pages", "-o", str(out)], backend)
        text = out.read_text(encoding="utf-8")
    expected = library_keywords(backend, seed_paragraphs(root))
    if expected is not None and [r["keywords"] for r in parse_jsonl(text)] != expected:
        raise AssertionError(f"zonenlp batch's keywords are not those of backend {backend}: it was not forced")
    return text


# -- comparing -------------------------------------------------------------------
def parse_jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def keyword_differences(a: list[dict[str, Any]], b: list[dict[str, Any]], key: str) -> list[Any]:
    """``row[key]`` of the rows (paired in order) whose keywords differ; everything else must be equal."""
    if len(a) != len(b):
        raise AssertionError(f"{len(a)} rows against {len(b)}")
    differ = []
    for x, y in zip(a, b):
        if {k: v for k, v in x.items() if k != "keywords"} != {k: v for k, v in y.items() if k != "keywords"}:
            raise AssertionError(f"rows {x.get(key)} differ beyond their keywords:\n{x}\n{y}")
        if x["keywords"] != y["keywords"]:
            differ.append(x[key])
    return differ


def generate(out_dir: Path, root: Path = REPO) -> dict[str, Any]:
    """Write the golden files into ``out_dir``; returns the number of predictions and
    the tag indexes and batch ids whose keywords differ between jieba and rjieba."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = predictions(root)
    with open(out_dir / "predictions.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    tags, batches = {}, {}
    for backend in BACKENDS:
        tags[backend] = tag_seed(backend, root)
        batches[backend] = batch_seed(backend, root)
        (out_dir / f"tag_seed_{backend}.jsonl").write_text(tags[backend], encoding="utf-8", newline="\n")
        (out_dir / f"batch_seed_{backend}.jsonl").write_text(batches[backend], encoding="utf-8", newline="\n")
    return {
        "tag_index": keyword_differences(parse_jsonl(tags["jieba"]), parse_jsonl(tags["rjieba"]), "index"),
        "batch_id": keyword_differences(parse_jsonl(batches["jieba"]), parse_jsonl(batches["rjieba"]), "id"),
        "predictions": len(rows),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write golden outputs of zonenlp (predictions on data/themes, `zonenlp tag` and "
        "`zonenlp batch --pages` of the seed page, with the jieba and the rjieba backend) for "
        "tests/test_golden.py. Run it with PYTHONPATH pointing at the src/ of the code to freeze.",
    )
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "golden", metavar="DIR",
                        help="where to write the files (default: tests/fixtures/golden of this repository)")
    parser.add_argument("--root", type=Path, default=REPO, metavar="DIR",
                        help="checkout whose data/ is read (default: this repository)")
    args = parser.parse_args(argv)

    import jieba
    import zonenlp
    from zonenlp.persistence import default_model_path

    jieba.setLogLevel(logging.WARNING)
    print(f"zonenlp {zonenlp.__version__} from {zonenlp.__file__}; model {default_model_path()} (-> {default_model_path().resolve()})", file=sys.stderr)
    diffs = generate(args.out, args.root)
    print(f"wrote {args.out}: {diffs['predictions']} predictions", file=sys.stderr)
    print(f"keywords differ between jieba and rjieba on tag indexes {diffs['tag_index']}", file=sys.stderr)
    print(f"  (batch ids {diffs['batch_id']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
