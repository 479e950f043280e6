"""Batch jobs: records per second and peak memory of ``zonenlp batch`` for 10^4, 10^5 and 10^6 records.

Each configuration — ``--jobs 1``, ``--jobs 2``, and ``--engine dask`` on a
local cluster of two worker processes — runs the real command in a fresh
process on JSON Lines input made of the labelled corpus paragraphs
(``data/themes/*.jsonl``) repeated, with the default chunk size. Times are
wall-clock for the whole command (model loading and cluster start-up
included); sizes up to ``--max-repeated`` are run ``--repeats`` times,
interleaved, and the median is reported. Memory is the peak RSS of the
largest process (``resource.getrusage(RUSAGE_CHILDREN)`` of a wrapper process
that runs only that command) and the peak of the summed RSS of the command's
whole process tree, sampled every 0.2 s with psutil. CPU seconds (user +
system, all processes of the command) are reported beside the wall-clock
times: they do not grow when another job shares the machine. The outputs of the three
configurations are compared byte for byte. Writes benchmarks/results/batch.md.

    python benchmarks/batch.py [--sizes 10000 100000 1000000] [--repeats 3] [--max-repeated 100000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
CONFIGS = {
    "--jobs 1": ["--jobs", "1"],
    "--jobs 2": ["--jobs", "2"],
    "Dask LocalCluster, 2 workers": ["--engine", "dask", "--jobs", "2"],
}


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "themes").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def make_input(path: Path, n: int, texts: list[str]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"r{i:07d}", "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")


def measure_child(command: list[str]) -> None:
    """Run ``command`` as this process's only child; print its time and memory as JSON."""
    try:
        import psutil
    except ImportError:  # the largest process's peak still comes from getrusage
        psutil = None
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_tree = 0
    while child.poll() is None:
        if psutil is not None:
            try:
                tree = psutil.Process(child.pid)
                processes = [tree, *tree.children(recursive=True)]
                total = 0
                for process in processes:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:  # a worker that ended between listing and reading
                        pass
                peak_tree = max(peak_tree, total)
            except psutil.Error:
                pass
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{command} failed ({child.returncode}):\n{stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every process of the command, once they have ended
    print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "largest": usage.ru_maxrss * 1024,
                      "tree": peak_tree or None, "stderr": stderr.strip()}))


def run_once(source: Path, target: Path, options: list[str]) -> dict:
    command = [PYTHON, "-m", "zonenlp", "batch", str(source), "-o", str(target), *options]
    target.unlink(missing_ok=True)  # each run writes a new output (zonenlp batch refuses to replace one unasked)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([PYTHON, __file__, "--measure", *command], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def mb(value: float | None) -> str:
    return "—" if value is None else f"{value / 2**20:,.0f}"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure_child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-repeated", type=int, default=100_000, help="sizes above this run once")
    parser.add_argument("--output", type=Path, default=RESULTS / "batch.md")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    import zonenlp

    backend = zonenlp.load().backend
    texts = corpus_texts()
    rows: dict[int, dict[str, dict]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zonenlp-batch-bench-") as tmp:
        for n in args.sizes:
            source = Path(tmp) / f"in-{n}.jsonl"
            make_input(source, n, texts)
            repeats = args.repeats if n <= args.max_repeated else 1
            runs: dict[str, list[dict]] = {name: [] for name in CONFIGS}
            digests: dict[str, str] = {}
            for _ in range(repeats):  # interleaved: a slow minute on the machine hits every configuration
                for name, options in CONFIGS.items():
                    target = Path(tmp) / f"out-{n}.jsonl"
                    result = run_once(source, target, options)
                    runs[name].append(result)
                    digests[name] = sha256(target)
                    target.unlink()
                    print(f"{n:>9,} {name:<30} {result['seconds']:8.1f} s  cpu {result['cpu']:8.1f} s  largest {mb(result['largest'])} MB"
                          f"  tree {mb(result['tree'])} MB", file=sys.stderr, flush=True)
            if len(set(digests.values())) != 1:
                raise SystemExit(f"the configurations wrote different outputs for {n} records: {digests}")
            rows[n] = {
                name: {
                    "seconds": statistics.median(r["seconds"] for r in results),
                    "cpu": statistics.median(r["cpu"] for r in results),
                    "largest": max(r["largest"] for r in results),
                    "tree": max((r["tree"] for r in results if r["tree"]), default=None),
                    "runs": len(results),
                    "input_mb": source.stat().st_size / 2**20,
                }
                for name, results in runs.items()
            }
            source.unlink()
    total_minutes = (time.perf_counter() - started) / 60

    sizes = args.sizes
    lines = [
        "# Batch jobs: throughput and memory",
        "",
        "```",
        "python benchmarks/batch.py " + " ".join(sys.argv[1:]),
        "```",
        "",
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"zonenlp {zonenlp.__version__}, tokenizer backend of the model: {backend}. The whole benchmark took "
        f"{total_minutes:.0f} minutes. Input: JSON Lines of the {len(texts):,} corpus paragraphs "
        f"(mean {sum(map(len, texts)) / len(texts):.0f} characters) repeated; each record is tagged with themes, "
        "scores and 5 keywords; default chunk size (1,000). Times are wall-clock for the whole command, "
        "model loading and cluster start-up included"
        + (f"; medians of {args.repeats} interleaved runs for up to {args.max_repeated:,} records, one run above."
           if args.repeats > 1 else "."),
        "The three configurations wrote byte-for-byte the same output at every size.",
        "",
        "| records | configuration | seconds | records/s | × `--jobs 1` | CPU seconds, all processes | peak RSS, largest process (MB) | peak RSS, all processes (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        base = rows[n]["--jobs 1"]["seconds"]
        for name, r in rows[n].items():
            lines.append(f"| {n:,} | {name} | {r['seconds']:,.1f} | {n / r['seconds']:,.0f} | {base / r['seconds']:.2f} "
                         f"| {r['cpu']:,.0f} | {mb(r['largest'])} | {mb(r['tree'])} |")
    lines += [
        "",
        "Memory and time as the input grows (flat memory, time proportional to the records):",
        "",
        "| configuration | " + " | ".join(f"all processes at {n:,} (MB)" for n in sizes)
        + "".join(f" | time {b:,} / time {a:,} (CPU)" for a, b in zip(sizes, sizes[1:])) + " |",
        "|---|" + "---:|" * (len(sizes) + len(sizes) - 1),
    ]
    for name in CONFIGS:
        memory = " | ".join(mb(rows[n][name]["tree"]) for n in sizes)
        ratios = "".join(f" | {rows[b][name]['seconds'] / rows[a][name]['seconds']:.1f} "
                         f"({rows[b][name]['cpu'] / rows[a][name]['cpu']:.1f})" for a, b in zip(sizes, sizes[1:]))
        lines.append(f"| {name} | {memory}{ratios} |")
    lines.append("")
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
