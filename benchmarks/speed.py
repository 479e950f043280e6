"""Speed: tokenization, end-to-end tagging, cold start, memory, model size and training time.

Everything is measured in one run on this machine; throughputs are medians of
several interleaved runs and are reported as ratios to the naive pipeline
(``jieba.lcut`` + ``TfidfVectorizer`` + ``LinearSVC``) measured in the same run.
Writes benchmarks/results/speed.md.

    python benchmarks/speed.py [--paragraphs 10000] [--repeats 5]
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
CHARS_ONLY = "not shipped: characters only, no segmentation"


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
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    import zonenlp
    from train_model import CONFIG, build_model
    from zonenlp.features import TfidfFeaturizer
    from zonenlp.classifier import THEMES
    from zonenlp.corpus import read_labelled, texts_and_labels

    train = read_labelled([ROOT / "data" / "themes" / "train.jsonl"])
    corpus = [r["text"] for r in read_labelled([ROOT / "data" / "themes" / "train.jsonl", ROOT / "data" / "themes" / "test.jsonl"])]
    texts = (corpus * (args.paragraphs // len(corpus) + 1))[: args.paragraphs]
    mean_chars = sum(map(len, texts)) / len(texts)

    # tokenization
    sample = texts[:2000]
    megabytes = sum(len(t.encode("utf-8")) for t in sample) / 1e6
    tokenizer = zonenlp.Tokenizer()
    tokenizers = {"jieba.lcut": jieba.lcut, "zonenlp Tokenizer (jieba backend)": tokenizer.tokenize}
    try:
        import rjieba

        tokenizers["rjieba.cut"] = rjieba.cut
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
    # not shipped: the shipped configuration without its word block, which needs no
    # segmentation; its cross-validated accuracy is in benchmarks/results/model_selection.md
    chars_only = build_model().set_params(featurizer=TfidfFeaturizer(**{**CONFIG["featurizer"], "use_words": False}))
    chars_only.fit(X, Y, groups=[r["group"] for r in train])
    pipelines[CHARS_ONLY] = chars_only.predict
    for function in pipelines.values():
        function(texts[:10])
    runs: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(args.repeats):
        for name, function in pipelines.items():
            started = time.perf_counter()
            function(texts)
            runs[name].append(len(texts) / (time.perf_counter() - started))
    throughput = {name: statistics.median(values) for name, values in runs.items()}

    # where the fast backend's time goes, stage by stage, on the same texts
    stages: dict[str, float] = {}
    if "rjieba.cut" in tokenizers:
        featurizer = fast_model.featurizer_
        batches = [texts[i : i + 500] for i in range(0, len(texts), 500)]  # predict()'s default batch size
        analysed = [featurizer.analyze(b) for b in batches]
        rows = [featurizer.transform_rows(d) for d in analysed]
        linear = fast_model._linear_form()
        stages = {
            "rjieba.cut alone (inside the first stage)": median_seconds(lambda: [tokenizers["rjieba.cut"](t) for t in texts], args.repeats),
            "normalize + segment (`featurizer.analyze`)": median_seconds(lambda: [featurizer.analyze(b) for b in batches], args.repeats),
            "TF-IDF rows (`featurizer.transform_rows`)": median_seconds(lambda: [featurizer.transform_rows(d) for d in analysed], args.repeats),
            "linear model + calibration": median_seconds(lambda: [linear.predict_proba(r) for r in rows], args.repeats),
        }

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
              "zonenlp: words + characters, calibrated SVM; naive: `jieba.lcut` + `TfidfVectorizer` + `LinearSVC`.", "",
              "| pipeline | paragraphs/s | × naive |", "|---|---|---|"]
    lines += [f"| {name} | {speed:,.0f} | {speed / naive_speed:.2f} |" for name, speed in throughput.items()]
    lines += ["", f"The last row is the shipped configuration without its word block, trained here on the training split: "
              "it segments nothing, so no tokenizer backend enters its time. It is not shipped: its cross-validated "
              "accuracy is in `benchmarks/results/model_selection.md` (\"chars(1,3) | svm C=1\")."]
    if stages:
        lines += ["", "## Where the time goes (rjieba backend, one core)", "",
                  f"Seconds for the same {len(texts):,} paragraphs, batches of 500 (medians of {args.repeats}).", "",
                  "| stage | seconds | share of zonenlp's time |", "|---|---|---|"]
        total = sum(v for k, v in stages.items() if not k.startswith("rjieba.cut"))
        lines += [f"| {name} | {seconds:.3f} | {seconds / total:.0%} |" for name, seconds in stages.items()]
        naive_seconds = len(texts) / naive_speed
        lines += ["", f"The naive pipeline takes {naive_seconds:.2f} s for these paragraphs; 8× it would be "
                  f"{naive_seconds / 8:.2f} s, of which rjieba's segmentation alone takes "
                  f"{stages['rjieba.cut alone (inside the first stage)']:.2f} s."]
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
        "", "n_jobs=2 starts one worker process per call, which inherits the loaded model, and the calling process "
        "takes batches too; the start is included in its time.",
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
