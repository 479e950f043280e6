"""Make an archive of news pages for the digest: corpus articles given dates, headlines and files.

Reuses the articles of our own corpus (``data/themes/train.jsonl`` and ``test.jsonl``: the
paragraphs of one ``group`` are one article; the seed page is left out) as PAGES pages dated
over MONTHS months from START, each in its zone (the article's ``place``). Each month leans
towards some themes, as real news does (talent in the graduation months, outreach in the
science weeks of May and September, investment in the signing seasons of March and
December), so that the dashboard's trends have something to show. Pages are written as
text pages with a date line under the headline (most), saved web pages with the date in
their metadata, and one JSON Lines file of records with ``date`` and ``zone`` fields; a few
text pages carry no date at all and must come out as "date unknown".

    python scripts/make_archive.py /tmp/archive --pages 2000
    zonenlp digest /tmp/archive -o digest.html --jobs 2

The pages are made from text written by us; the same seed gives the same archive.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "data" / "themes" / "train.jsonl", ROOT / "data" / "themes" / "test.jsonl"]

#: How much more often a theme's articles run in a month (1-12) than in others.
SEASONS = {"talent": {5: 2.5, 6: 3.0, 7: 2.0}, "outreach": {5: 2.5, 9: 3.0}, "investment": {3: 2.0, 12: 2.0}}
HEADLINES = {
    "investment": ["{z}招商引资跑出加速度", "{z}一批重点项目集中签约", "项目为王 {z}抓招商不停步", "{z}：以商招商引来产业链"],
    "environment": ["{z}优化营商环境再出实招", "{z}企业办事更省心", "{z}政务服务“一网通办”提速", "服务企业 {z}在行动"],
    "talent": ["{z}引才聚才出新招", "{z}人才政策再加码", "青年人才扎根{z}", "{z}校企合作育工匠"],
    "outreach": ["{z}科普活动走进校园", "{z}开放日迎来小小科学家", "科学之光点亮{z}", "{z}科技周活动精彩纷呈"],
    "other": ["{z}经济运行稳中有进", "{z}重点项目建设一线见闻", "{z}召开专题会议", "走进{z}：园区新貌"],
}
PAPERS = ["园区日报", "科技导报", "开发区之窗", "高新区融媒体中心", "经济观察周刊", "区政府网站"]


def articles() -> list[dict]:
    """The corpus's articles: paragraphs of one group in order, with their zone and main theme."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for path in CORPUS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                groups[record["group"]].append(record)
    out = []
    for name in sorted(groups):
        records = groups[name]
        zone = Counter(r.get("place") for r in records if r.get("place")).most_common(1)
        if len(records) < 2 or not zone:
            continue
        themes = Counter(label for r in records for label in r["labels"])
        out.append({"zone": zone[0][0], "theme": themes.most_common(1)[0][0] if themes else "other",
                    "paragraphs": [r["text"] for r in records]})
    return out


def month_starts(start: str, months: int) -> list[date]:
    year, month = map(int, start.split("-"))
    return [date(year + (month - 1 + n) // 12, (month - 1 + n) % 12 + 1, 1) for n in range(months)]


def text_page(headline: str, day: date | None, paper: str, paragraphs: list[str], rng: random.Random) -> str:
    lines = [headline, ""]
    if day is not None:
        lines += [rng.choice([f"{day.year}年{day.month:02d}月{day.day:02d}日 来源：{paper}",
                              f"{day.isoformat()}  {paper}", f"{day.year}年{day.month}月{day.day}日"]), ""]
    return "\n".join(lines + [p + "\n" for p in paragraphs])


def web_page(headline: str, day: date, paper: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    meta = json.dumps({"@type": "NewsArticle", "headline": headline, "datePublished": day.isoformat()}, ensure_ascii=False)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(headline)} - {paper}</title>'
            f'<script type="application/ld+json">{meta}</script></head><body><header><a href="/">{paper}</a></header>'
            f"<main><article><h1>{html.escape(headline)}</h1><time datetime=\"{day.isoformat()}\">{day.isoformat()}</time>"
            f"{body}</article></main><footer>版权所有 {paper}</footer></body></html>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the pages to (created; must be empty)")
    parser.add_argument("--pages", type=int, default=2000, help="pages to make (default: %(default)s)")
    parser.add_argument("--start", default="2024-01", help="first month, YYYY-MM (default: %(default)s)")
    parser.add_argument("--months", type=int, default=18, help="months covered (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    pool, months = articles(), month_starts(args.start, args.months)
    records, kinds = [], Counter()
    for n in range(args.pages):
        first = rng.choice(months)
        weights = [SEASONS.get(a["theme"], {}).get(first.month, 1.0) for a in pool]
        article = rng.choices(pool, weights)[0]
        following = months[months.index(first) + 1] if first != months[-1] else date(first.year + first.month // 12, first.month % 12 + 1, 1)
        day = first + timedelta(days=rng.randrange((following - first).days))
        paragraphs = list(article["paragraphs"])
        if len(paragraphs) > 3 and rng.random() < 0.3:  # a shorter version, as another paper would run it
            paragraphs = paragraphs[: rng.randint(2, len(paragraphs) - 1)]
        headline = rng.choice(HEADLINES[article["theme"]]).format(z=article["zone"])
        paper = rng.choice(PAPERS)
        kind = rng.choices(["text", "web", "record", "undated"], [78, 15, 5, 2])[0]
        kinds[kind] += 1
        if kind == "record":
            records.append({"source": f"wire-{n:05d}", "title": headline, "date": day.isoformat(),
                            "zone": article["zone"], "text": "\n".join(paragraphs)})
        elif kind == "web":
            (args.out / f"{day.isoformat()}-{n:05d}.html").write_text(web_page(headline, day, paper, paragraphs), encoding="utf-8")
        else:
            dated = kind == "text"
            name = f"{day.isoformat()}-{n:05d}.txt" if dated and rng.random() < 0.5 else f"page-{n:05d}.txt"
            (args.out / name).write_text(text_page(headline, day if dated else None, paper, paragraphs, rng), encoding="utf-8")
    if records:
        (args.out / "wire.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"wrote {args.pages} pages to {args.out} from {len(pool)} corpus articles over {args.months} months from "
          f"{args.start}: {kinds['text']} text pages, {kinds['web']} web pages, {kinds['record']} records in wire.jsonl, "
          f"{kinds['undated']} text pages with no date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
