"""The digest of an archive as one self-contained HTML dashboard, and the tables behind its charts.

:func:`render_dashboard` takes :func:`zonenlp.digest`'s and :func:`zonenlp.ledger`'s frames
and returns one HTML page that opens offline (plotly.js is embedded): theme share by
month, for all zones or one of the :data:`SELECTABLE_ZONES` most written about; the zones
most active per theme; investment announced by quarter; the ledger as a sortable,
filterable table with totals; terms new or rising in the latest month against the month
before; and the articles, each linked to its source.
Articles with no date found are counted as "date unknown" in every view.

The tables are functions of their own, for analysts who want the numbers rather than the
page: :func:`theme_share_by_month`, :func:`zones_by_theme`, :func:`rising_terms`.

Needs pandas and plotly: ``pip install "zonenlp[digest]"``.

>>> import pandas as pd
>>> frame = pd.DataFrame({"date": ["2024-03-02", "2024-03-20", None], "zones": [["甲高新区"], [], []],
...                       "paragraphs": [4, 2, 3], "share_talent": [0.5, 1.0, 0.0], "error": [None] * 3})
>>> theme_share_by_month(frame)["talent"].round(3).to_dict()
{'2024-03': 0.667, 'date unknown': 0.0}
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from .errors import MissingDependencyError

__all__ = ["render_dashboard", "write_dashboard", "write_csv", "plotly_for", "theme_share_by_month", "zones_by_theme", "rising_terms",
           "UNKNOWN_DATE", "UNKNOWN_ZONE"]

#: The month, quarter or period of an article whose date was not found.
UNKNOWN_DATE = "date unknown"
#: The zone of an article that names none.
UNKNOWN_ZONE = "zone unknown"
#: Zones offered in the month chart's selector: the most written about.
SELECTABLE_ZONES = 40
THEME_NAMES = {"investment": "招商引资 investment", "environment": "营商环境 environment",
               "talent": "人才 talent", "outreach": "科普 outreach"}


def plotly_for(what: str) -> tuple[Any, Any, Any]:
    """plotly's ``graph_objects``, ``make_subplots`` and ``offline``, or an error naming the
    extra that brings them, for ``what`` needs them."""
    try:
        import plotly.graph_objects as go
        import plotly.offline
        from plotly.subplots import make_subplots
    except ImportError:
        raise MissingDependencyError(f'{what} needs plotly: pip install "zonenlp[digest]"') from None
    return go, make_subplots, plotly.offline


def _plotly() -> tuple[Any, Any, Any]:
    return plotly_for("the dashboard")


def _themes(digest: Any) -> list[str]:
    return [c.removeprefix("share_") for c in digest.columns if c.startswith("share_")]


def _read(digest: Any) -> Any:
    """The articles read (no error rows), with ``month`` and main ``zone`` (the most named,
    by :func:`zonenlp.archive.zone_key`: 武进国家高新区 and 武进高新区 are one zone)."""
    from .archive import zone_key

    read = digest[digest["error"].isna()] if "error" in digest.columns else digest
    return read.assign(
        month=[d[:7] if isinstance(d, str) and d else UNKNOWN_DATE for d in read["date"]],
        zone=[zone_key(z[0]) if len(z) else UNKNOWN_ZONE for z in read["zones"]],
    )


def theme_share_by_month(digest: Any, zone: str | None = None) -> Any:
    """For each month (``YYYY-MM``, then :data:`UNKNOWN_DATE`), the share of paragraphs carrying
    each theme, over the articles of ``zone`` (their most named zone) or of all zones."""
    return _share_by_month(_read(digest), _themes(digest), zone)


def _share_by_month(read: Any, themes: list[str], zone: str | None) -> Any:
    if zone is not None:
        read = read[read["zone"] == zone]
    weighted = read[[f"share_{t}" for t in themes]].mul(read["paragraphs"], axis=0)
    weighted.columns = themes
    sums = weighted.groupby(read["month"]).sum()
    table = sums.div(read.groupby("month")["paragraphs"].sum().clip(lower=1), axis=0)
    return table.loc[sorted(table.index, key=lambda m: (m == UNKNOWN_DATE, m))]


def zones_by_theme(digest: Any, top: int = 10) -> dict[str, Any]:
    """For each theme, the ``top`` zones by paragraphs carrying it (a Series, largest first)."""
    return _zones_by_theme(_read(digest), _themes(digest), top)


def _zones_by_theme(read: Any, themes: list[str], top: int) -> dict[str, Any]:
    read = read[read["zone"] != UNKNOWN_ZONE]
    return {theme: read[f"share_{theme}"].mul(read["paragraphs"]).groupby(read["zone"]).sum().round()
            .sort_values(ascending=False).head(top) for theme in themes}


def rising_terms(digest: Any, top: int = 20) -> Any:
    """The keywords of the latest month against the month before: for each term, the articles
    that have it among their keywords in each, whether it is ``new`` (in none the month before)
    and ``rise``, its share of this month's articles over its share of the last month's (both
    counted one more, so that a term seen once is not a trend). The ``top`` terms by rise, among
    those in at least two articles this month; empty when fewer than two months are dated."""
    return _rising_terms(_read(digest), top)


def _rising_terms(read: Any, top: int) -> Any:
    pd = _pandas()
    months = sorted(m for m in set(read["month"]) if m != UNKNOWN_DATE)
    columns = ["term", "this_month", "last_month", "new", "rise"]
    if len(months) < 2:
        return pd.DataFrame(columns=columns)
    now, before = (read[read["month"] == m] for m in months[-2:][::-1])
    counts = [pd.Series([t for terms in frame["keywords"] for t in dict.fromkeys(terms)]).value_counts()
              for frame in (now, before)]
    table = pd.DataFrame({"this_month": counts[0], "last_month": counts[1]}).fillna(0).astype(int)
    table = table[table["this_month"] >= 2]
    table["new"] = table["last_month"] == 0
    table["rise"] = ((table["this_month"] + 1) / (len(now) + 1)) / ((table["last_month"] + 1) / (len(before) + 1))
    table = table.sort_values(["rise", "this_month"], ascending=False).head(top)
    return table.rename_axis("term").reset_index()[columns].assign(rise=lambda t: t["rise"].round(2))


def _pandas() -> Any:
    from .archive import pandas_for

    return pandas_for("the dashboard")


def _month_chart(read: Any, themes: list[str]) -> Any:
    go, _, _ = _plotly()
    zones = [None, *read.loc[read["zone"] != UNKNOWN_ZONE, "zone"].value_counts().index[:SELECTABLE_ZONES]]
    tables = [_share_by_month(read, themes, zone) for zone in zones]
    figure = go.Figure([go.Scatter(x=tables[0].index.tolist(), y=tables[0][theme].round(3).tolist(),
                                   name=THEME_NAMES.get(theme, theme), mode="lines+markers")
                        for theme in tables[0].columns])
    buttons = [{"label": zone or "all zones", "method": "restyle",
                "args": [{"x": [table.index.tolist()] * len(table.columns),
                          "y": [table[t].round(3).tolist() for t in table.columns]}]}
               for zone, table in zip(zones, tables)]
    figure.update_layout(
        updatemenus=[{"buttons": buttons, "x": 0, "xanchor": "left", "y": 1.18, "yanchor": "top"}],
        yaxis={"title": "share of paragraphs", "tickformat": ".0%"}, xaxis={"type": "category"},
        margin={"t": 70}, legend={"orientation": "h", "y": -0.2},
    )
    return figure


def _zones_chart(read: Any, themes: list[str]) -> Any:
    go, make_subplots, _ = _plotly()
    ranked = _zones_by_theme(read, themes, 10)
    figure = make_subplots(rows=1, cols=len(ranked), subplot_titles=[THEME_NAMES.get(t, t) for t in ranked],
                           horizontal_spacing=0.09)
    for column, series in enumerate(ranked.values(), 1):
        figure.add_trace(go.Bar(x=series.values[::-1].tolist(), y=series.index[::-1].tolist(), orientation="h",
                                showlegend=False), row=1, col=column)
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40}, xaxis_title="paragraphs")
    return figure


def _quarter_chart(ledger: Any) -> Any:
    go, _, _ = _plotly()
    amounts = ledger[ledger["amount_yuan"].notna()]
    quarters = [f"{d[:4]}Q{(int(d[5:7]) - 1) // 3 + 1}" if isinstance(d, str) and d else UNKNOWN_DATE
                for d in amounts["date"]]
    table = (amounts["amount_yuan"] / 1e8).groupby([quarters, amounts["kind"]]).sum().unstack(fill_value=0)
    table = table.loc[sorted(table.index, key=lambda q: (q == UNKNOWN_DATE, q))]
    figure = go.Figure([go.Bar(x=table.index.tolist(), y=table[kind].round(2).tolist(), name=kind)
                        for kind in table.columns])
    figure.update_layout(barmode="stack", yaxis_title="亿元", xaxis={"type": "category"})
    return figure


def _terms_chart(terms: Any) -> Any:
    go, _, _ = _plotly()
    figure = go.Figure(go.Bar(x=terms["rise"].tolist()[::-1], y=terms["term"].tolist()[::-1], orientation="h",
                              text=["new" if new else "" for new in terms["new"]][::-1], textposition="outside"))
    figure.update_layout(xaxis_title="share this month ÷ share last month", margin={"l": 10})
    return figure


def _links(frame: Any) -> list[str | None]:
    """Where each row's article can be read again: its URL, else its file (each file looked up once)."""
    files = {}
    for source in set(frame["source"]):
        path = Path(str(source))
        files[source] = path.resolve().as_uri() if path.suffix and path.exists() else None
    return [url if isinstance(url, str) and url else files[source] for source, url in zip(frame["source"], frame["url"])]


