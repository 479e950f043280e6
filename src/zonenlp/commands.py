"""What each ``zonenlp`` command does with its parsed arguments: ``run(args, out)`` returns the exit status.

:mod:`zonenlp.cli` builds the parser and hands each command's arguments to its function
here, which prints to ``out`` (standard output) and reports progress and summaries on
standard error.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO

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


def run_tag(args: argparse.Namespace, out: TextIO) -> int:
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


def run_batch(args: argparse.Namespace, out: TextIO) -> int:
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


def _url_list(path: Path) -> list[str]:
    """The URLs of a file of them (:func:`zonenlp.fetch.listed_urls`)."""
    from .fetch import listed_urls

    try:
        return list(listed_urls(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise ZonenlpError(f"cannot read the URL list {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _check_digest_outputs(args: argparse.Namespace, inputs: list[str]) -> None:
    """Refuse, before hours of reading, outputs that cannot be written or would replace an input
    (or, without --force, any existing file)."""
    from .archive import archive_sources
    from .checkpoint import check_output_path
    from .fetch import is_url

    files = [Path(source) for source in archive_sources(inputs)[0] if not is_url(source)]
    outputs = [args.output, *((args.csv / "digest.csv", args.csv / "ledger.csv") if args.csv else ())]
    for output in outputs:
        check_output_path(output, files, overwrite=args.force)
    if not args.output.parent.is_dir():
        raise ZonenlpError(f"cannot write {args.output}: the folder {args.output.parent} does not exist")


def run_digest(args: argparse.Namespace, out: TextIO) -> int:
    from contextlib import nullcontext

    from .archive import pandas_for, read_archive
    from .dashboard import plotly_for, write_csv, write_dashboard
    from .display import show_progress
    from .persistence import load

    if args.scheduler and args.engine != "dask":
        raise ZonenlpError("--scheduler needs --engine dask")
    inputs = [*args.inputs, *(_url_list(args.urls) if args.urls else [])]
    if not inputs:
        raise ZonenlpError("nothing to digest: give INPUTs or --urls FILE")
    _check_digest_outputs(args, inputs)
    # a missing extra is said now, not after hours of reading
    pandas_for("zonenlp digest")
    plotly_for("zonenlp digest")
    if args.engine == "dask":
        from .dask import connect

        cluster = connect(args.scheduler, n_workers=args.jobs)
    else:
        cluster = nullcontext()
    try:
        with cluster as client:
            read = read_archive(inputs, model=args.model if client else load(args.model), k=args.k,
                                n_jobs=args.jobs, cache=args.cache, client=client,
                                progress=show_progress(quiet=args.quiet, force=args.progress))
        write_dashboard(args.output, read.digest, read.ledger, title=args.title)
        written = [str(args.output), *map(str, write_csv(args.csv, read.digest, read.ledger) if args.csv else [])]
    except OSError as exc:  # an unwritable output
        raise ZonenlpError(f"{exc.filename or 'digest'}: {exc.strerror or exc}") from None
    print(f"zonenlp digest: {read.summary}\nwrote {', '.join(written)}", file=sys.stderr)
    return 0


def run_report(args: argparse.Namespace, out: TextIO) -> int:
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


def run_keywords(args: argparse.Namespace, out: TextIO) -> int:
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


def run_themes(args: argparse.Namespace, out: TextIO) -> int:
    from .persistence import load

    top = load(args.model).theme_keywords(args.k)
    if args.format == "jsonl":
        print_jsonl([{"theme": theme, "keywords": pairs} for theme, pairs in top.items()], out)
    else:
        for theme, pairs in top.items():
            print(f"{theme:<12} " + "、".join(_terms(pairs)), file=out)
    return 0


FEATURE_SETS = {
    "chars": {"use_words": False, "use_chars": True},
    "words": {"use_words": True, "use_chars": False},
    "words+chars": {"use_words": True, "use_chars": True},
}


def shipped_configuration() -> tuple[str, str, float]:
    """(features, estimator, C) of the shipped model, from its manifest."""
    from .persistence import read_manifest

    config = read_manifest()["notes"]["config"]
    featurizer = config["featurizer"]
    features = next(name for name, flags in FEATURE_SETS.items() if all(featurizer.get(k) == v for k, v in flags.items()))
    return features, config["classifier"]["estimator"], float(config["classifier"].get("C", 1.0))


def run_train(args: argparse.Namespace, out: TextIO) -> int:
    from .classifier import ThemeClassifier
    from .corpus import read_labelled, texts_and_labels
    from .display import run_steps, show_progress
    from .features import TfidfFeaturizer
    from .persistence import save

    if None in (args.features, args.estimator, args.C):
        features, estimator, c = shipped_configuration()
        args.features = args.features or features
        args.estimator = args.estimator or estimator
        args.C = args.C if args.C is not None else c

    records = read_labelled(args.data)
    texts, label_lists = texts_and_labels(records)
    groups = [r.get(args.group_field, i) for i, r in enumerate(records)] if args.group_field else None
    label_order = [l.strip() for l in args.labels.split(",")] if args.labels else None
    model = ThemeClassifier(
        featurizer=TfidfFeaturizer(**FEATURE_SETS[args.features]),
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


def run_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from .corpus import read_labelled, texts_and_labels
    from .persistence import load

    texts, label_lists = texts_and_labels(read_labelled(args.data))
    scores = load(args.model).evaluate(texts, label_lists)
    if args.format == "json":
        print(json.dumps(scores, ensure_ascii=False, indent=2), file=out)
    else:
        print_scores(scores, out)
    return 0
