"""The ``zonenlp`` command: its parser and entry point; what each command does is in :mod:`zonenlp.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from ._version import __version__
from .commands import (
    FEATURE_SETS, FORMATS, run_batch, run_digest, run_evaluate, run_keywords, run_report, run_tag, run_themes,
    run_train, shipped_configuration,
)
from .errors import ZonenlpError

_JOBS = "processes that tag: this one and N - 1 workers (-1: one per core; default: one process)"

#: Arguments of several commands, by flag: the options of ``add_argument``.
_SHARED: dict[str, dict[str, Any]] = {
    "file": dict(metavar="FILE", help="UTF-8 text file, saved web page (.html), PDF, http(s) URL, or - for standard input"),
    "files": dict(nargs="+", metavar="FILE", help="UTF-8 text file(s) or saved web pages, or - for standard input"),
    "data": dict(nargs="+", type=Path, metavar="DATA", help="JSON Lines file(s) of labelled paragraphs"),
    "--lines": dict(action="store_true", help="one paragraph per line: do not read the text as a page"),
    "--model": dict(metavar="PATH", help="model file (safe .npz or .joblib; default: the shipped model)"),
    "--quiet": dict(action="store_true", help="no progress bar (shown on a terminal otherwise)"),
    "--format": dict(choices=FORMATS, default="table", help="output format (default: %(default)s)"),
    "-k": dict(type=int, metavar="N"),
    "--jobs": dict(type=int, metavar="N", help=_JOBS),
    "--progress": dict(action="store_true", help="show the progress bar on stderr even when it is not a terminal"),
    "--engine": dict(choices=("local", "dask"), default="local",
                     help="local processes, or a Dask cluster (needs zonenlp[dask]) (default: %(default)s)"),
    "--scheduler": dict(metavar="ADDRESS",
                        help="address of a running Dask scheduler (default with --engine dask: a local cluster)"),
}


def _add(parser: argparse.ArgumentParser, *flags: str, **changes: Any) -> None:
    """Add the :data:`_SHARED` arguments ``flags`` to ``parser``, with ``changes`` to their options."""
    for flag in flags:
        parser.add_argument(flag, **{**_SHARED[flag], **changes})


def _command(sub: Any, name: str, run: Callable[[argparse.Namespace, TextIO], int], **options: Any) -> Any:
    """Add the subcommand ``name``, which ``run`` carries out; ``options`` go to ``add_parser``."""
    parser = sub.add_parser(name, **options)
    parser.set_defaults(run=run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``zonenlp`` command and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="zonenlp",
        description="Tag Chinese development-zone news with themes (investment 招商引资, environment 营商环境, "
        "talent 人才, outreach 科普) and extract keywords.",
        epilog="Run 'zonenlp COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"zonenlp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    tag = _command(
        sub, "tag", run_tag,
        help="tag each paragraph of a page with themes and keywords",
        description="Read FILE as a newspaper page (articles, headlines, bylines and captions recognised, "
        "paragraphs broken by the layout joined) and print each content paragraph with its themes "
        "(or 'other') and keywords. With --lines every non-empty line is one paragraph.",
        epilog="example: zonenlp tag data/seed/page-2024-hitech-zones.txt --format jsonl",
    )
    _add(tag, "file", "--lines", "--model", "--jobs", "--format")
    _add(tag, "-k", default=5, help="keywords per paragraph (default: %(default)s)")
    _add(tag, "--quiet")

    batch = _command(
        sub, "batch", run_batch,
        help="tag a large file of records: streaming, resumable, on several cores or a Dask cluster",
        description="Tag every record of IN (JSON Lines, CSV, or plain text with one paragraph per line; "
        "--pages for newspaper pages) and write one record per input record, in input order, to OUT "
        "(JSON Lines, or CSV when OUT ends in .csv): id, themes, scores and keywords, or id and error for a "
        "record that cannot be tagged (empty, not text, too long, undecodable bytes, broken JSON). Input "
        "may be UTF-8, UTF-8 with BOM or GB18030, detected from the file. Output goes to OUT.part, committed "
        "every --chunk-size records with a checkpoint in OUT.checkpoint, and is renamed to OUT when complete; "
        "after a crash or kill, --resume continues where the last checkpoint left off. A summary (records "
        "read, tagged, failed, time) goes to standard error.",
        epilog="examples:\n"
        "  zonenlp batch archive.jsonl -o tagged.jsonl --jobs 2\n"
        "  zonenlp batch archive.jsonl -o tagged.jsonl --jobs 2 --resume    # after a kill\n"
        "  zonenlp batch press.csv -o tagged.csv --text-field body --id-field url --figures\n"
        "  zonenlp batch paragraphs.txt -o tagged.jsonl --encoding gb18030\n"
        "  zonenlp batch pages/ --pages -o tagged.jsonl\n"
        "  zonenlp batch archive.jsonl -o tagged.jsonl --engine dask --scheduler tcp://10.0.0.5:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("input", metavar="IN", help="input file (with --pages: a page, .txt, .html or .pdf, or a directory of them)")
    batch.add_argument("-o", "--output", required=True, metavar="OUT", help="output file (.jsonl or .csv)")
    batch.add_argument("--input-format", choices=("jsonl", "csv", "lines"),
                       help="input format (default: from IN's suffix: .jsonl/.ndjson, .csv, .txt = lines)")
    batch.add_argument("--pages", action="store_true",
                       help="read IN as newspaper pages; each paragraph is a record with id FILE:ARTICLE:PARAGRAPH")
    batch.add_argument("--urls", action="store_true",
                       help="read IN as a list of URLs, one a line, and each page fetched as a web page (the web extra); "
                       "each paragraph is a record with id URL:ARTICLE:PARAGRAPH, a URL that fails one error record")
    batch.add_argument("--cache", type=Path, metavar="DIR",
                       help="with --urls: keep fetched pages in DIR and read them from there, so a resumed job fetches nothing twice")
    batch.add_argument("--text-field", default="text", metavar="NAME", help="JSON key or CSV column of the text (default: %(default)s)")
    batch.add_argument("--id-field", default="id", metavar="NAME",
                       help="JSON key or CSV column of the id (default: %(default)s); records without one get "
                       "the id 'line:N' (CSV: 'row:N'); a repeated id is flagged \"duplicate_id\": true and counted")
    batch.add_argument("--encoding", metavar="NAME",
                       help="input encoding, e.g. utf-8 or gb18030 (default: detected); lines invalid in it become error records")
    batch.add_argument("--format", choices=("jsonl", "csv"), help="output format (default: csv for OUT ending in .csv, else jsonl)")
    _add(batch, "-k", default=5, help="keywords per record (default: %(default)s)")
    batch.add_argument("--figures", action="store_true", help="add the figures (money, counts, areas, dates, zones) of each record")
    _add(batch, "--model")
    _add(batch, "--jobs", help=f"{_JOBS}; with --engine dask and no --scheduler, the workers of the local cluster")
    batch.add_argument("--chunk-size", type=int, default=1000, metavar="N",
                       help="records tagged and committed at a time; memory grows with it (default: %(default)s)")
    batch.add_argument("--resume", action="store_true",
                       help="continue a killed job from OUT.part and OUT.checkpoint (same options); starts afresh if there are none")
    batch.add_argument("--force", action="store_true",
                       help="replace OUT if it exists (never when OUT is the input: that is always refused)")
    _add(batch, "--progress", "--quiet", "--engine", "--scheduler")

    digest = _command(
        sub, "digest", run_digest,
        help="digest an archive into one offline HTML dashboard (and CSV files): themes by month and zone, the investment ledger",
        description="Read every article of INPUTS (pages .txt, saved web pages .html, PDFs, folders of them, URLs, "
        "JSON Lines or CSV records with text and optional title, date, zone, source/url), tag every paragraph, and write "
        "one self-contained HTML dashboard that opens offline: theme share by month (per zone), the zones most "
        "active per theme, investment announced by quarter, terms new or rising in the latest month, the investment "
        "ledger as a sortable, filterable table with totals, and the articles linked to their sources. Dates come "
        "from a record's date, the page's metadata, its date line or its file name; an article with none is counted "
        "as 'date unknown', never dropped, and a page that cannot be read is listed with why. A summary goes to "
        "standard error.",
        epilog="examples:\n"
        "  zonenlp digest archive/ -o digest.html --jobs 2\n"
        "  zonenlp digest pages/ wire.jsonl -o digest.html --csv tables/    # also digest.csv and ledger.csv\n"
        "  zonenlp digest --urls links.txt -o digest.html --cache cache/   # a URL a line; a rerun fetches nothing\n"
        "  zonenlp digest archive/ -o digest.html --engine dask --scheduler tcp://10.0.0.5:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    digest.add_argument("inputs", nargs="*", metavar="INPUT", help="a page, web page, PDF, folder, URL, or .jsonl or .csv file of records")
    digest.add_argument("--urls", type=Path, metavar="FILE", help="also read the URLs listed in FILE, one a line")
    digest.add_argument("-o", "--output", required=True, type=Path, metavar="HTML", help="where to write the dashboard")
    digest.add_argument("--csv", type=Path, metavar="DIR", help="also write DIR/digest.csv (one row per article) and DIR/ledger.csv")
    digest.add_argument("--title", default="zonenlp digest", help="the dashboard's title (default: %(default)s)")
    digest.add_argument("--force", action="store_true", help="replace the dashboard or CSV files if they exist (never an input)")
    digest.add_argument("--cache", type=Path, metavar="DIR", help="keep fetched URLs in DIR, so that a second run fetches nothing")
    _add(digest, "-k", default=10, help="keywords per article (default: %(default)s)")
    _add(digest, "--model", "--jobs", "--progress", "--quiet", "--engine", "--scheduler")

    report = _command(
        sub, "report", run_report,
        help="write a self-contained HTML report of a page",
        description="Read FILE as a page, tag every paragraph and write one HTML file (no network, no server "
        "needed to open it): articles with paragraphs coloured by theme, keywords and figures highlighted, "
        "and a chart of the page's themes.",
        epilog="example: zonenlp report data/seed/page-2024-hitech-zones.txt -o report.html",
    )
    _add(report, "file")
    report.add_argument("-o", "--output", required=True, metavar="HTML", help="where to write the report")
    _add(report, "--model")

    kw = _command(
        sub, "keywords", run_keywords,
        help="extract keywords of each paragraph, of whole files, or across files",
        description="Print the keywords of each paragraph of FILE(s) (read as pages; --lines for one paragraph "
        "per line), best first; --whole gives the keywords of each whole file, --summary the top terms across "
        "all paragraphs with the number of paragraphs each indexes.",
        epilog="example: zonenlp keywords week/*.txt --summary -k 30",
    )
    _add(kw, "files")
    _add(kw, "-k", default=10, help="keywords per paragraph, or in the summary (default: %(default)s)")
    _add(kw, "--lines")
    scope = kw.add_mutually_exclusive_group()
    scope.add_argument("--whole", action="store_true", help="keywords of each whole file instead of each paragraph")
    scope.add_argument("--summary", action="store_true", help="top terms across all paragraphs of all files, with counts")
    kw.add_argument("--method", choices=("tfidf", "textrank"), default="tfidf", help="ranking (default: %(default)s)")
    _add(kw, "--format")

    themes = _command(
        sub, "themes", run_themes,
        help="show the terms that characterise each theme of a model",
        description="Print, for each theme, the words with the largest weight in the model.",
        epilog="example: zonenlp themes -k 15",
    )
    _add(themes, "--model")
    _add(themes, "-k", default=20, help="terms per theme (default: %(default)s)")
    _add(themes, "--format", choices=("table", "jsonl"))

    train = _command(
        sub, "train", run_train,
        help="train a theme model on labelled JSON Lines",
        description="Train a ThemeClassifier on JSON Lines files with 'text' and 'labels' ([] for other), "
        "choose per-label thresholds by cross-validation, and save the model with its manifest.",
        epilog="example: zonenlp train data/themes/train.jsonl -o my-model.npz --group-field group",
    )
    _add(train, "data")
    train.add_argument("-o", "--output", type=Path, required=True, metavar="PATH", help="where to write the model: .npz (safe format, loads without scikit-learn) or .joblib")
    # defaults: the shipped model's configuration, as its manifest records it
    try:
        shipped: tuple[Any, ...] = shipped_configuration()
    except (ZonenlpError, KeyError, StopIteration):  # no readable manifest: run_train says why, if it is needed
        shipped = (None, None, None)
    train.add_argument("--features", choices=tuple(FEATURE_SETS), default=shipped[0], help="TF-IDF over character "
                       "1-3-grams, word 1-2-grams of the domain tokenizer, or both (default: the shipped model's, "
                       "%(default)s; chars needs no segmentation)")
    train.add_argument("--estimator", choices=("logreg", "svm", "nb"), default=shipped[1],
                       help="classifier (default: the shipped model's, %(default)s)")
    train.add_argument("--C", type=float, default=shipped[2],
                       help="inverse regularisation for logreg/svm (default: the shipped model's, %(default)s)")
    train.add_argument("--cv", type=int, default=5, help="folds for choosing thresholds (default: %(default)s)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    train.add_argument("--labels", metavar="A,B,…", help="label order (default: the themes in zonenlp's order, then other labels sorted)")
    train.add_argument("--group-field", metavar="FIELD", help="keep records sharing this field in one fold (e.g. group)")
    _add(train, "--quiet")

    ev = _command(
        sub, "evaluate", run_evaluate,
        help="score a model on labelled JSON Lines",
        description="Print per-label precision, recall and F1, micro and macro F1, exact-match accuracy and "
        "F1 of 'other' of a model on labelled JSON Lines.",
        epilog="example: zonenlp evaluate data/themes/seed.jsonl",
    )
    _add(ev, "data", "--model")
    _add(ev, "--format", choices=("table", "json"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zonenlp`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for flag, value in (("-k", getattr(args, "k", 1)), ("--chunk-size", getattr(args, "chunk_size", 1))):
        if value < 1:
            parser.error(f"{flag} must be at least 1")
    try:
        return args.run(args, sys.stdout)
    except ZonenlpError as exc:
        print(f"zonenlp: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `zonenlp tag page.txt | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