def _json(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(data, ensure_ascii=False, default=str).replace("</", "<\\/")


def render_dashboard(digest: Any, ledger: Any, *, title: str = "zonenlp digest") -> str:
    """One self-contained HTML page of the digest and the ledger (see the module's documentation)."""
    from .archive import zone_key

    _, _, offline = _plotly()
    read, themes = _read(digest), _themes(digest)
    dated = sorted(d for d in read["date"] if isinstance(d, str) and d)
    terms = _rising_terms(read, 20)
    charts = [
        ("themes", "Theme share by month", _month_chart(read, themes), 460),
        ("zones", "Zones most active per theme", _zones_chart(read, themes), 420),
        ("quarters", "Investment announced by quarter (ledger amounts, 亿元)", _quarter_chart(ledger), 380),
        ("terms", f"Terms new or rising in {dated[-1][:7] if dated else 'the latest month'}", _terms_chart(terms), 460),
    ]
    sections = "\n".join(
        f'<section><h2>{html.escape(heading)}</h2>'
        + figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{name}", default_height=f"{height}px",
                         config={"displaylogo": False, "responsive": True})
        + "</section>" for name, heading, figure, height in charts)
    ledger = ledger.astype(object).where(ledger.notna(), None)  # NaN is no JSON: an empty cell is null
    ledger["zone"] = [zone_key(z) if z else z for z in ledger["zone"]]
    ledger_rows = [{"date": r.date, "zone": r.zone, "kind": r.kind, "amount": r.amount_yuan, "count": r.count,
                    "counted": r.counted, "counterpart": r.counterpart, "sentence": r.sentence, "link": link}
                   for r, link in zip(ledger.itertuples(index=False), _links(ledger))]
    read = read.astype(object).where(read.notna(), None)
    articles = [{"date": r["date"], "title": r["title"] or "(no headline)", "zone": r["zone"],
                 "themes": " ".join(r["themes"]), "keywords": "、".join(r["keywords"][:6]), "link": link}
                for r, link in zip(read.to_dict("records"), _links(read))]
    failed = int(digest["error"].notna().sum()) if "error" in digest.columns else 0
    facts = (f"{len(read):,} articles from {digest['source'].nunique():,} sources, "
             f"{dated[0] if dated else '–'} to {dated[-1] if dated else '–'}; "
             f"{(read['month'] == UNKNOWN_DATE).sum():,} date unknown; {len(ledger):,} ledger entries; "
             f"{failed:,} failed to read")
    return _PAGE.format(
        title=html.escape(title), facts=html.escape(facts), plotly=offline.get_plotlyjs(), sections=sections,
        ledger=_json(ledger_rows), articles=_json(articles), script=_SCRIPT, style=_STYLE,
    )


