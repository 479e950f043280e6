"""Every error of a model on the real development set, by id, sorted into categories.

The development set (``../shared/dev/real-dev.jsonl``) is real news that none of
us wrote; its text never enters the repository. This script reads it from the
path given, tags it with a model (default: the shipped one) and writes
``benchmarks/results/dev_errors.md``: each error by id with gold labels,
predicted labels and scores, grouped by the category the lead gave it in
``benchmarks/dev_error_categories.tsv`` (ids and codes only). An error that file
does not name is listed as uncategorised, so a new model's new errors show up.
The categories are what corpus round 4 was written from
(``data/authoring/round4-brief.md``).

    python benchmarks/dev_errors.py --dev ../shared/dev/real-dev.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import zonenlp  # noqa: E402
from zonenlp.persistence import default_model_path  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
MAP = ROOT / "benchmarks" / "dev_error_categories.tsv"
COMMAND = "python benchmarks/dev_errors.py --dev ../shared/dev/real-dev.jsonl"

#: code -> (THEMES.md subtopic, register, error type: what the model did and what the paragraph is)
CATEGORIES = {
    "C1": ("env_service_team", "news, features", "environment missed: enterprise-service officers visiting and solving firms' problems, no policy word"),
    "C2": ("env_finance", "news, briefs", "environment missed or joined by investment: bank credit for park firms arranged by the zone, amid project figures"),
    "C3": ("env_approval", "news", "environment missed: land and permits sped up so that one project starts at once"),
    "C4": ("env_factor", "news, briefs", "environment missed: supply-and-demand matching between the park's factories"),
    "C5": ("env_approval / env_service_team", "news, gov sites", "investment added: approval service, on-site meetings or project agents serving investment projects read as attraction"),
    "C6": ("env_award", "news", "environment missed: a business-environment index or score published"),
    "C7": ("inv_target", "officials' speeches", "investment missed: a leader asks to take on industrial transfer in named industries, no figures"),
    "C8": ("inv_target + env_optimize", "mobilisation meetings, commentary", "a theme missed: meeting rhetoric naming investment and business environment as the year's first task, no figures"),
    "C9": ("inv_mode_tech + tal_policy", "rhetoric, campaigns, contests", "talent or investment missed: bringing firms and bringing people paired (双招双引, talent-return campaigns, contests whose winners settle)"),
    "C10": ("inv_signing + out_museum", "news", "one theme missed: signing a science-museum or science-tourism project"),
    "C11": ("tal_highlevel / tal_skills", "news, briefs", "talent missed: counts of PhDs, postdoc workstations and bases, talent-work meetings, skills-certificate training (not outreach)"),
    "C12": ("tal_graduate / tal_housing", "news, policy", "environment added or talent missed: hiring-gap coordination and service packages for talent"),
    "C13": ("out_study_tour", "news, briefs", "outreach missed: students' 研学 visits, camps and holiday tasks at factories"),
    "C14": ("out_museum / out_week / out_event", "news, briefs", "outreach missed: science associations and museums, commendations, S&T week ceremonies, industrial science tourism"),
    "C15": ("out_event", "news", "talent added: an academician's popular-science lecture"),
    "C16": ("oth (capital)", "news", "investment added: a zone company's own funds and capital operations"),
    "C17": ("oth_infrastructure / oth_product", "news", "investment added: a big project's construction progress with its total investment"),
    "C18": ("oth_stats", "news, briefs", "investment added: groundbreaking, completion and fixed-asset investment statistics"),
    "C19": ("oth_rnd", "news", "talent added: a research team's technical breakthrough"),
    "C20": ("oth_stats", "news, research", "talent added: shares of high-tech firms, patents and talent concentrated in zones"),
    "C21": ("tal_team", "news", "investment added: a high-level-talent startup contest told by its format and entrants, no settling of projects"),
    "S1": ("inv_signing + env_service_team", "news", "both missed: a signing ceremony whose paragraph is about the service promised to the signed firms (not in the round-4 brief)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, required=True, help="the real development set (JSON Lines: id, text, labels)")
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    codes = dict(line.split("\t") for line in MAP.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    model = zonenlp.load(args.model)
    model_file = args.model or default_model_path()
    # each paragraph read with the others from its source page, as benchmarks/accuracy.py scores the shipped model
    tags = model.tag([r["text"] for r in rows], articles=[r.get("source_url") or r["id"] for r in rows])
    by_category: dict[str, list[str]] = defaultdict(list)
    for row, tag in zip(rows, tags):
        gold, predicted = list(row["labels"]), list(tag["themes"])
        if set(gold) != set(predicted):
            scores = ", ".join(f"{label} {score:.2f}" for label, score in tag["scores"].items())
            line = f"| {row['id']} | {'+'.join(gold) or 'other'} | {'+'.join(predicted) or 'other'} | {scores} |"
            by_category[codes.get(row["id"], "uncategorised")].append(line)
    errors = sum(len(v) for v in by_category.values())
    digest = hashlib.sha256(Path(model_file).read_bytes()).hexdigest()[:12]
    out = [
        "# Errors on the real development set, by category",
        "",
        f"`{COMMAND}` — model `{Path(model_file).name}` (sha256 {digest}…): {errors} of {len(rows)} paragraphs wrong.",
        "Ids, labels and scores only: the set's text never enters the repository. Categories are the lead's reading",
        "of each error (`benchmarks/dev_error_categories.tsv`); C1–C20 are the categories corpus round 4 was",
        "written from (`data/authoring/round4-brief.md`); C1, C3 and C4 come from what issue #19 reports of whole",
        "real articles, and have no error here because the set holds single paragraphs found by theme searches.",
        "",
        "| category | errors | THEMES.md subtopic | register | error type |",
        "|---|---:|---|---|---|",
    ]
    order = [c for c in CATEGORIES if c in by_category] + (["uncategorised"] if "uncategorised" in by_category else [])
    for code in order:
        subtopic, register, kind = CATEGORIES.get(code, ("—", "—", "not yet read"))
        out.append(f"| {code} | {len(by_category[code])} | {subtopic} | {register} | {kind} |")
    for code in order:
        out += ["", f"## {code}", "", "| id | gold | predicted | scores |", "|---|---|---|---|", *by_category[code]]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dev_errors.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{errors} errors of {len(rows)}; wrote {RESULTS / 'dev_errors.md'}")


if __name__ == "__main__":
    main()
