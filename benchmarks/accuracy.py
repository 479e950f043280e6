"""Theme accuracy of zonenlp against two baselines, side by side, in one run.

Every system is trained on data/themes/train.jsonl only and evaluated on the
test split (authored by us, other articles) and on the seed page (a real
newspaper page, never trained on). The shipped model, trained on train + test,
is also scored on the seed page. With ``--dev``, every system is also scored
on the real development set (real news none of us wrote, read only from the
path given; its text never enters the repository: errors are listed by id).
Writes benchmarks/results/accuracy.md.

    python benchmarks/accuracy.py
    python benchmarks/accuracy.py --dev ../shared/dev/real-dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from baselines import KeywordRules, NaivePipeline  # noqa: E402
from train_model import build_model  # noqa: E402
from zonenlp.labels import THEMES  # noqa: E402
from zonenlp.metrics import multilabel_scores  # noqa: E402
from zonenlp.corpus import read_labelled, texts_and_labels  # noqa: E402
from zonenlp.persistence import load  # noqa: E402

DATA = ROOT / "data" / "themes"
RESULTS = ROOT / "benchmarks" / "results"
COMMAND = "python benchmarks/accuracy.py"
BOOTSTRAP = 10_000  # paired resamples of the seed page


def binarize(label_lists: list[list[str]]) -> np.ndarray:
    return np.array([[label in labels for label in THEMES] for labels in label_lists], dtype=bool)


def label_set(row: np.ndarray) -> str:
    return "+".join(t for t, on in zip(THEMES, row) if on) or "other"


def score_table(title: str, results: dict[str, dict]) -> list[str]:
    names = list(results)
    lines = [f"### {title}", "", "| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for theme in THEMES:
        for metric in ("precision", "recall", "f1"):
            cells = [f"{results[n]['per_label'][theme][metric]:.3f}" for n in names]
            best = max(results[n]["per_label"][theme][metric] for n in names)
            cells = [f"**{c}**" if metric == "f1" and float(c) == round(best, 3) else c for c in cells]
            lines.append(f"| {theme} {metric} (n={results[names[0]]['per_label'][theme]['support']}) | " + " | ".join(cells) + " |")
    for key, label in (("micro_f1", "micro F1"), ("macro_f1", "macro F1"), ("exact_match", "exact match"), ("other_f1", "other F1")):
        lines.append(f"| {label} | " + " | ".join(f"{results[n][key]:.3f}" for n in names) + " |")
    return lines + [""]


def f1_per_row(truth: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """F1 of each row of boolean (resamples x paragraphs) arrays; 1.0 where a row has no positives at all."""
    tp = (truth & pred).sum(axis=1)
    denominator = truth.sum(axis=1) + pred.sum(axis=1)
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)


def paired_bootstrap(truth: np.ndarray, ours: np.ndarray, theirs: np.ndarray, resamples: int = BOOTSTRAP) -> list[tuple]:
    """For each theme: the 95% percentile interval of the F1 difference (ours - theirs) over
    paragraph resamples drawn with replacement, and the share of resamples in which ours is
    higher and lower. Both systems are scored on the same resampled paragraphs."""
    rows = np.random.default_rng(0).integers(0, len(truth), size=(resamples, len(truth)))
    out = []
    for j in range(truth.shape[1]):
        t, a, b = truth[rows, j], ours[rows, j], theirs[rows, j]
        difference = f1_per_row(t, a) - f1_per_row(t, b)
        low, high = np.percentile(difference, [2.5, 97.5])
        out.append((low, high, float(np.mean(difference > 0)), float(np.mean(difference < 0))))
    return out


def read_dev(path: Path) -> list[dict]:
    """The real development set: id, text and labels of each paragraph (read here, never copied)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def articles_of(records: list[dict]) -> list[str]:
    """Each paragraph's article: its group (corpus, seed page) or, in the dev set, its source page."""
    return [r.get("group") or r.get("source_url") or r["id"] for r in records]