def write_dashboard(path: str | Path, digest: Any, ledger: Any, *, title: str = "zonenlp digest") -> Path:
    """Write :func:`render_dashboard` to ``path`` (UTF-8) and return it. The page is written
    beside it first and then renamed, so that an interrupted write leaves any earlier one whole."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    part.write_text(render_dashboard(digest, ledger, title=title), encoding="utf-8")
    os.replace(part, path)
    return path


def write_csv(folder: str | Path, digest: Any, ledger: Any) -> list[Path]:
    """Write ``folder/digest.csv`` and ``folder/ledger.csv`` (UTF-8 with a BOM, which Excel
    needs to read Chinese), a list in a cell written as its items joined by ``;``; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("digest", digest), ("ledger", ledger)):
        joined = frame.apply(lambda column: column.map(lambda v: ";".join(map(str, v)) if isinstance(v, list) else v))
        joined.to_csv(path := folder / f"{name}.csv", index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths


_STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","PingFang SC",sans-serif;margin:0 2rem 3rem;color:#222}
h1{margin-bottom:.2rem} .facts{color:#555;margin-top:0} section{margin:1.5rem 0}
.controls{display:flex;gap:.6rem;flex-wrap:wrap;margin:.5rem 0} .controls input{min-width:18rem}
table{border-collapse:collapse;width:100%;font-size:13px} th{cursor:pointer;background:#f0f2f5;position:sticky;top:0}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
td.num,td:first-child{text-align:right;white-space:nowrap} td:nth-child(3){white-space:nowrap} tfoot td{font-weight:bold;background:#fafafa}
.scroll{max-height:520px;overflow:auto} .note{color:#666;font-size:12px}
"""

# Records every script error and console.error on the page itself, so that a headless
# browser's dump of the DOM shows whether the page worked (scripts/screenshot_dashboard.py).
_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<script>window.zonenlpErrors=[];window.addEventListener("error",e=>zonenlpErrors.push(String(e.message)));
(function(){{const log=console.error;console.error=function(...a){{zonenlpErrors.push(a.join(" "));log.apply(console,a);}};}})();</script>
<style>{style}</style>
<script>{plotly}</script>
</head><body>
<h1>{title}</h1><p class="facts">{facts}</p>
{sections}
<section><h2>Investment ledger</h2>
<div class="controls"><input id="ledger-filter" placeholder="filter: any text, e.g. 签约 or a company">
<select id="ledger-zone"><option value="">all zones</option></select>
<select id="ledger-kind"><option value="">all kinds</option></select></div>
<p class="note">Click a column to sort. Totals are of the rows shown. Each sentence links to its source.</p>
<div class="scroll"><table id="ledger"><thead><tr><th data-key="date">date</th><th data-key="zone">zone</th>
<th data-key="kind">kind</th><th data-key="amount">amount (亿元)</th><th data-key="count">count</th>
<th data-key="counted">of</th><th data-key="counterpart">counterpart</th><th data-key="sentence">sentence</th></tr></thead>
<tbody></tbody><tfoot><tr><td colspan="3" id="ledger-rows"></td><td class="num" id="ledger-amount"></td>
<td class="num" id="ledger-count"></td><td colspan="3"></td></tr></tfoot></table></div></section>
<section><h2>Articles</h2>
<div class="controls"><input id="article-filter" placeholder="filter: zone, theme, keyword, headline"></div>
<p class="note" id="article-note"></p>
<div class="scroll"><table id="articles"><thead><tr><th data-key="date">date</th><th data-key="title">headline</th>
<th data-key="zone">zone</th><th data-key="themes">themes</th><th data-key="keywords">keywords</th></tr></thead>
<tbody></tbody></table></div></section>
<script>const LEDGER={ledger};const ARTICLES={articles};{script}</script>
</body></html>
"""

_SCRIPT = """
function cell(row,text,cls){const td=row.insertCell();td.textContent=text??"";if(cls)td.className=cls;return td;}
function linked(td,link){if(!link)return;const a=document.createElement("a");a.href=link;a.textContent=td.textContent;
td.textContent="";td.appendChild(a);}
function sortable(table,state,draw){table.querySelectorAll("th").forEach(th=>th.addEventListener("click",()=>{
state.dir=state.key===th.dataset.key?-state.dir:1;state.key=th.dataset.key;draw();}));}
function sorted(rows,state){if(!state.key)return rows;const k=state.key;return rows.slice().sort((a,b)=>{
const x=a[k],y=b[k];if(x===y)return 0;if(x===null||x===undefined)return 1;if(y===null||y===undefined)return -1;
return (x<y?-1:1)*state.dir;});}
const fmt=new Intl.NumberFormat("en",{maximumFractionDigits:2});
const ledgerState={key:"date",dir:-1};
function options(id,values){const s=document.getElementById(id);[...new Set(values)].filter(v=>v).sort()
.forEach(v=>s.add(new Option(v,v)));s.addEventListener("change",drawLedger);}
function drawLedger(){const q=document.getElementById("ledger-filter").value.trim();
const zone=document.getElementById("ledger-zone").value,kind=document.getElementById("ledger-kind").value;
const rows=sorted(LEDGER.filter(r=>(!zone||r.zone===zone)&&(!kind||r.kind===kind)&&(!q||
Object.values(r).some(v=>v!==null&&String(v).includes(q)))),ledgerState);
const body=document.querySelector("#ledger tbody");body.replaceChildren();let amount=0,count=0;
for(const r of rows){const tr=body.insertRow();cell(tr,r.date||"date unknown");cell(tr,r.zone);cell(tr,r.kind);
cell(tr,r.amount===null?"":fmt.format(r.amount/1e8),"num");cell(tr,r.count===null?"":fmt.format(r.count),"num");
cell(tr,r.counted);cell(tr,r.counterpart);linked(cell(tr,r.sentence),r.link);amount+=r.amount||0;count+=r.count||0;}
document.getElementById("ledger-rows").textContent=`${rows.length} of ${LEDGER.length} entries`;
document.getElementById("ledger-amount").textContent=fmt.format(amount/1e8);
document.getElementById("ledger-count").textContent=fmt.format(count);}
const articleState={key:"date",dir:-1},SHOWN=300;
function drawArticles(){const q=document.getElementById("article-filter").value.trim();
const rows=sorted(ARTICLES.filter(r=>!q||Object.values(r).some(v=>v!==null&&String(v).includes(q))),articleState);
const body=document.querySelector("#articles tbody");body.replaceChildren();
for(const r of rows.slice(0,SHOWN)){const tr=body.insertRow();cell(tr,r.date||"date unknown");
linked(cell(tr,r.title),r.link);cell(tr,r.zone);cell(tr,r.themes);cell(tr,r.keywords);}
document.getElementById("article-note").textContent=`${rows.length} of ${ARTICLES.length} articles match`+
(rows.length>SHOWN?`; the first ${SHOWN} shown: filter to narrow`:"");}
options("ledger-zone",LEDGER.map(r=>r.zone));options("ledger-kind",LEDGER.map(r=>r.kind));
document.getElementById("ledger-filter").addEventListener("input",drawLedger);
document.getElementById("article-filter").addEventListener("input",drawArticles);
sortable(document.getElementById("ledger"),ledgerState,drawLedger);
sortable(document.getElementById("articles"),articleState,drawArticles);
drawLedger();drawArticles();
window.addEventListener("load",()=>{document.body.dataset.errors=JSON.stringify(zonenlpErrors);
document.body.dataset.charts=document.querySelectorAll(".plotly-graph-div .main-svg").length>0?
String(new Set([...document.querySelectorAll(".plotly-graph-div .main-svg")].map(s=>s.closest(".plotly-graph-div").id)).size):"0";});
"""
