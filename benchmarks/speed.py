"""Speed: tokenization, end-to-end tagging, cold start, memory, model size and training time.

Everything is measured in one run on this machine; throughputs are medians of
several interleaved runs and are reported as ratios to the naive pipeline
(``jieba.lcut`` + ``TfidfVectorizer`` + ``LinearSVC``) measured in the same run.
Writes benchmarks/results/speed.md; ``--only-n-jobs`` measures n_jobs=2 against n_jobs=1
alone (a minute) and prints its table without writing anything.

    python benchmarks/speed.py [--paragraphs 10000] [--repeats 5] [--only-n-jobs]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from baselines import NaivePipeline  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
WITH_WORDS = "not shipped: words + characters, rjieba backend"


def median_seconds(function, repeats: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def in_subprocess(code: str) -> float:
    """Run ``code`` in a fresh interpreter; it prints one number."""
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    return float(out.stdout.strip().splitlines()[-1])


def two_process_ceiling() -> float:
    """How much faster this machine runs two copies of a CPU-bound Python loop at once than
    one after the other: what n_jobs=2 could give at best here, now (a shared virtual
    machine's second core is not always a whole core)."""
    def wall(copies: int) -> float:
        started = time.perf_counter()
        for process in [subprocess.Popen([PYTHON, "-c", "x = 0\nfor i in range(8_000_000): x += i"]) for _ in range(copies)]:
            process.wait()
        return time.perf_counter() - started

    return 2 * wall(1) / wall(2)


def jobs_scaling(model, corpus: list[str], sizes: list[int], repeats: int) -> dict[int, tuple[float, ...]]:  # type: ignore[no-untyped-def]
    """For each size: the median seconds of a call with n_jobs=1 and with n_jobs=2 once the
    worker runs (it is kept between calls), interleaved, of the first call with n_jobs=2,
    which starts the worker, on a freshly loaded model whose tables are built, and the
    median :func:`two_process_ceiling` measured between them."""
    import zonenlp

    scaling = {}
    for size in sizes:
        many = (corpus * (size // len(corpus) + 1))[:size]
        one, two, first, ceiling = [], [], [], []
        for _ in range(repeats):
            ceiling.append(two_process_ceiling())
            fresh = zonenlp.load(backend=model.backend)
            fresh.predict(many[:10])  # its tables built: the first call's extra time is the worker's start
            started = time.perf_counter()
            fresh.predict(many, n_jobs=2)
            first.append(time.perf_counter() - started)
            fresh.release_workers()
            for jobs, out in ((1, one), (2, two)):
                started = time.perf_counter()
                model.predict(many, n_jobs=jobs)
                out.append(time.perf_counter() - started)
        scaling[size] = tuple(map(statistics.median, (one, two, first, ceiling)))
    model.release_workers()
    return scaling


SCALING_HEADER = ["| paragraphs per call | n_jobs=1, s | n_jobs=2, s | × n_jobs=1 | first call with n_jobs=2, s "
                  "| two processes of a Python loop, × one |", "|---|---|---|---|---|---|"]


def scaling_rows(scaling: dict[int, tuple[float, ...]]) -> list[str]:
    return [f"| {size:,} | {one:.3f} | {two:.3f} | {one / two:.2f} | {first:.3f} | {ceiling:.2f} |"
            for size, (one, two, first, ceiling) in scaling.items()]


def draw_chart(token_speed: dict[str, float], throughput: dict[str, float], path: Path) -> bool:
    """Two bar charts, both as multiples of the baseline measured in the same run; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for axis, speeds, base, title in (
        (left, token_speed, token_speed["jieba.lcut"], "Tokenization, × jieba.lcut"),
        (right, throughput, throughput["naive"], "Tagging end to end, × naive pipeline"),
    ):
        names = list(speeds)
        ratios = [speeds[n] / base for n in names]
        bars = axis.barh(names[::-1], ratios[::-1], color="#3b6ea5")
        axis.bar_label(bars, labels=[f"{r:.2f}×" for r in ratios[::-1]], padding=3)
        axis.axvline(1.0, color="#888", linewidth=0.8)
        axis.set_title(title)
        axis.set_xlim(0, max(ratios) * 1.2)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only-n-jobs", action="store_true", help="only n_jobs=2 against n_jobs=1; print, write nothing")
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    import zonenlp
    from train_model import CONFIG, build_model
    from zonenlp.features import TfidfFeaturizer
    from zonenlp.labels import THEMES
    from zonenlp.corpus import read_labelled, texts_and_labels

    train = read_labelled([ROOT / "data" / "themes" / "train.jsonl"])
    corpus = [r["text"] for r in read_labelled([ROOT / "data" / "themes" / "train.jsonl", ROOT / "data" / "themes" / "test.jsonl"])]
    texts = (corpus * (args.paragraphs // len(corpus) + 1))[: args.paragraphs]
    mean_chars = sum(map(len, texts)) / len(texts)
    if args.only_n_jobs:
        model = zonenlp.load()
        model.predict(texts[:1000], n_jobs=2)  # the worker starts outside the timing
        print(f"n_jobs=2 against n_jobs=1 ({model.backend} backend, medians of {args.repeats})")
        print("\n".join(SCALING_HEADER + scaling_rows(jobs_scaling(model, corpus, [len(texts), 5 * len(texts)], args.repeats))))
        return

    # tokenization
    sample = texts[:2000]
    megabytes = sum(len(t.encode("utf-8")) for t in sample) / 1e6
    tokenizers = {"jieba.lcut": jieba.lcut, "zonenlp Tokenizer (jieba backend)": zonenlp.Tokenizer(backend="jieba").tokenize}
    try:
        import rjieba

        tokenizers["rjieba.cut"] = rjieba.cut
        tokenizers["zonenlp Tokenizer (rjieba backend)"] = zonenlp.Tokenizer(backend="rjieba").tokenize
    except ImportError:
        pass
    for tokenize in tokenizers.values():
        tokenize(sample[0])  # dictionaries load outside the timing
    token_speed = {name: megabytes / median_seconds(lambda f=f: [f(t) for t in sample], args.repeats) for name, f in tokenizers.items()}

    # end to end, interleaved so that machine noise hits both alike
    X, Y = texts_and_labels(train)
    naive = NaivePipeline(THEMES).fit(X, np.array([[t in l for t in THEMES] for l in Y]))
    slow_model = zonenlp.load(backend="jieba")
    pipelines = {
        "naive": naive.predict_matrix,
        "zonenlp (jieba backend)": slow_model.predict,
        "zonenlp (jieba backend), n_jobs=2": lambda t: slow_model.predict(t, n_jobs=2),
    }
    if "rjieba.cut" in tokenizers:
        fast_model = zonenlp.load(backend="rjieba")
        pipelines["zonenlp (rjieba backend)"] = fast_model.predict
        pipelines["zonenlp (rjieba backend), n_jobs=2"] = lambda t: fast_model.predict(t, n_jobs=2)
    # not shipped: the shipped configuration with a word block added, which needs
    # segmentation; its cross-validated accuracy is in benchmarks/results/model_selection.md
    if "rjieba.cut" in tokenizers:
        with_words = build_model().set_params(featurizer=TfidfFeaturizer(**{**CONFIG["featurizer"], "use_words": True}))
        with_words.fit(X, Y, groups=[r["group"] for r in train]).use_backend("rjieba")
        pipelines[WITH_WORDS] = with_words.predict
    for function in pipelines.values():  # dictionaries load, and n_jobs=2's worker starts, outside the timing
        function(texts[:1000])  # (what the first call with n_jobs=2 costs is measured below)
    runs: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(args.repeats):
        for name, function in pipelines.items():
            started = time.perf_counter()
            function(texts)
            runs[name].append(len(texts) / (time.perf_counter() - started))
    throughput = {name: statistics.median(values) for name, values in runs.items()}
    slow_model.release_workers()

    # n_jobs against input size, once the worker runs (it is kept between calls),
    # and the first call, which starts it
    model = fast_model if "rjieba.cut" in tokenizers else slow_model
    scaling = jobs_scaling(model, corpus, [len(texts), 5 * len(texts)], args.repeats)

    # where the shipped model's time goes, stage by stage, on the same texts
    featurizer, linear = model.featurizer_, model._linear_form()
    batches = [texts[i : i + 500] for i in range(0, len(texts), 500)]  # predict()'s default batch size
    analysed = [featurizer._analyze(b) for b in batches]
    rows = [featurizer._transform_rows(d) for d in analysed]
    stages = {
        "normalize (`featurizer._analyze`)": median_seconds(lambda: [featurizer._analyze(b) for b in batches], args.repeats),
        "TF-IDF rows (`featurizer._transform_rows`)": median_seconds(lambda: [featurizer._transform_rows(d) for d in analysed], args.repeats),
        "linear model and its sigmoid (`LinearForm.predict_proba`)": median_seconds(lambda: [linear.predict_proba(r) for r in rows], args.repeats),
    }
    if "rjieba.cut" in tokenizers:  # what a word block would add before anything else
        stages["for comparison: rjieba.cut alone on the same texts"] = median_seconds(
            lambda: [tokenizers["rjieba.cut"](t) for t in texts], args.repeats)

    # cold start, memory, size, training
    import_time = statistics.median(
        in_subprocess("import time; s=time.perf_counter(); import zonenlp; print(time.perf_counter()-s)") for _ in range(5)
    )
    first_prediction = {
        backend: statistics.median(
            in_subprocess("import time; s=time.perf_counter(); import zonenlp; "
                          f"zonenlp.load(backend='{backend}').predict(['园区签约项目5个']); print(time.perf_counter()-s)")
            for _ in range(3)
        )
        for backend in (["jieba", "rjieba"] if "rjieba.cut" in tokenizers else ["jieba"])
    }
    peak_mb = {
        backend: in_subprocess(
            f"import json, zonenlp; m = zonenlp.load(backend='{backend}'); "
            f"texts = [json.loads(l)['text'] for l in open('data/themes/train.jsonl', encoding='utf-8')] * {max(1, args.paragraphs // 2000)}; "
            # VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's resident size at fork
            "m.predict(texts); print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)"
        )
        for backend in first_prediction
    }
    model_mb = zonenlp.persistence.default_model_path().stat().st_size / 1e6
    started = time.perf_counter()
    build_model().fit(X, Y, groups=[r["group"] for r in train])
    training_seconds = time.perf_counter() - started

    command = "python benchmarks/speed.py" + "".join(
        f" --{k} {v}" for k, v in (("paragraphs", args.paragraphs), ("repeats", args.repeats)) if v != parser.get_default(k)
    )
    naive_speed = throughput["naive"]
    config = zonenlp.read_manifest()["notes"]["config"]
    shipped_configuration = ", ".join(
        [("word + character" if config["featurizer"].get("use_words", True) else "character") + " n-grams",
         f"{config['classifier']['estimator']} C={config['classifier'].get('C', 1.0):g}"]
    )
    lines = [
        "# Speed", "",
        f"Command: `{command}` (one run on {os.cpu_count()} cores; one core unless n_jobs says otherwise; {len(texts):,} paragraphs of {mean_chars:.0f} characters on average, "
        "the corpus repeated). Throughputs are medians of "
        f"{args.repeats} interleaved runs.", "",
        "## Tokenization", "", "| tokenizer | MB/s | × jieba.lcut |", "|---|---|---|",
    ]
    base = token_speed["jieba.lcut"]
    lines += [f"| {name} | {speed:.2f} | {speed / base:.2f} |" for name, speed in token_speed.items()]
    lines += ["", "## Tagging, end to end", "",
              f"zonenlp: the shipped model ({shipped_configuration}), loaded with each tokenizer backend; "
              "naive: `jieba.lcut` + `TfidfVectorizer` + `LinearSVC`. Both predict themes only, no keywords.", "",
              "| pipeline | paragraphs/s | × naive |", "|---|---|---|"]
    lines += [f"| {name} | {speed:,.0f} | {speed / naive_speed:.2f} |" for name, speed in throughput.items()]
    lines += ["", "The shipped model segments nothing, so its speed does not depend on the tokenizer backend (the backend "
              "still segments for keyword extraction and for models with words). The last row adds the word block "
              "(word 1-2-grams of the domain tokenizer, rjieba backend), trained here on the training split: "
              "what segmentation costs. It scores as the shipped configuration within the folds' noise and is not "
              "shipped (`benchmarks/results/model_selection.md`)."]
    lines += ["", f"### n_jobs=2 against n_jobs=1, by input size ({model.backend} backend)", "",
              f"Medians of {args.repeats} interleaved calls each. The first call with n_jobs=2 starts the worker "
              "process, a fresh interpreter that receives the model, while this process computes; later calls "
              "reuse it and send it only their texts. The first call is timed on a freshly loaded model whose "
              "tables are built. The last column is this machine's own ceiling, measured between those calls: "
              "two copies of a CPU-bound Python loop at once against one, in wall time (2.00 on two whole cores).", "",
              *SCALING_HEADER]
    lines += scaling_rows(scaling)
    lines += ["", "## Where the time goes (shipped model, one core)", "",
              f"Seconds for the same {len(texts):,} paragraphs, batches of 500 (medians of {args.repeats}).", "",
              "| stage | seconds | share of the three stages |", "|---|---|---|"]
    total = sum(v for k, v in stages.items() if not k.startswith("for comparison"))
    lines += [f"| {name} | {seconds:.3f} | {seconds / total:.0%} |" if not name.startswith("for comparison")
              else f"| {name} | {seconds:.3f} | |" for name, seconds in stages.items()]
    naive_seconds = len(texts) / naive_speed
    lines += ["", f"The naive pipeline takes {naive_seconds:.2f} s for these paragraphs; 8× it would be {naive_seconds / 8:.2f} s."]
    lines += ["", "## Start, memory, size, training", "",
              "| measure | value |", "|---|---|",
              f"| `import zonenlp` (median of 5 fresh interpreters) | {import_time * 1000:.1f} ms |"]
    lines += [f"| `import zonenlp; zonenlp.load(backend='{b}').predict([...])` (median of 3) | {t:.2f} s |" for b, t in first_prediction.items()]
    lines += [
        f"| peak resident memory, `zonenlp.load(backend='{b}')` tagging {max(1, args.paragraphs // 2000) * len(train):,} paragraphs | {mb:.0f} MB |"
        for b, mb in peak_mb.items()
    ]
    lines += [
        f"| shipped model file | {model_mb:.1f} MB |",
        f"| training the shipped configuration on the training split ({len(train):,} paragraphs, with its threshold cross-validation) | {training_seconds:.1f} s |",
        "", "With n_jobs=2 the calling process computes too, beside one worker process that holds a copy of the "
        "model and is kept between calls (it exits after 60 s without one).",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    if draw_chart(token_speed, throughput, RESULTS / "speed.png"):
        lines += ["", "![throughput against the naive pipeline](speed.png)"]
    else:
        lines += ["", "No chart: matplotlib is not installed (`pip install '.[bench]'`)."]
    (RESULTS / "speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
