"""Turn data/ into the shipped model in models/ and the keyword IDF table.

Reproducible: fixed seeds, fixed split, no network. Steps:

1. the keyword IDF table ``src/zonenlp/resources/idf.tsv`` from the training
   split (the keyword gold of data/keywords/ comes from the test split and the
   seed page, so neither is counted in it);
2. the configuration: the one in ``CONFIG`` below, chosen by
   ``benchmarks/select_model.py`` (cross-validation on the training split only);
3. a model fitted on the training split, scored on the test split and on the
   seed page (figures for the manifest);
4. the shipped model: the same configuration fitted on the full authored corpus
   (train + test), saved to ``models/zonenlp-themes.npz`` (the safe format, which loads
   without scikit-learn) with its manifest.

    python scripts/train_model.py
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zonenlp.classifier import ThemeClassifier  # noqa: E402
from zonenlp.corpus import read_labelled, texts_and_labels  # noqa: E402
from zonenlp.display import run_steps, show_progress  # noqa: E402
from zonenlp.features import TfidfFeaturizer  # noqa: E402
from zonenlp.labels import THEMES  # noqa: E402
from zonenlp.persistence import DEFAULT_MODEL_FILE, save  # noqa: E402
from zonenlp.tokenizer import Tokenizer, is_number_token  # noqa: E402

DATA = ROOT / "data" / "themes"
IDF_PATH = ROOT / "src" / "zonenlp" / "resources" / "idf.tsv"
MODEL_PATH = ROOT / "models" / DEFAULT_MODEL_FILE

# The choice of benchmarks/select_model.py (benchmarks/results/model_selection.md),
# by its rule: candidates within one standard error of the best cross-validated
# macro F1 on the training split, at a prediction cost within 1.5x the cheapest
# feature set's (word features would make tagging slower than the brief allows),
# then the best macro F1 on the real development set: characters with a linear
# SVM (C=1), with article context (zonenlp.context).
CONFIG = {
    "featurizer": {"use_words": False, "use_chars": True, "char_ngram_range": (1, 3)},
    "classifier": {"estimator": "svm", "C": 1.0, "article_context": True},
}
# The IDF table and the model are made with jieba's own engine, the reference:
# backend_parity() measures against it how closely rjieba (what load() picks
# when the parity holds, and what "auto" picks) reproduces them.
TOKENIZER_BACKEND = "jieba"


def build_model() -> ThemeClassifier:
    """A fresh, unfitted model of the shipped configuration."""
    return ThemeClassifier(
        featurizer=TfidfFeaturizer(**CONFIG["featurizer"], tokenizer=Tokenizer(backend=TOKENIZER_BACKEND)),
        label_order=THEMES,
        random_state=0,
        **CONFIG["classifier"],
    )


def write_idf(texts: list[str]) -> None:
    tokenizer = Tokenizer(backend=TOKENIZER_BACKEND)
    df: Counter[str] = Counter()
    for text in texts:
        df.update({t for t in tokenizer.tokenize(text) if len(t) > 1 and not is_number_token(t)})
    n = len(texts)
    lines = [f"#documents\t{n}"]
    for word, count in sorted(df.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"{word}\t{math.log((1 + n) / (1 + count)) + 1:.4f}")
    IDF_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {IDF_PATH.relative_to(ROOT)}: {len(df)} words from {n} paragraphs")


def backend_parity(model: ThemeClassifier, texts: list[str]) -> dict:
    """How closely the rjieba backend reproduces the trained (jieba) one, if rjieba is installed."""
    import importlib.util

    if importlib.util.find_spec("rjieba") is None:
        return {}
    import copy
    from importlib.metadata import version
    import difflib

    slow = model.featurizer_.tokenizer_
    fast = copy.deepcopy(model).use_backend("rjieba")
    fast_tokenizer = fast.featurizer_.tokenizer_
    matched = total = identical = 0
    for text in texts:
        a, b = slow.tokenize(text), fast_tokenizer.tokenize(text)
        identical += a == b
        matched += sum(block.size for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())
        total += max(len(a), len(b))
    same_themes = sum(x == y for x, y in zip(model.predict_labels(texts), fast.predict_labels(texts)))
    return {"rjieba": {
        "version": version("rjieba"),
        "paragraphs": len(texts),
        "token_agreement": round(matched / max(total, 1), 5),
        "paragraphs_with_identical_tokens": round(identical / len(texts), 5),
        "prediction_agreement": round(same_themes / len(texts), 5),
    }}


def articles(records: list[dict]) -> list[str]:
    """Each paragraph's article (its group), so that the model reads it in context as it would on a page."""
    return [r["group"] for r in records]


def summary(scores: dict) -> dict:
    return {
        "macro_f1": round(scores["macro_f1"], 4),
        "micro_f1": round(scores["micro_f1"], 4),
        "exact_match": round(scores["exact_match"], 4),
        "other_f1": round(scores["other_f1"], 4),
        "n": scores["n"],
        "per_label_f1": {k: round(v["f1"], 4) for k, v in scores["per_label"].items()},
    }


def main() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    train = read_labelled(DATA / "train.jsonl")
    test = read_labelled(DATA / "test.jsonl")
    seed = read_labelled(DATA / "seed.jsonl")
    write_idf([r["text"] for r in train])

    full = train + test
    started = time.perf_counter()
    split_model, model = run_steps([
        ("fit on the training split", lambda: build_model().fit(*texts_and_labels(train), groups=[r["group"] for r in train])),
        ("fit on the full corpus", lambda: build_model().fit(*texts_and_labels(full), groups=[r["group"] for r in full])),
    ], desc="training", show=show_progress())
    elapsed = time.perf_counter() - started
    metrics = {
        "train_split_cv": summary(split_model.cv_scores_),
        "test_split": summary(split_model.evaluate(*texts_and_labels(test), articles=articles(test))),
        "seed_page_model_trained_on_train_split": summary(split_model.evaluate(*texts_and_labels(seed), articles=articles(seed))),
    }
    metrics["full_corpus_cv"] = summary(model.cv_scores_)
    metrics["seed_page"] = summary(model.evaluate(*texts_and_labels(seed), articles=articles(seed)))
    metrics["seed_page_paragraphs_alone"] = summary(model.evaluate(*texts_and_labels(seed)))
    notes = {
        "trained_by": "python scripts/train_model.py",
        "training_data": ["data/themes/train.jsonl", "data/themes/test.jsonl"],
        "never_trained_on": "data/themes/seed.jsonl",
        "config": CONFIG,
        "selection": {
            "rule": "candidates within one standard error of the best cross-validated (GroupKFold by article) macro F1 "
                    "on the training split and at a prediction cost within 1.5x the cheapest feature set's; among them "
                    "the best macro F1 on the real development set; ties (three decimals) to the cheaper model; "
                    "article context judged the same way",
            "candidates": "3 feature sets x 4 classifiers x article context or none (24)",
            "chosen": "chars(1,3) + svm C=1, with article context",
            "record": "benchmarks/results/model_selection.md",
        },
        "training_seconds_both_fits": round(elapsed, 1),
        "backend_parity": backend_parity(model, [r["text"] for r in full]),
    }
    manifest = save(model, MODEL_PATH, metrics=metrics, notes=notes)
    print(json.dumps(metrics, ensure_ascii=False, indent=1))
    print(f"saved {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size / 1e6:.1f} MB) and {manifest.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