#: The splits of real text, on which the shipped model is scored and the differences bootstrapped.
REAL = ("seed page", "real dev set")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, metavar="PATH", help="the real development set (JSON Lines: id, text, labels)")
    args = parser.parse_args()
    import jieba  # the naive baseline segments with jieba's global tokenizer: this script's own, to quiet

    jieba.setLogLevel(logging.WARNING)
    command = COMMAND + (f" --dev {args.dev}" if args.dev else "")
    train, test, seed = (read_labelled(DATA / f) for f in ("train.jsonl", "test.jsonl", "seed.jsonl"))
    train_texts, train_labels = texts_and_labels(train)
    Y_train = binarize(train_labels)
    evaluations = {"test split": test, "seed page": seed}
    if args.dev:
        evaluations["real dev set"] = read_dev(args.dev)

    started = time.perf_counter()
    zonenlp_model = build_model().fit(train_texts, train_labels, groups=[r["group"] for r in train])
    fit_seconds = {"zonenlp": time.perf_counter() - started}
    systems = {
        "zonenlp": lambda texts, articles: zonenlp_model.predict(texts, articles=articles).astype(bool),
        "zonenlp, paragraphs alone": lambda texts, articles: zonenlp_model.predict(texts).astype(bool),
    }
    rules = KeywordRules(THEMES)
    for name, baseline in (("keyword rules", rules), ("jieba+tfidf+LinearSVC", NaivePipeline(THEMES))):
        started = time.perf_counter()
        baseline.fit(train_texts, Y_train)
        fit_seconds[name] = time.perf_counter() - started
        systems[name] = lambda texts, articles, baseline=baseline: baseline.predict_matrix(texts)

    out = [
        "# Theme accuracy: zonenlp against baselines",
        "",
        f"Command: `{command}` (one run; every system trained on the {len(train)} paragraphs of "
        "data/themes/train.jsonl only).",
        "",
        "- **zonenlp**: the shipped configuration (scripts/train_model.py), per-theme thresholds from "
        "cross-validation on the training split.",
        "  Each paragraph is read in its article, as `analyze`, `zonenlp tag` and `zonenlp batch --pages` read a page "
        "(corpus and seed page: its article; dev set: the paragraphs from the same source page).",
        "- **zonenlp, paragraphs alone**: the same model, each paragraph without its article (as `model.tag(texts)` "
        "and `zonenlp batch` on JSON Lines or CSV read them).",
        "- **keyword rules**: zonenlp's theme lexicon as a hand-made rule list; each theme's minimum number of "
        f"hits chosen on the training split ({', '.join(f'{t}≥{m}' for t, m in zip(THEMES, rules.min_hits_))}).",
        "- **jieba+tfidf+LinearSVC**: `jieba.lcut` + `TfidfVectorizer` + one-vs-rest `LinearSVC`, default settings.",
        "",
    ]
    all_scores, real = {}, {}
    shipped = load()
    for split, records in evaluations.items():
        texts, labels = texts_and_labels(records)
        truth = binarize(labels)
        predictions = {name: predict(texts, articles_of(records)) for name, predict in systems.items()}
        if split in REAL:
            shipped_proba = shipped.predict_proba(texts, articles=articles_of(records))
            predictions["zonenlp shipped (train+test)"] = shipped_proba >= shipped.thresholds_
            real[split] = (records, truth, predictions, shipped_proba)  # for the bootstrap and errors below
        results = {name: multilabel_scores(truth, pred, THEMES) for name, pred in predictions.items()}
        all_scores[split] = results
        out += score_table(f"{split} ({len(records)} paragraphs)", results)

    # how much the real paragraphs can tell: paired bootstrap of the F1 differences
    for split, (records, truth, predictions, _) in real.items():
        out += [f"### {split.capitalize()}: how sure are the differences?", "",
                f"Paired bootstrap: {BOOTSTRAP:,} resamples of the {len(records)} paragraphs, drawn with replacement; "
                "in each, both systems are scored on the same paragraphs. Per theme: the observed F1 difference "
                "(zonenlp minus the baseline), its 95% interval, and the share of resamples in which zonenlp's F1 is "
                "higher / lower (the rest are ties). An interval that spans 0 means these paragraphs cannot tell the "
                "two apart.", "",
                "| theme (n) | zonenlp | baseline | F1 difference | 95% interval | zonenlp higher / lower |",
                "|---|---|---|---|---|---|"]
        for ours in ("zonenlp shipped (train+test)", "zonenlp"):
            for theirs in ("keyword rules", "jieba+tfidf+LinearSVC"):
                intervals = paired_bootstrap(truth, predictions[ours], predictions[theirs])
                for theme, (low, high, higher, lower) in zip(THEMES, intervals):
                    per_label = all_scores[split][ours]["per_label"], all_scores[split][theirs]["per_label"]
                    observed = per_label[0][theme]["f1"] - per_label[1][theme]["f1"]  # the split's own figures, above
                    n = per_label[0][theme]["support"]
                    out.append(f"| {theme} ({n}) | {ours} | {theirs} | {observed:+.3f} | [{low:+.3f}, {high:+.3f}] | "
                               f"{higher:.0%} / {lower:.0%} |")
        out.append("")
    if "real dev set" in real:
        records, truth, predictions, proba = real["real dev set"]
        wrong = [i for i, (t, p) in enumerate(zip(truth, predictions["zonenlp shipped (train+test)"])) if (t != p).any()]
        out += ["### Real dev set: every error of the shipped model (by id; the text stays out of the repository)", "",
                "Categories of these errors: `benchmarks/results/dev_errors.md`.", "",
                "| id | true | predicted | scores (inv / env / tal / out) |", "|---|---|---|---|"]
        for i in wrong:
            scores = " / ".join(f"{p:.2f}" for p in proba[i])
            out.append(f"| {records[i]['id']} | {label_set(truth[i])} | "
                       f"{label_set(predictions['zonenlp shipped (train+test)'][i])} | {scores} |")
        out.append("")

    # where zonenlp goes wrong on the real page
    texts, labels = texts_and_labels(seed)
    truth = binarize(labels)
    proba = zonenlp_model.predict_proba(texts, articles=articles_of(seed))
    pred = proba >= zonenlp_model.thresholds_
    confusion = Counter((label_set(t), label_set(p)) for t, p in zip(truth, pred))
    out += ["### Seed page: true label set → zonenlp's label set", "", "| true | predicted | paragraphs |", "|---|---|---|"]
    out += [f"| {t} | {p} | {n} |" for (t, p), n in sorted(confusion.items(), key=lambda item: -item[1])]
    # worst errors: the largest distance between the truth and the scores, in threshold units
    margin = np.where(truth, np.maximum(zonenlp_model.thresholds_ - proba, 0), np.maximum(proba - zonenlp_model.thresholds_, 0))
    worst = [i for i in np.argsort(-margin.sum(axis=1), kind="stable") if margin[i].sum() > 0][:10]
    out += ["", "### Seed page: zonenlp's 10 worst errors", "", "| id | true | predicted | scores (inv / env / tal / out) | paragraph |", "|---|---|---|---|---|"]
    for i in worst:
        scores = " / ".join(f"{p:.2f}" for p in proba[i])
        text = texts[i] if len(texts[i]) <= 90 else texts[i][:90] + "…"
        out.append(f"| {seed[i]['id']} | {label_set(truth[i])} | {label_set(pred[i])} | {scores} | {text} |")
    out += ["", "Training time on the training split: " + ", ".join(f"{n} {s:.1f} s" for n, s in fit_seconds.items()) + "."]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "accuracy.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    for split, results in all_scores.items():
        print(split)
        for name, s in results.items():
            print(f"  {name:<30} macro F1 {s['macro_f1']:.3f}  micro F1 {s['micro_f1']:.3f}  "
                  + "  ".join(f"{t[:3]} {s['per_label'][t]['f1']:.3f}" for t in THEMES))
    print(f"wrote {(RESULTS / 'accuracy.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
