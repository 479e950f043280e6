"""Choose the shipped model: cross-validation on the training split, then the real development set.

The rule, fixed before any candidate's figure was read (issue #19):

1. Cross-validation. Each candidate is a full ThemeClassifier (its per-theme
   thresholds chosen by its own inner cross-validation) scored by an outer
   5-fold GroupKFold over the articles of data/themes/train.jsonl. The best
   pooled macro F1 minus one standard error of that candidate's per-fold macro
   F1 is the bar (the one-standard-error rule, Hastie, Tibshirani & Friedman,
   The Elements of Statistical Learning, 7.10): candidates at or above it are
   as good as the best within the folds' noise.
2. The development set (``--dev PATH``, real news we did not write, never
   trained on). Among the candidates that reach the bar, the highest macro F1
   on it wins; a tie (equal to three decimals) goes to the candidate cheaper
   at prediction time (featurization time measured here).
3. Article context (a paragraph's scores informed by the other paragraphs of
   its article) is one more candidate axis under the same rule: cross-validated
   on the training split's multi-paragraph articles, and scored on the
   development set with its paragraphs grouped into articles by source URL.

Without ``--dev`` only step 1 runs, and the cheapest feature set within the
bar is reported (the rule of the earlier rounds). The test split and the seed
page are never read here. Writes benchmarks/results/model_selection.md and .json.

    python benchmarks/select_model.py --dev ../shared/dev/real-dev.jsonl [--folds 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zonenlp.classifier import ThemeClassifier  # noqa: E402
from zonenlp.corpus import read_labelled, texts_and_labels  # noqa: E402
from zonenlp.labels import THEMES, indicator  # noqa: E402
from zonenlp.metrics import multilabel_scores  # noqa: E402
from zonenlp.features import TfidfFeaturizer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"

FEATURES = {
    "words(1,2)": {"use_words": True, "use_chars": False, "word_ngram_range": (1, 2)},
    "chars(1,3)": {"use_words": False, "use_chars": True, "char_ngram_range": (1, 3)},
    "words(1,2)+chars(1,3)": {"use_words": True, "use_chars": True, "word_ngram_range": (1, 2), "char_ngram_range": (1, 3)},
    "words(1,1)+chars(2,4)": {"use_words": True, "use_chars": True, "word_ngram_range": (1, 1), "char_ngram_range": (2, 4)},
    "words(1,2)+chars(1,3)+lexicon(0.5)": {"use_words": True, "use_chars": True, "word_ngram_range": (1, 2), "char_ngram_range": (1, 3), "lexicon_weight": 0.5},
    "words(1,2)+chars(1,3)+lexicon(1)": {"use_words": True, "use_chars": True, "word_ngram_range": (1, 2), "char_ngram_range": (1, 3), "lexicon_weight": 1.0},
}
CLASSIFIERS = {
    "logreg C=3": {"estimator": "logreg", "C": 3.0},
    "logreg C=10": {"estimator": "logreg", "C": 10.0},
    "logreg C=30": {"estimator": "logreg", "C": 30.0},
    "svm C=0.3": {"estimator": "svm", "C": 0.3},
    "svm C=1": {"estimator": "svm", "C": 1.0},
    "nb alpha=0.3": {"estimator": "nb", "alpha": 0.3},
}


def evaluate(features: dict, classifier: dict, texts, labels, groups, folds: int) -> tuple[dict, list[float]]:
    """Scores of the pooled out-of-fold predictions, and each outer fold's macro F1."""
    truth_rows, pred_rows, fold_macro = [], [], []
    for train_idx, val_idx in GroupKFold(n_splits=folds).split(texts, groups=groups):
        model = ThemeClassifier(featurizer=TfidfFeaturizer(**features), label_order=THEMES, random_state=0, **classifier)
        model.fit([texts[i] for i in train_idx], [labels[i] for i in train_idx], groups=[groups[i] for i in train_idx])
        pred = model.predict([texts[i] for i in val_idx]).astype(bool)
        truth_rows.append(indicator([labels[i] for i in val_idx], model.classes_))
        pred_rows.append(pred)
        fold_macro.append(multilabel_scores(truth_rows[-1], pred, THEMES)["macro_f1"])
    return multilabel_scores(np.vstack(truth_rows), np.vstack(pred_rows), THEMES), fold_macro


