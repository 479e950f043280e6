"""Keyword quality and speed: zonenlp against jieba's extractors and textrank4zh, in one run.

Gold: data/keywords/gold.jsonl (5-8 keywords per paragraph written by us by
data/keywords/RULES.md): the 50 seed-page paragraphs, and 132 paragraphs of the
test split (44 "dev" paragraphs we looked at while building the extractor, 88
"held-out" ones we did not). With ``--dev``, every system is also scored on the
real development set (real news none of us wrote, with gold keywords; read only
from the path given, its text never enters the repository: figures only).

Beside precision and recall, the share of each system's top 5 keywords that are
fragments of their text (they start or end inside a longer word, name,
organisation or quoted term), by the independent boundary sources of
tests/keyword_boundaries.py. Writes benchmarks/results/keywords.md.

    python benchmarks/keywords.py [--repeats 5] [--dev ../shared/dev/real-dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from keyword_boundaries import fragment_count  # noqa: E402  (the measure the fragment test applies)
from zonenlp.keyword_extraction import KeywordExtractor  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PARTS = {"seed page": ("seed",), "corpus gold (all)": ("dev", "heldout"), "corpus held-out": ("heldout",)}
DEV_PART = "real dev set"


def read_dev(path: Path) -> list[dict]:
    """The real development set: id, text and gold keywords of each paragraph (read here, never copied)."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": r["id"], "text": r["text"], "keywords": r["keywords"], "part": DEV_PART} for r in records]


def score(predicted: list[list[str]], gold: list[list[str]], k: int, lenient: bool) -> dict[str, float]:
    precisions, recalls = [], []
    for pred, truth in zip(predicted, gold):
        pred = pred[:k]
        if lenient:
            hit = lambda a, b: a in b or b in a  # noqa: E731
            tp_pred = sum(any(hit(p, g) for g in truth) for p in pred)
            tp_gold = sum(any(hit(p, g) for p in pred) for g in truth)
        else:
            tp_pred = tp_gold = len(set(pred) & set(truth))
        precisions.append(tp_pred / len(pred) if pred else 0.0)
        recalls.append(tp_gold / len(truth))
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def systems() -> dict[str, Callable[[str, int], list[str]]]:
    import jieba
    import jieba.analyse

    zonenlp_tfidf = KeywordExtractor()
    zonenlp_textrank = KeywordExtractor(method="textrank")
    out: dict[str, Callable[[str, int], list[str]]] = {
        "zonenlp": lambda t, k: [w for w, _ in zonenlp_tfidf.extract(t, k)],
        "zonenlp textrank": lambda t, k: [w for w, _ in zonenlp_textrank.extract(t, k)],
        "jieba extract_tags": lambda t, k: jieba.analyse.extract_tags(t, topK=k),
        "jieba textrank": lambda t, k: jieba.analyse.textrank(t, topK=k),
    }
    try:
        import networkx
        from textrank4zh import TextRank4Keyword

        # textrank4zh 0.3 (2016) calls networkx.from_numpy_matrix, removed in
        # networkx 3.0; from_numpy_array is its replacement with the same result.
        if not hasattr(networkx, "from_numpy_matrix"):
            networkx.from_numpy_matrix = networkx.from_numpy_array
        tr4 = TextRank4Keyword()

        def textrank4zh(text: str, k: int) -> list[str]:
            tr4.analyze(text=text, lower=True, window=2)
            return [item.word for item in tr4.get_keywords(k, word_min_len=2)]

        out["textrank4zh"] = textrank4zh
    except ImportError:
        pass
    return out


