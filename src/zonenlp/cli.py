"""The ``zonenlp`` command: tag, keywords, train and evaluate from the shell."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO

from ._version import __version__
from .display import print_jsonl, print_scores, print_table
from .errors import ZonenlpError
from .readers import file_articles, file_units

FORMATS = ("table", "jsonl", "csv")


#: From this many paragraphs on, ``zonenlp tag`` shows a progress bar on a terminal.
LONG_INPUT = 1000


def _print_rows(
    rows: list[dict[str, Any]], fmt: str, out: TextIO, header: list[str], csv_row: Callable[[Any], list[Any]]
) -> bool:
    """Print ``rows`` as JSON Lines, or as CSV with ``header`` and ``csv_row(row)`` per row;
    ``False`` (nothing printed) for the table format, which each command lays out itself."""
    if fmt == "jsonl":
        print_jsonl(rows, out)
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(map(csv_row, rows))
    return fmt != "table"


def _terms(keywords: list[tuple[str, float]]) -> list[str]:
    return [word for word, _ in keywords]


def _cmd_tag(args: argparse.Namespace, out: TextIO) -> int:
    from .batch import tag_texts
    from .display import progress_bar, show_progress
    from .persistence import load
    from .records import columns, row, tag_record

    units = file_units(args.file, args.lines)
    model = load(args.model)
    labels = model.classes_.tolist()
    # themes and keywords (with the model's tokenizer, as `zonenlp batch` and analyze() use) on --jobs processes
    # a page's paragraphs are tagged in their articles (a model with article context reads them together)
    articles = None if args.lines else [article for article, _, _ in units]
    stream = tag_texts(model, [p for _, _, p in units], articles=articles, k=args.k, n_jobs=args.jobs)
    show = len(units) >= LONG_INPUT and show_progress(quiet=args.quiet)
    page_columns = [] if args.lines else ["article", "title"]
    records = []
    with progress_bar(total=len(units), unit="paragraphs", desc="tagging", show=show) as bar:
        for index, ((article, title, text), (tag, keywords)) in enumerate(zip(units, stream), 1):
            page = dict(zip(page_columns, (article, title)))
            records.append({"index": index, **page, "text": text, **tag_record(tag, keywords)})
            bar.update()
    header = ["index", *page_columns, *columns(labels, error=False), "text"]
    if _print_rows(records, args.format, out, header, lambda r: [
        r["index"], *[r[c] for c in page_columns], *row(r, labels, error=False, text=True), r["text"]
    ]):
        return 0
    for article, grouped in groupby(records, key=lambda r: r.get("article")):
        group = list(grouped)
        if article is not None:
            print(f"\n[{article}] {group[0]['title'] or '(untitled article)'}", file=out)
        table = [{**r, "themes": "+".join(r["themes"]) or "other", "keywords": _terms(r["keywords"])}
                 for r in group]
        print_table(table, [("index", "#", 3), ("themes", "themes", 22), ("keywords", "keywords", 34),
                            ("text", "paragraph", 60)], out)
    return 0


def _cmd_batch(args: argparse.Namespace, out: TextIO) -> int:
    from .batch import RecordReader, run_batch, text_limit
    from .display import show_progress
    from .fetch import Fetcher
    from .persistence import load

    if args.scheduler and args.engine != "dask":
        raise ZonenlpError("--scheduler needs --engine dask")
    try:
        model = load(args.model)
        reader = RecordReader(
            args.input, input_format=args.input_format, text_field=args.text_field, id_field=args.id_field,
            encoding=args.encoding, pages=args.pages, urls=args.urls, max_chars=text_limit(model),
            fetcher=Fetcher(cache=args.cache) if args.urls else None,
        )
        options = dict(output_format=args.format, k=args.k, with_figures=args.figures, n_jobs=args.jobs,
                       chunk_size=args.chunk_size, resume=args.resume, overwrite=args.force,
                       progress=show_progress(quiet=args.quiet, force=args.progress))
        if args.engine == "dask":
            from .dask import connect, tag_chunks

            with connect(args.scheduler, n_workers=args.jobs) as client:
                # the workers load the same file with the same tokenizer backend as here
                tagger = partial(tag_chunks, client, model=args.model, k=args.k, figures=args.figures,
                                 backend=model.backend)
                summary = run_batch(reader, args.output, model, tagger=tagger, **options)
        else:
            summary = run_batch(reader, args.output, model, **options)
        print(f"zonenlp batch: {summary}", file=sys.stderr)
    except OSError as exc:  # unreadable input, unwritable output directory, full disk
        raise ZonenlpError(f"{exc.filename or 'batch'}: {exc.strerror or exc}") from None
    return 0


def _cmd_digest(args: argparse.Namespace, out: TextIO) -> int:
    from contextlib import nullcontext

    from .archive import read_archive
    from .dashboard import write_csv, write_dashboard
    from .display import show_progress
    from .persistence import load

    if args.scheduler and args.engine != "dask":
        raise ZonenlpError("--scheduler needs --engine dask")
    if args.engine == "dask":
        from .dask import connect
    cluster = connect(args.scheduler, n_workers=args.jobs) if args.engine == "dask" else nullcontext()
    try:
        with cluster as client:
            read = read_archive(args.inputs, model=args.model if client else load(args.model), k=args.k,
                                n_jobs=args.jobs, cache=args.cache, client=client,
                                progress=show_progress(quiet=args.quiet, force=args.progress))
        write_dashboard(args.output, read.digest, read.ledger, title=args.title)
        written = [str(args.output), *map(str, write_csv(args.csv, read.digest, read.ledger) if args.csv else [])]
    except OSError as exc:  # an unwritable output
        raise ZonenlpError(f"{exc.filename or 'digest'}: {exc.strerror or exc}") from None
    print(f"zonenlp digest: {read.summary}\nwrote {', '.join(written)}", file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from .analysis import analyze
    from .persistence import load
    from .report import render_report

    model = load(args.model)
    analyses = analyze(file_articles(args.file), model)
    source = "standard input" if args.file == "-" else Path(args.file).name
    document = render_report(analyses, model.classes_.tolist(), source=source)
    try:
        Path(args.output).write_text(document, encoding="utf-8")
    except OSError as exc:
        raise ZonenlpError(f"cannot write {args.output}: {exc.strerror}") from None
    n = sum(len(a.paragraphs) for a in analyses)
    print(f"wrote {args.output}: {len(analyses)} articles, {n} paragraphs", file=out)
    return 0


def _cmd_keywords(args: argparse.Namespace, out: TextIO) -> int:
    from .keyword_extraction import KeywordExtractor, corpus_keywords

    extractor = KeywordExtractor(method=args.method)
    paragraphs = {source: [p for _, _, p in file_units(source, args.lines)] for source in args.files}
    if args.summary:
        units = [p for ps in paragraphs.values() for p in ps]
        summary = corpus_keywords(units, k=args.k, extractor=extractor)
        rows = [{"rank": i, "keyword": term, "paragraphs": count, "score": score} for i, (term, count, score) in enumerate(summary, 1)]
        header = ["rank", "keyword", "paragraphs", "score"]
        if not _print_rows(rows, args.format, out, header, lambda r: [r[c] for c in header]):
            print(f"top {len(rows)} keywords across {len(units)} paragraphs of {len(paragraphs)} file(s)", file=out)
            print_table(rows, [("rank", "#", 3), ("paragraphs", "paragraphs", 10), ("keyword", "keyword", 30)], out)
        return 0
    units = []
    for source, ps in paragraphs.items():
        if args.whole:
            ps = ["\n".join(ps)] if ps else []
        units += [(source, p) for p in ps]
    rows = [{"file": f, "text": t, "keywords": extractor.extract(t, args.k), "index": i}
            for i, (f, t) in enumerate(units, 1)]
    header = ["index", "file", "keywords", "scores", "text"]
    if not _print_rows(rows, args.format, out, header, lambda r: [
        r["index"], r["file"], ";".join(_terms(r["keywords"])), ";".join(f"{s:g}" for _, s in r["keywords"]),
        r["text"],
    ]):
        table = [{**r, "keywords": _terms(r["keywords"])} for r in rows]
        print_table(table, [("index", "#", 3), ("keywords", "keywords", 50), ("text", "paragraph", 60)], out)
    return 0


def _cmd_themes(args: argparse.Namespace, out: TextIO) -> int:
    from .persistence import load

    top = load(args.model).theme_keywords(args.k)
    if args.format == "jsonl":
        print_jsonl([{"theme": theme, "keywords": pairs} for theme, pairs in top.items()], out)
    else:
        for theme, pairs in top.items():
            print(f"{theme:<12} " + "、".join(_terms(pairs)), file=out)
    return 0


_FEATURE_SETS = {
    "chars": {"use_words": False, "use_chars": True},
    "words": {"use_words": True, "use_chars": False},
    "words+chars": {"use_words": True, "use_chars": True},
}


def _shipped_configuration() -> tuple[str, str, float]:
    """(features, estimator, C) of the shipped model, from its manifest."""
    from .persistence import read_manifest

    config = read_manifest()["notes"]["config"]
    featurizer = config["featurizer"]
    features = next(name for name, flags in _FEATURE_SETS.items() if all(featurizer.get(k) == v for k, v in flags.items()))
    return features, config["classifier"]["estimator"], float(config["classifier"].get("C", 1.0))


def _cmd_train(args: argparse.Namespace, out: TextIO) -> int:
    from .classifier import ThemeClassifier
    from .corpus import read_labelled, texts_and_labels
    from .display import run_steps, show_progress
    from .features import TfidfFeaturizer
    from .persistence import save

    if None in (args.features, args.estimator, args.C):
        features, estimator, c = _shipped_configuration()
        args.features = args.features or features
        args.estimator = args.estimator or estimator
        args.C = args.C if args.C is not None else c

    records = read_labelled(args.data)
    texts, label_lists = texts_and_labels(records)
    groups = [r.get(args.group_field, i) for i, r in enumerate(records)] if args.group_field else None
    label_order = [l.strip() for l in args.labels.split(",")] if args.labels else None
    model = ThemeClassifier(
        featurizer=TfidfFeaturizer(**_FEATURE_SETS[args.features]),
        estimator=args.estimator, C=args.C, cv=args.cv, label_order=label_order, random_state=args.seed,
    )
    print(f"training on {len(texts)} paragraphs from {', '.join(map(str, args.data))} "
          f"({args.features}, {args.estimator}, C={args.C:g}) …", file=out)
    notes = {"trained_by": "zonenlp train", "data": [str(p) for p in args.data]}
    _, manifest = run_steps([
        (f"fitting, with thresholds from {args.cv}-fold cross-validation", lambda: model.fit(texts, label_lists, groups=groups)),
        ("saving", lambda: save(model, args.output, notes=notes)),
    ], desc="training", show=show_progress(quiet=args.quiet))
    if model.cv_scores_ is not None:
        print(f"cross-validated ({args.cv} folds, thresholds chosen on out-of-fold scores):", file=out)
        print_scores(model.cv_scores_, out)
    print("thresholds: " + ", ".join(f"{c}={t:.2f}" for c, t in zip(model.classes_, model.thresholds_)), file=out)
    print(f"saved {args.output} and {manifest}", file=out)
    return 0


def _cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from .corpus import read_labelled, texts_and_labels
    from .persistence import load

    texts, label_lists = texts_and_labels(read_labelled(args.data))
    scores = load(args.model).evaluate(texts, label_lists)
    if args.format == "json":
        print(json.dumps(scores, ensure_ascii=False, indent=2), file=out)
    else:
        print_scores(scores, out)
    return 0


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
        sub, "tag", _cmd_tag,
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
        sub, "batch", _cmd_batch,
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
        sub, "digest", _cmd_digest,
        help="digest an archive into one offline HTML dashboard (and CSV files): themes by month and zone, the investment ledger",
        description="Read every article of INPUTS (pages .txt, saved web pages .html, PDFs, folders of them, URLs, "
        "JSON Lines records with text and optional title, date, zone, source/url), tag every paragraph, and write "
        "one self-contained HTML dashboard that opens offline: theme share by month (per zone), the zones most "
        "active per theme, investment announced by quarter, terms new or rising in the latest month, the investment "
        "ledger as a sortable, filterable table with totals, and the articles linked to their sources. Dates come "
        "from a record's date, the page's metadata, its date line or its file name; an article with none is counted "
        "as 'date unknown', never dropped, and a page that cannot be read is listed with why. A summary goes to "
        "standard error.",
        epilog="examples:\n"
        "  zonenlp digest archive/ -o digest.html --jobs 2\n"
        "  zonenlp digest pages/ wire.jsonl -o digest.html --csv tables/    # also digest.csv and ledger.csv\n"
        "  zonenlp digest https://example.org/news/a.html https://example.org/news/b.html -o digest.html --cache cache/\n"
        "  zonenlp digest archive/ -o digest.html --engine dask --scheduler tcp://10.0.0.5:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    digest.add_argument("inputs", nargs="+", metavar="INPUT", help="a page, web page, PDF, folder, URL or .jsonl file")
    digest.add_argument("-o", "--output", required=True, type=Path, metavar="HTML", help="where to write the dashboard")
    digest.add_argument("--csv", type=Path, metavar="DIR", help="also write DIR/digest.csv (one row per article) and DIR/ledger.csv")
    digest.add_argument("--title", default="zonenlp digest", help="the dashboard's title (default: %(default)s)")
    digest.add_argument("--cache", type=Path, metavar="DIR", help="keep fetched URLs in DIR, so that a second run fetches nothing")
    _add(digest, "-k", default=10, help="keywords per article (default: %(default)s)")
    _add(digest, "--model", "--jobs", "--progress", "--quiet", "--engine", "--scheduler")

    report = _command(
        sub, "report", _cmd_report,
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
        sub, "keywords", _cmd_keywords,
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
        sub, "themes", _cmd_themes,
        help="show the terms that characterise each theme of a model",
        description="Print, for each theme, the words with the largest weight in the model.",
        epilog="example: zonenlp themes -k 15",
    )
    _add(themes, "--model")
    _add(themes, "-k", default=20, help="terms per theme (default: %(default)s)")
    _add(themes, "--format", choices=("table", "jsonl"))

    train = _command(
        sub, "train", _cmd_train,
        help="train a theme model on labelled JSON Lines",
        description="Train a ThemeClassifier on JSON Lines files with 'text' and 'labels' ([] for other), "
        "choose per-label thresholds by cross-validation, and save the model with its manifest.",
        epilog="example: zonenlp train data/themes/train.jsonl -o my-model.npz --group-field group",
    )
    _add(train, "data")
    train.add_argument("-o", "--output", type=Path, required=True, metavar="PATH", help="where to write the model: .npz (safe format, loads without scikit-learn) or .joblib")
    # defaults: the shipped model's configuration, as its manifest records it
    try:
        shipped: tuple[Any, ...] = _shipped_configuration()
    except (ZonenlpError, KeyError, StopIteration):  # no readable manifest: _cmd_train says why, if it is needed
        shipped = (None, None, None)
    train.add_argument("--features", choices=tuple(_FEATURE_SETS), default=shipped[0], help="TF-IDF over character "
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
        sub, "evaluate", _cmd_evaluate,
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