def featurization_seconds(features: dict, texts: list[str], repeats: int = 3) -> float:
    """Median seconds to featurize ``texts`` once fitted (default tokenizer backend): a feature set's cost at prediction time."""
    featurizer = TfidfFeaturizer(**features).fit(texts)
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        featurizer.transform(texts)
        runs.append(time.perf_counter() - started)
    return sorted(runs)[len(runs) // 2]


def one_standard_error_choice(rows: list[dict], cost: dict[str, float]) -> tuple[dict, float]:
    """The cheapest feature set with a candidate within one standard error of the best, and that set's best candidate."""
    best = max(rows, key=lambda r: r["macro_f1"])
    bar = best["macro_f1"] - best["fold_macro_f1_se"]
    eligible = [r for r in rows if r["macro_f1"] >= bar]
    cheapest = min({r["features"] for r in eligible}, key=cost.__getitem__)
    return max((r for r in eligible if r["features"] == cheapest), key=lambda r: r["macro_f1"]), bar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="only word+char unions (with and without lexicon) with logreg")
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    records = read_labelled(ROOT / "data" / "themes" / "train.jsonl")
    texts, labels = texts_and_labels(records)
    groups = [r["group"] for r in records]
    rows = []
    cost: dict[str, float] = {}
    for fname, features in FEATURES.items():
        for cname, classifier in CLASSIFIERS.items():
            if args.quick and (not fname.startswith("words(1,2)+chars(1,3)") or not cname.startswith("logreg")):
                continue
            if fname not in cost:
                cost[fname] = featurization_seconds(features, texts)
            started = time.perf_counter()
            scores, fold_macro = evaluate(features, classifier, texts, labels, groups, args.folds)
            rows.append({
                "features": fname, "classifier": cname,
                "macro_f1": scores["macro_f1"],
                "fold_macro_f1": fold_macro,
                "fold_macro_f1_se": float(np.std(fold_macro, ddof=1) / np.sqrt(len(fold_macro))),
                "micro_f1": scores["micro_f1"],
                "exact_match": scores["exact_match"], "other_f1": scores["other_f1"],
                "per_label_f1": {k: v["f1"] for k, v in scores["per_label"].items()},
                "seconds": time.perf_counter() - started,
                "config": {"featurizer": features, "classifier": classifier},
            })
            print(f"{fname:<24}{cname:<14} macro F1 {scores['macro_f1']:.4f}  exact {scores['exact_match']:.3f}  "
                  f"({rows[-1]['seconds']:.0f}s)", flush=True)
    rows.sort(key=lambda r: -r["macro_f1"])
    chosen, bar = one_standard_error_choice(rows, cost)
    command = "python benchmarks/select_model.py" + (" --quick" if args.quick else "") + (f" --folds {args.folds}" if args.folds != 5 else "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "model_selection.json").write_text(json.dumps({
        "command": command, "n_train": len(texts),
        "featurization_seconds": cost, "one_se_bar": bar,
        "chosen": {"features": chosen["features"], "classifier": chosen["classifier"]},
        "rows": rows,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Model selection (training split only)",
        "",
        f"Command: `{command}`",
        "",
        f"{len(texts)} paragraphs of data/themes/train.jsonl, {args.folds}-fold GroupKFold by article; each candidate's "
        "per-theme thresholds are chosen by its own inner cross-validation inside each outer training fold. "
        "The test split and the seed page are not read. Macro F1 and the other scores are computed on the pooled "
        "out-of-fold predictions; the standard error (SE) comes from the spread of the five folds' macro F1.",
        "",
        "## The choice: one-standard-error rule",
        "",
        f"Best macro F1: {rows[0]['macro_f1']:.4f} ({rows[0]['features']} + {rows[0]['classifier']}), one SE "
        f"{rows[0]['fold_macro_f1_se']:.4f}, so candidates at or above {bar:.4f} are as good as the best within the "
        "folds' noise. Among them the cheapest feature set at prediction time wins, then its best classifier:",
        "",
        f"**chosen: {chosen['features']} + {chosen['classifier']}** (macro F1 {chosen['macro_f1']:.4f}).",
        "",
        f"| feature set | seconds to featurize the {len(texts)} training paragraphs (median of 3, default backend) | best macro F1 |",
        "|---|---|---|",
        *(f"| {f} | {c:.2f} | {max(r['macro_f1'] for r in rows if r['features'] == f):.4f} |" for f, c in sorted(cost.items(), key=lambda x: x[1])),
        "",
        "## All candidates",
        "",
        "| features | classifier | macro F1 | SE | micro F1 | exact match | other F1 | investment | environment | talent | outreach |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f = r["per_label_f1"]
        lines.append(
            f"| {r['features']} | {r['classifier']} | {r['macro_f1']:.4f} | {r['fold_macro_f1_se']:.4f} | {r['micro_f1']:.4f} | {r['exact_match']:.4f} | "
            f"{r['other_f1']:.4f} | {f['investment']:.3f} | {f['environment']:.3f} | {f['talent']:.3f} | {f['outreach']:.3f} |"
        )
    (RESULTS / "model_selection.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"best: {rows[0]['features']} + {rows[0]['classifier']} (macro F1 {rows[0]['macro_f1']:.4f}); "
          f"chosen by the one-SE rule: {chosen['features']} + {chosen['classifier']} (macro F1 {chosen['macro_f1']:.4f})")


if __name__ == "__main__":
    main()