def time_per_paragraph(extract: Callable[[str, int], list[str]], texts: list[str], repeats: int) -> float:
    extract(texts[0], 10)  # one-time loading (dictionaries, IDF tables) is not per-paragraph cost
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text in texts:
            extract(text, 10)
        runs.append((time.perf_counter() - started) / len(texts))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timing runs; the median is reported")
    parser.add_argument("--dev", type=Path, metavar="PATH",
                        help="the real development set (JSON Lines: id, text, labels, keywords, source_url)")
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    gold = [json.loads(line) for line in (ROOT / "data" / "keywords" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    parts = dict(PARTS)
    records = list(gold)
    if args.dev:
        records += read_dev(args.dev)
        parts[DEV_PART] = (DEV_PART,)
    extractors = systems()
    predictions = {name: [extract(r["text"], 10) for r in records] for name, extract in extractors.items()}
    texts = [g["text"] for g in gold]  # timed on our own gold only, so that figures with and without --dev compare
    timings = {name: time_per_paragraph(extract, texts, args.repeats) for name, extract in extractors.items()}

    command = "python benchmarks/keywords.py" + (f" --repeats {args.repeats}" if args.repeats != 5 else "")
    command += f" --dev {args.dev}" if args.dev else ""
    lines = [
        "# Keywords: zonenlp against jieba and textrank4zh",
        "",
        f"Command: `{command}` (one run). Gold: `data/keywords/gold.jsonl`, written by the rules in "
        "`data/keywords/RULES.md`" + (", and the gold keywords of the real dev set (figures only)" if args.dev else "")
        + ". Strict: the keyword equals a gold keyword; lenient: one contains the other. "
        "P/R/F1 are averaged over paragraphs. Fragments: the share of the top 5 keywords that start or end inside "
        "a longer word, name, organisation or quoted term of their text, by the independent boundary sources of "
        "`tests/keyword_boundaries.py` (jieba's and zonenlp's dictionaries, zone names, quoted terms, "
        "organisation names).",
        "",
    ]
    summary, fragment_shares = {}, {}
    for part_name, part_keys in parts.items():
        idx = [i for i, r in enumerate(records) if r["part"] in part_keys]
        truth = [records[i]["keywords"] for i in idx]
        lines += [f"## {part_name} ({len(idx)} paragraphs, {sum(map(len, truth))} gold keywords)", "",
                  "| system | strict P@5 | R@5 | **F1@5** | P@10 | R@10 | F1@10 | lenient F1@5 | lenient F1@10 | fragments@5 |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name in extractors:
            pred = [predictions[name][i] for i in idx]
            s5, s10 = score(pred, truth, 5, False), score(pred, truth, 10, False)
            l5, l10 = score(pred, truth, 5, True), score(pred, truth, 10, True)
            n_fragments, n_keywords = fragment_count(pred, [records[i]["text"] for i in idx], k=5)
            summary[(part_name, name)] = s5["f1"]
            fragment_shares[(part_name, name)] = n_fragments / max(n_keywords, 1)
            lines.append(f"| {name} | {s5['p']:.3f} | {s5['r']:.3f} | **{s5['f1']:.3f}** | {s10['p']:.3f} | {s10['r']:.3f} | "
                         f"{s10['f1']:.3f} | {l5['f1']:.3f} | {l10['f1']:.3f} | "
                         f"{fragment_shares[(part_name, name)]:.1%} ({n_fragments}/{n_keywords}) |")
        base = summary[(part_name, "jieba extract_tags")]
        lines += ["", f"zonenlp strict F1@5 / extract_tags strict F1@5 = **{summary[(part_name, 'zonenlp')] / base:.2f}×**", ""]
    base_time = timings["jieba extract_tags"]
    lines += ["## Time per paragraph", "",
              f"Median of {args.repeats} runs over all {len(gold)} paragraphs (top 10), after one warm-up call; "
              "ratio against `jieba.analyse.extract_tags` measured in the same run (lower is faster).", "",
              "| system | ms per paragraph | × extract_tags |", "|---|---|---|"]
    for name, seconds in timings.items():
        lines.append(f"| {name} | {seconds * 1000:.3f} | {seconds / base_time:.2f} |")
    lines += ["", "## Examples (seed page, first three paragraphs; our own gold only)", ""]
    # records start with our own gold, so its first three paragraphs are records 0-2; dev text is never shown
    for i in range(3):
        lines.append(f"- {gold[i]['text'][:60]}…")
        lines.append(f"  - gold: {'、'.join(gold[i]['keywords'])}")
        for name in ("zonenlp", "jieba extract_tags"):
            lines.append(f"  - {name}: {'、'.join(predictions[name][i][:5])}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "keywords.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for (part_name, name), f1 in summary.items():
        print(f"{part_name:<20} {name:<20} strict F1@5 {f1:.3f}  fragments@5 {fragment_shares[(part_name, name)]:.1%}")
    for name, seconds in timings.items():
        print(f"{name:<20} {seconds * 1000:.3f} ms/paragraph ({seconds / base_time:.2f}x extract_tags)")
    print(f"wrote {(RESULTS / 'keywords.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
