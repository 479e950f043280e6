#!/usr/bin/env python3
"""Build held-out e-paper PDF test pages (independent of the PDF reader).

Three A3 newspaper pages (4, 5 and 6 columns) are written as HTML + CSS and
printed to PDF with headless Chromium.  Article titles and body paragraphs
are taken verbatim from tests/fixtures/html/heldout/*.json; only bylines,
kickers (引题), subtitles (副题), captions and page furniture are made up here.

Outputs, per page, in tests/fixtures/pdf/heldout/:
  <name>.html  source page (kept so the PDF can be regenerated)
  <name>.pdf   printed page
  <name>.json  {"columns": N, "articles": [{"title", "paragraphs", "from"}]}

Usage:
  .venv/bin/python scripts/make_pdf_heldout.py            # build + check
  .venv/bin/python scripts/make_pdf_heldout.py --check    # check only
Stdlib only for building; the check step needs pdfplumber.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "tests" / "fixtures" / "html" / "heldout"
OUT = ROOT / "tests" / "fixtures" / "pdf" / "heldout"
CHROMIUM = "/usr/bin/chromium"
FONT = "WenQuanYi Zen Hei"
PAPER = "开发区导报"
GAP_MM = 5  # column gutter, also used inside multi-column article bodies
WEEKDAYS = "一二三四五六日"

# --------------------------------------------------------------------------
# page specifications
#
# A page is a list of rows.  Each row is a list of stacks; a stack spans
# `span` page columns and holds items (articles or free photos) one below the
# other.  An article spanning k columns sets its body in k CSS columns unless
# `cols` says otherwise.
# --------------------------------------------------------------------------

PAGES = [
    {
        "name": "epaper-a02-4col",
        "columns": 4,
        "edition": "A02",
        "section": "园区要闻",
        "date": dt.date(2024, 6, 17),
        "masthead": "banner",
        "body_pt": 11,
        "editors": "责任编辑：周敏　美术编辑：汪立群　校对：孙悦",
        "rows": [
            [
                {"span": 3, "items": [
                    {"article": "heldout-portal",
                     "kicker": "400余名师生和家长走进企业展区“零距离”感受科技魅力",
                     "subtitle": "——6个主题展区集中展示高新技术企业创新成果",
                     "byline": "本报记者　陶嘉怡",
                     "hsize": 30, "align": "center", "spaced": True,
                     "hbreak": "芜湖高新区举办2024年科技活动周",
                     "photo": {"h": 88, "caption": "图为活动现场，学生们在协作机器人展台前观看“机器人写书法”。　本报记者　陶嘉怡　摄"}},
                    {"photo": {"h": 62, "w": 2,
                               "caption": "图为玉溪高新区人才公寓项目效果图。　赵雨欣　摄"}},
                ]},
                {"span": 1, "items": [
                    {"article": "heldout-wechat",
                     "subtitle": "围绕引进、培养、激励、服务全链条发力",
                     "byline": "本报记者　杨建明　通讯员　赵雨欣",
                     "hsize": 19, "boxed": True},
                ]},
            ],
        ],
    },
    {
        "name": "epaper-a03-5col",
        "columns": 5,
        "edition": "A03",
        "section": "经济·招商",
        "date": dt.date(2024, 6, 18),
        "masthead": "classic",
        "body_pt": 11.5,
        "editors": "责任编辑：蒙晓丹　版式：李泓",
        "rows": [
            [
                {"span": 3, "items": [
                    {"article": "heldout-epaper",
                     "kicker": "二季度重大项目集中签约活动举行",
                     "subtitle": "——集中签约12个项目　总投资86.5亿元",
                     "byline": "本报记者　刘思远　通讯员　钟晓琳",
                     "hsize": 30, "align": "center", "lead_bold": True,
                     "photo": {"h": 68, "caption": "图为签约仪式现场。　本报记者　刘思远　摄"}},
                ]},
                {"span": 2, "items": [
                    {"article": "heldout-mobile",
                     "kicker": "多语种直播推介“柳州好物”",
                     "byline": "本报记者　覃雅婷　通讯员　韦立新",
                     "hsize": 20,
                     "photo": {"h": 62, "caption": "图为主播在直播间向海外消费者推介柳州螺蛳粉。　韦立新　摄"}},
                ]},
            ],
            [
                {"span": 5, "items": [
                    {"article": "heldout-gbk",
                     "subtitle": "——选派服务专员“一对一”联系企业　问题诉求办结率达94.3%",
                     "byline": "本报记者　邓晓雯",
                     "hsize": 24, "rule": True},
                ]},
            ],
        ],
    },
    {
        "name": "epaper-a05-6col",
        "columns": 6,
        "edition": "A05",
        "section": "科技创新",
        "date": dt.date(2024, 6, 20),
        "masthead": "centered",
        "body_pt": 12,
        "editors": "本版编辑：孙悦　美编：杨建明",
        "rows": [
            [
                {"span": 4, "items": [
                    {"article": "heldout-portal2",
                     "kicker": "新增数量位居全市各区前列",
                     "subtitle": "——国家级科技企业孵化器总数达到17家",
                     "byline": "本报记者　孙悦",
                     "hsize": 28, "align": "center",
                     "hbreak": "滨海高新区4家孵化器",
                     "photo": {"h": 80, "caption": "图为滨海高新区一家孵化器的共享办公区。　本报记者　孙悦　摄"}},
                ]},
                {"span": 2, "items": [
                    {"article": "heldout-tables",
                     "kicker": "“四不两直”查隐患",
                     "byline": "本报记者　韩冬",
                     "hsize": 19, "boxed": True, "tint": True,
                     "hbreak": "鞍山高新区开展"},
                ]},
            ],
            [
                {"span": 6, "items": [
                    {"article": "heldout-xxgk",
                     "subtitle": "——支持高新技术企业、研发平台和关键技术攻关",
                     "byline": "本报记者　王立新",
                     "hsize": 22, "spaced": True},
                ]},
            ],
        ],
    },
]

# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

CSS = """
@page { size: A3; margin: 12mm; }
html, body { margin: 0; padding: 0; }
body {
  font-family: "%(font)s", sans-serif; color: #111; font-size: 10pt;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.page { width: 273mm; --g: %(gap)smm; }
/* ---- mastheads ---- */
.mh-banner .bar { background: #9b1c1c; color: #fff; display: flex;
  align-items: center; justify-content: space-between; padding: 3mm 5mm; }
.mh-banner .sec { font-size: 34pt; font-weight: bold; letter-spacing: .3em; }
.mh-banner .meta { text-align: right; font-size: 11pt; line-height: 1.5; }
.mh-banner .meta .paper { font-size: 16pt; font-weight: bold; }
.mh-banner .ed { font-size: 8.5pt; color: #444; text-align: right; margin-top: 1.2mm; }
.mh-classic { display: flex; align-items: flex-end; border-bottom: 3pt double #000;
  padding-bottom: 2mm; }
.mh-classic .no { background: #111; color: #fff; font-size: 20pt; font-weight: bold;
  padding: 1mm 3mm; margin-right: 4mm; }
.mh-classic .sec { font-size: 28pt; font-weight: bold; flex: 1; }
.mh-classic .meta { text-align: right; font-size: 9.5pt; line-height: 1.6; }
.mh-centered { display: grid; grid-template-columns: 1fr auto 1fr; align-items: end;
  border-bottom: 2.5pt solid #000; padding-bottom: 1.5mm; }
.mh-centered .paper { font-size: 15pt; font-weight: bold; }
.mh-centered .sec { font-size: 30pt; font-weight: bold; letter-spacing: .5em;
  margin-right: -.5em; }
.mh-centered .meta { text-align: right; font-size: 9.5pt; line-height: 1.6; }
.thin { border-top: .5pt solid #000; margin-top: .8mm; }
/* ---- grid ---- */
.row { display: grid; grid-template-columns: repeat(var(--n), minmax(0, 1fr));
  column-gap: var(--g); margin-top: 3.5mm; }
.row + .row { border-top: .8pt solid #222; padding-top: 3.5mm; }
.stack { position: relative; min-width: 0; }
.stack + .stack::before { content: ""; position: absolute; top: 0; bottom: 0;
  left: calc(var(--g) / -2); border-left: .5pt solid #555; }
/* ---- articles ---- */
.art { margin-bottom: 4mm; }
.art.boxed { border: 1pt solid #222; padding: 3mm 2.8mm; }
.art.tint { background: #f1efe8; }
.kicker { font-size: 12.5pt; margin-bottom: 1mm; }
.headline { font-weight: bold; line-height: 1.22; margin: 0 0 1.2mm 0; }
.spaced .headline { letter-spacing: .06em; }
.subtitle { font-size: 13pt; margin-bottom: 1.5mm; }
.center .kicker, .center .headline, .center .subtitle { text-align: center; }
.byline { font-size: 9.5pt; color: #333; margin: 1.5mm 0 2.5mm 0; }
.center .byline { text-align: center; }
figure { margin: 0 0 3mm 0; }
.img { background: #b9b9b9; border: .4pt solid #888; }
figcaption { font-size: 8.8pt; line-height: 1.45; margin-top: 1.2mm; color: #222; }
.body { column-gap: var(--g); column-fill: balance; }
.art.boxed .body { column-gap: 4mm; }
.body.rule { column-rule: .4pt solid #999; }
.body p { margin: 0; text-indent: 2em; text-align: justify; line-height: 1.62;
  font-size: var(--bpt); }
.body p b { font-weight: bold; }
"""


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def load_article(stem: str) -> dict:
    d = json.loads((SRC / f"{stem}.json").read_text(encoding="utf-8"))
    return {"title": d["title"], "paragraphs": list(d["paragraphs"]), "from": stem}


def cols_width_mm(k: int, n: int) -> float:
    colw = (273 - (n - 1) * GAP_MM) / n
    return k * colw + (k - 1) * GAP_MM


def date_cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日　星期{WEEKDAYS[d.weekday()]}"


def masthead(page: dict) -> str:
    ed, sec, d = page["edition"], page["section"], date_cn(page["date"])
    kind = page["masthead"]
    if kind == "banner":
        return (f'<header class="mh-banner"><div class="bar"><div class="sec">{esc(sec)}</div>'
                f'<div class="meta"><div class="paper">{PAPER}</div><div>{d}</div>'
                f'<div>第{ed}版</div></div></div>'
                f'<div class="ed">{esc(page["editors"])}</div></header>')
    if kind == "classic":
        return (f'<header class="mh-classic"><div class="no">{ed}</div>'
                f'<div class="sec">{esc(sec)}</div>'
                f'<div class="meta"><div>{PAPER}　{d}　第{ed}版</div>'
                f'<div>{esc(page["editors"])}</div></div></header>')
    if kind == "centered":
        return (f'<header><div class="mh-centered"><div class="paper">{PAPER}</div>'
                f'<div class="sec">{esc(sec)}</div>'
                f'<div class="meta"><div>{d}</div><div>第{ed}版　{esc(page["editors"])}</div></div>'
                f'</div><div class="thin"></div></header>')
    raise ValueError(kind)


def photo_html(ph: dict, span: int, n: int) -> str:
    w = ph.get("w", span)
    width = f"{cols_width_mm(w, n):.2f}mm" if w != span else "100%"
    return (f'<figure style="width:{width}"><div class="img" style="height:{ph["h"]}mm"></div>'
            f'<figcaption>{esc(ph["caption"])}</figcaption></figure>')


def para_html(p: str, lead_bold: bool) -> str:
    if lead_bold:
        m = re.match(r"(本报讯（[^）]*）)(.*)$", p, re.S)
        if m:
            return f"<p><b>{esc(m.group(1))}</b>{esc(m.group(2))}</p>"
    return f"<p>{esc(p)}</p>"


def article_html(item: dict, art: dict, span: int, n: int) -> str:
    cls = ["art"]
    for key in ("boxed", "tint", "spaced"):
        if item.get(key):
            cls.append(key)
    if item.get("align") == "center":
        cls.append("center")
    parts = [f'<article class="{" ".join(cls)}">']
    if item.get("kicker"):
        parts.append(f'<div class="kicker">{esc(item["kicker"])}</div>')
    # optional line break inside the headline (HTML only; the title text is unchanged)
    head = esc(art["title"])
    if item.get("hbreak"):
        assert art["title"].startswith(item["hbreak"]), item["hbreak"]
        head = esc(item["hbreak"]) + "<br>" + esc(art["title"][len(item["hbreak"]):])
    parts.append(f'<h2 class="headline" style="font-size:{item["hsize"]}pt">{head}</h2>')
    if item.get("subtitle"):
        parts.append(f'<div class="subtitle">{esc(item["subtitle"])}</div>')
    parts.append(f'<div class="byline">{esc(item["byline"])}</div>')
    if item.get("photo"):
        parts.append(photo_html(item["photo"], span, n))
    cols = item.get("cols", span)
    rule = " rule" if item.get("rule") else ""
    parts.append(f'<div class="body{rule}" style="column-count:{cols}">')
    parts.extend(para_html(p, item.get("lead_bold", False)) for p in art["paragraphs"])
    parts.append("</div></article>")
    return "\n".join(parts)


def build_page(page: dict) -> tuple[str, dict, list[str]]:
    """Return (html, expected json, list of all non-article strings on the page)."""
    n = page["columns"]
    used: list[dict] = []
    extra: list[str] = []
    body = [f'<div class="page" style="--n:{n}; --bpt:{page["body_pt"]}pt">', masthead(page)]
    for row in page["rows"]:
        body.append('<section class="row">')
        for stack in row:
            span = stack["span"]
            body.append(f'<div class="stack" style="grid-column: span {span}">')
            for item in stack["items"]:
                if "article" in item:
                    art = load_article(item["article"])
                    used.append(art)
                    body.append(article_html(item, art, span, n))
                    extra += [item.get("kicker", ""), item.get("subtitle", ""), item["byline"]]
                    if item.get("photo"):
                        extra.append(item["photo"]["caption"])
                else:
                    body.append(photo_html(item["photo"], span, n))
                    extra.append(item["photo"]["caption"])
            body.append("</div>")
        body.append("</section>")
    body.append("</div>")
    extra += [PAPER, page["section"], page["edition"], date_cn(page["date"]),
              f"第{page['edition']}版", page["editors"]]
    doc = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           f"<title>{PAPER} {page['date'].isoformat()} 第{page['edition']}版</title>"
           f"<style>{CSS % {'font': FONT, 'gap': GAP_MM}}</style></head>\n<body>\n"
           + "\n".join(body) + "\n</body></html>\n")
    expected = {"columns": n, "articles": used}
    return doc, expected, [e for e in extra if e]


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    cmd = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
           "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
           html_path.resolve().as_uri()]
    if pdf_path.exists():
        pdf_path.unlink()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if r.returncode != 0 or not pdf_path.exists():
        sys.exit(f"chromium failed ({r.returncode}) for {html_path}:\n{r.stderr[-2000:]}")


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------

WS = re.compile(r"\s+")


def nows(s: str) -> str:
    return WS.sub("", s)


def line_segments(page) -> list[dict]:
    """Group chars into horizontal runs (one column's line), top-to-bottom."""
    chars = sorted(page.chars, key=lambda c: (round(c["top"], 1), c["x0"]))
    lines: list[list[dict]] = []
    for c in chars:
        if lines and abs(lines[-1][-1]["top"] - c["top"]) < 1.0:
            lines[-1].append(c)
        else:
            lines.append([c])
    segs = []
    for ln in lines:
        ln.sort(key=lambda c: c["x0"])
        cur = [ln[0]]
        for c in ln[1:]:
            size = max(c["size"], cur[-1]["size"])
            if c["x0"] - cur[-1]["x1"] > 0.9 * size:
                segs.append(cur)
                cur = [c]
            else:
                cur.append(c)
        segs.append(cur)
    out = []
    for s in segs:
        t = nows("".join(c["text"] for c in s))
        if t:
            out.append({"text": t, "x0": s[0]["x0"], "top": s[0]["top"], "size": s[0]["size"]})
    return out


def covered(target: str, segs: list[str]) -> bool:
    """True if target == suffix(seg) + seg + ... + prefix(seg) (or lies inside one seg).

    That is, the text is present as a chain of whole line pieces, independent of
    the reading order of columns on the page.
    """
    if not target:
        return True
    if any(target in s for s in segs):
        return True
    n = len(target)
    reach = [False] * (n + 1)
    for s in segs:  # first piece: a suffix of some line
        for off in range(len(s)):
            suf = s[off:]
            if len(suf) < n and target.startswith(suf):
                reach[len(suf)] = True
    for i in range(1, n):
        if not reach[i]:
            continue
        rest = target[i:]
        for s in segs:
            if s.startswith(rest):
                return True
            if rest.startswith(s):
                reach[i + len(s)] = True
    return reach[n]


def check_page(name: str, extra: list[str] | None) -> bool:
    import pdfplumber

    pdf_path = OUT / f"{name}.pdf"
    exp = json.loads((OUT / f"{name}.json").read_text(encoding="utf-8"))
    ok = True
    with pdfplumber.open(pdf_path) as pdf:
        npages = len(pdf.pages)
        page = pdf.pages[0]
        print(f"== {name}: {npages} page(s), {page.width:.0f}x{page.height:.0f}pt, "
              f"{len(page.chars)} chars, columns={exp['columns']}, articles={len(exp['articles'])}")
        if npages != 1:
            print("   FAIL: expected exactly one page")
            ok = False
        if abs(page.width - 842) > 3 or abs(page.height - 1191) > 3:
            print("   FAIL: page is not A3")
            ok = False
        raw = page.extract_text() or ""
        raw_lines = [l for l in raw.splitlines() if l.strip()]
        print("   first extracted lines:")
        for l in raw_lines[:6]:
            print("     |", l[:90])
        segs = line_segments(page)
        seg_texts = [s["text"] for s in segs]
        print("   large-type line pieces (>14pt), x0/top in pt:")
        for s in segs:
            if s["size"] > 14:
                print(f"     | {s['size']:4.1f}pt ({s['x0']:5.1f},{s['top']:6.1f}) {s['text']}")
        flat = nows(raw)
        for art in exp["articles"]:
            title = nows(art["title"])
            t_ok = covered(title, seg_texts)
            # title lines should be set larger than body text
            big = [s for s in segs if s["size"] > 14 and s["text"] in title]
            chunks, miss, naive = 0, [], 0
            for p in art["paragraphs"]:
                q = nows(p)
                if not covered(q, seg_texts):
                    miss.append(("whole paragraph", q[:20]))
                for i in range(0, max(1, len(q) - 19), 10):
                    ch = q[i:i + 20]
                    chunks += 1
                    naive += ch in flat
                    if not covered(ch, seg_texts):
                        miss.append(("chunk", ch))
            status = "ok" if t_ok and not miss and big else "FAIL"
            if status == "FAIL":
                ok = False
            print(f"   [{status}] {art['from']}: title {'found' if t_ok else 'MISSING'}"
                  f" (large lines: {len(big)}), {chunks - len([m for m in miss if m[0] == 'chunk'])}"
                  f"/{chunks} 20-char chunks found as line chains; "
                  f"{naive}/{chunks} found verbatim in plain extract_text()")
            for m in miss[:5]:
                print("       missing", m)
        if extra is not None:
            known = [nows(x) for x in extra] + [nows(a["title"]) for a in exp["articles"]]
            known += [nows(p) for a in exp["articles"] for p in a["paragraphs"]]
            stray = [s for s in seg_texts if not any(s in k for k in known)]
            if stray:
                print(f"   note: {len(stray)} line pieces not inside one known string: {stray[:6]}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check existing PDFs")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    # each source article at most once over the whole set
    stems = [it["article"] for pg in PAGES for row in pg["rows"] for st in row
             for it in st["items"] if "article" in it]
    assert len(stems) == len(set(stems)), "an article is used twice"

    all_ok = True
    for page in PAGES:
        doc, expected, extra = build_page(page)
        if not args.check:
            html_path = OUT / f"{page['name']}.html"
            html_path.write_text(doc, encoding="utf-8")
            (OUT / f"{page['name']}.json").write_text(
                json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print_pdf(html_path, OUT / f"{page['name']}.pdf")
        all_ok &= check_page(page["name"], extra)
    print("ALL OK" if all_ok else "SOME CHECKS FAILED")
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
