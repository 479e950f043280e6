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
4. Speed (added after the first run's figures were read; see the report's
   disclosure): the brief and the issue require that speed does not regress
   (end to end at least 10x the naive pipeline, whatever ships). A feature set
   that costs more than ``MAX_COST_RATIO`` times the cheapest one at prediction
   time cannot ship; its candidates are scored and listed, but not chosen.

Without ``--dev`` only step 1 runs, and the cheapest feature set within the
bar is reported (the rule of the earlier rounds). The test split and the seed
page are never read here. Writes benchmarks/results/model_selection.md and .json.

    python benchmarks/select_model.py --dev ../shared/dev/real-dev.jsonl [--folds 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zonenlp.classifier import ThemeClassifier  # noqa: E402
from zonenlp.corpus import read_labelled, texts_and_labels  # noqa: E402
from zonenlp.features import TfidfFeaturizer  # noqa: E402
from zonenlp.labels import THEMES, indicator  # noqa: E402
from zonenlp.metrics import multilabel_scores  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"

# Lexicon features are left out: they scored well below the bar in the round-3
# selection (0.938-0.942 against 0.965) and the safe model format cannot hold them.
FEATURES = {
    "chars(1,3)": {"use_words": False, "use_chars": True, "char_ngram_range": (1, 3)},
    "words(1,2)+chars(1,3)": {"use_words": True, "use_chars": True, "word_ngram_range": (1, 2), "char_ngram_range": (1, 3)},
    "words(1,1)+chars(2,4)": {"use_words": True, "use_chars": True, "word_ngram_range": (1, 1), "char_ngram_range": (2, 4)},
}
CLASSIFIERS = {
    "logreg C=10": {"estimator": "logreg", "C": 10.0},
    "logreg C=30": {"estimator": "logreg", "C": 30.0},
    "logreg C=30 balanced": {"estimator": "logreg", "C": 30.0, "class_weight": "balanced"},
    "svm C=1": {"estimator": "svm", "C": 1.0},
}
CONTEXTS = ("none", "article")
# Word features need segmentation at prediction time: benchmarks/speed.py measures the
# word + character union at 3.6x the naive pipeline end to end against 8.2x for characters.
MAX_COST_RATIO = 1.5


def build(features: dict, classifier: dict) -> ThemeClassifier:
    """A candidate; every candidate learns article context, used only where prediction gets articles."""
    return ThemeClassifier(featurizer=TfidfFeaturizer(**features), label_order=THEMES, random_state=0,
                           article_context=True, **classifier)


def predictions(model: ThemeClassifier, texts: list[str], articles: list) -> dict[str, np.ndarray]:
    """The candidate's predictions without and with article context."""
    return {"none": model.predict(texts).astype(bool), "article": model.predict(texts, articles=articles).astype(bool)}


def cross_validate(features: dict, classifier: dict, texts, labels, groups, folds: int) -> dict[str, tuple[dict, list[float]]]:
    """For each context: scores of the pooled out-of-fold predictions, and each outer fold's macro F1."""
    truth, pred = [], {c: [] for c in CONTEXTS}
    fold_macro: dict[str, list[float]] = {c: [] for c in CONTEXTS}
    for train_idx, val_idx in GroupKFold(n_splits=folds).split(texts, groups=groups):
        model = build(features, classifier)
        model.fit([texts[i] for i in train_idx], [labels[i] for i in train_idx], groups=[groups[i] for i in train_idx])
        truth.append(indicator([labels[i] for i in val_idx], model.classes_))
        for context, rows in predictions(model, [texts[i] for i in val_idx], [groups[i] for i in val_idx]).items():
            pred[context].append(rows)
            fold_macro[context].append(multilabel_scores(truth[-1], rows, THEMES)["macro_f1"])
    Y = np.vstack(truth)
    return {c: (multilabel_scores(Y, np.vstack(pred[c]), THEMES), fold_macro[c]) for c in CONTEXTS}


def featurization_seconds(features: dict, texts: list[str], repeats: int = 3) -> float:
    """Median seconds to featurize ``texts`` once fitted (default tokenizer backend): a feature set's cost at prediction time."""
    featurizer = TfidfFeaturizer(**features).fit(texts)
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        featurizer.transform(texts)
        runs.append(time.perf_counter() - started)
    return sorted(runs)[len(runs) // 2]


def choose(rows: list[dict], use_dev: bool) -> tuple[dict, float, list[dict]]:
    """The rule of the module docstring: the chosen row, the one-SE bar and the rows that reach it."""
    best = max(rows, key=lambda r: r["macro_f1"])
    bar = best["macro_f1"] - best["fold_macro_f1_se"]
    cheapest = min(r["cost"] for r in rows)
    eligible = [r for r in rows if r["macro_f1"] >= bar and r["cost"] <= MAX_COST_RATIO * cheapest]
    if use_dev:
        # cost: featurization time; article context adds a little, so a tie goes to the model without it
        return min(eligible, key=lambda r: (-round(r["dev"]["macro_f1"], 3), r["cost"], r["context"] != "none")), bar, eligible
    return min(eligible, key=lambda r: (r["cost"], -r["macro_f1"])), bar, eligible


def label_f1(scores: dict) -> str:
    return " | ".join(f"{scores['per_label'][t]['f1']:.3f}" for t in THEMES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, help="the real development set (JSON Lines with text, labels, source_url)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="only chars(1,3) with logreg C=30 (to try the script)")
    args = parser.parse_args()

    records = read_labelled(ROOT / "data" / "themes" / "train.jsonl")
    texts, labels = texts_and_labels(records)
    groups = [r["group"] for r in records]
    dev = None
    if args.dev:
        dev_records = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
        dev = ([r["text"] for r in dev_records], indicator([r["labels"] for r in dev_records], np.array(THEMES, dtype=object)),
               [r.get("source_url") or r["id"] for r in dev_records])
    rows = []
    for fname, features in FEATURES.items():
        cost = featurization_seconds(features, texts)
        for cname, classifier in CLASSIFIERS.items():
            if args.quick and (fname, cname) != ("chars(1,3)", "logreg C=30"):
                continue
            started = time.perf_counter()
            cv = cross_validate(features, classifier, texts, labels, groups, args.folds)
            dev_pred = None
            if dev is not None:
                model = build(features, classifier).fit(texts, labels, groups=groups)
                dev_pred = predictions(model, dev[0], dev[2])
            for context, (scores, fold_macro) in cv.items():
                rows.append({
                    "features": fname, "classifier": cname, "context": context, "cost": cost,
                    "macro_f1": scores["macro_f1"], "fold_macro_f1": fold_macro,
                    "fold_macro_f1_se": float(np.std(fold_macro, ddof=1) / np.sqrt(len(fold_macro))),
                    "cv": scores,
                    "dev": multilabel_scores(dev[1], dev_pred[context], THEMES) if dev is not None else None,
                    "config": {"featurizer": features, "classifier": classifier, "article_context": context == "article"},
                })
                dev_note = f"  dev macro F1 {rows[-1]['dev']['macro_f1']:.4f}" if dev is not None else ""
                print(f"{fname:<24}{cname:<22}{context:<8} CV macro F1 {scores['macro_f1']:.4f}{dev_note}", flush=True)
            print(f"  ({time.perf_counter() - started:.0f}s)", flush=True)
    rows.sort(key=lambda r: -r["macro_f1"])
    chosen, bar, eligible = choose(rows, dev is not None)
    command = ("python benchmarks/select_model.py" + (f" --dev {args.dev}" if args.dev else "")
               + (" --quick" if args.quick else "") + (f" --folds {args.folds}" if args.folds != 5 else ""))
    name = lambda r: f"{r['features']} + {r['classifier']} + context {r['context']}"  # noqa: E731
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "model_selection.json").write_text(json.dumps({
        "command": command, "n_train": len(texts), "n_dev": len(dev[0]) if dev else None, "one_se_bar": bar,
        "chosen": {k: chosen[k] for k in ("features", "classifier", "context", "config")},
        "rows": [{k: v for k, v in r.items() if k not in ("cv", "dev")} | {
            "cv_other_f1": r["cv"]["other_f1"], "dev_macro_f1": r["dev"]["macro_f1"] if r["dev"] else None,
            "dev_other_f1": r["dev"]["other_f1"] if r["dev"] else None} for r in rows],
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    best = rows[0]
    lines = [
        "# Model selection",
        "",
        f"Command: `{command}`",
        "",
        "The rule (fixed before any candidate's figure was read; the docstring of `benchmarks/select_model.py`):",
        "candidates within one standard error of the best cross-validated macro F1 on the training split are "
        "eligible; among them the best macro F1 on the real development set wins, a tie (three decimals) going "
        "to the cheaper model. Article context is one more candidate axis under the same rule.",
        "",
        "Disclosure: before the rule was written down, one scratch trial of article context (chars(1,3) + logreg C=30, "
        "a stacked regression on out-of-fold scores) had been read: on the dev set it moved macro F1 by -0.003, on the "
        "seed page by +0.03. The rule judges context on the dev set all the same; `benchmarks/accuracy.py` reports "
        "context's figures on whole articles (test split, seed page) beside it.",
        "",
        "Second disclosure: step 4 (speed) was added after the first run on the round-5 corpus had been read. As first "
        "written, the rule picked words(1,2)+chars(1,3) + svm C=1 (dev macro F1 0.9502), a model that segments every "
        "paragraph and tags at about 3.6x the naive pipeline against 8.2x for the shipped characters-only model, which the "
        "brief (speed stays as it is or gets better) and the issue (end to end at least 10x the naive pipeline, whatever "
        "ships) do not allow. The constraint was theirs before any figure; leaving it out of the written rule was our "
        "mistake. Candidates above the cost limit stay in the table below.",
        "",
        f"Cross-validation: {len(texts)} paragraphs of data/themes/train.jsonl, {args.folds}-fold GroupKFold by article; "
        "each candidate's thresholds (and article context) come from its own inner cross-validation inside each outer "
        "training fold. With context, the paragraphs of a validation article are predicted together. The test split "
        "and the seed page are not read.",
    ]
    if dev:
        lines += ["", f"Development set: {len(dev[0])} real paragraphs (`--dev`), read only through the command line, "
                  "never trained on; with context, its paragraphs are grouped into articles by source URL, so most "
                  "have one or two neighbours at most. Candidates are fitted on the whole training split."]
    lines += [
        "",
        "## The choice",
        "",
        f"Best cross-validated macro F1: {best['macro_f1']:.4f} ({name(best)}), one SE {best['fold_macro_f1_se']:.4f}: "
        f"the bar is {bar:.4f}; {len(eligible)} of {len(rows)} candidates reach it at a prediction cost within "
        f"{MAX_COST_RATIO}x the cheapest feature set's.",
        "",
        f"**chosen: {name(chosen)}** (CV macro F1 {chosen['macro_f1']:.4f}"
        + (f", dev macro F1 {chosen['dev']['macro_f1']:.4f}, dev other F1 {chosen['dev']['other_f1']:.4f})." if dev else ")."),
        "",
        "## All candidates",
        "",
        "Cost: seconds to featurize the training paragraphs once (median of 3, default backend).",
        "",
        "| features | classifier | context | cost s | CV macro F1 | SE | CV other F1 | CV F1 inv / env / tal / out |"
        + (" dev macro F1 | dev other F1 | dev F1 inv / env / tal / out |" if dev else ""),
        "|---|---|---|---|---|---|---|---|" + ("---|---|---|" if dev else ""),
    ]
    for r in rows:
        line = (f"| {r['features']} | {r['classifier']} | {r['context']} | {r['cost']:.2f} | {r['macro_f1']:.4f}"
                f"{'' if r['macro_f1'] >= bar else ' (below bar)'}{'' if r in eligible or r['macro_f1'] < bar else ' (cost)'} | {r['fold_macro_f1_se']:.4f} | {r['cv']['other_f1']:.4f} | "
                f"{label_f1(r['cv']).replace(' | ', ' / ')} |")
        if dev:
            line += f" {r['dev']['macro_f1']:.4f} | {r['dev']['other_f1']:.4f} | {label_f1(r['dev']).replace(' | ', ' / ')} |"
        lines.append(line)
    (RESULTS / "model_selection.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"chosen: {name(chosen)}")


if __name__ == "__main__":
    main()
