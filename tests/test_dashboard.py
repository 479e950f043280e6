"""The digest dashboard (zonenlp.dashboard): the tables behind its charts, a page that works offline,
and a real browser that renders it — and that reports a page that does not render."""

import json
import re
import subprocess
import sys

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("plotly")

from conftest import ROOT  # noqa: E402
from zonenlp.dashboard import UNKNOWN_DATE, render_dashboard, rising_terms, theme_share_by_month, zones_by_theme  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from screenshot_report import find_chromium  # noqa: E402


def frame(rows):
    """A digest frame of ``(date, zones, paragraphs, share_investment, share_talent, keywords)`` rows."""
    return pd.DataFrame([{"source": f"p{n}.txt", "article": 1, "title": f"t{n}", "date": d, "zones": z,
                          "paragraphs": p, "share_investment": i, "share_talent": t, "keywords": k,
                          "themes": [name for name, share in (("investment", i), ("talent", t)) if share >= 0.2], "url": None,
                          "error": None} for n, (d, z, p, i, t, k) in enumerate(rows)])


DIGEST = frame([
    ("2024-03-02", ["甲高新区"], 4, 0.5, 0.25, ["签约", "人才公寓"]),
    ("2024-03-20", ["乙经开区"], 2, 0.0, 1.0, ["人才公寓"]),
    ("2024-04-01", ["甲高新区"], 2, 1.0, 0.0, ["签约", "算力", "人才公寓"]),
    ("2024-04-09", [], 2, 0.5, 0.0, ["算力", "签约"]),
    (None, ["乙经开区"], 3, 0.0, 0.0, ["算力"]),
])
LEDGER = pd.DataFrame([
    {"source": "p0.txt", "article": 1, "title": "t0", "date": "2024-03-02", "paragraph": 1, "kind": "签约",
     "amount_yuan": 3.9e9, "count": None, "counted": None, "approximate": False, "zone": "甲高新区",
     "counterpart": None, "figure": "39亿元", "sentence": "甲高新区签约39亿元。</script><b>", "start": 0, "end": 9,
     "url": None},
    {"source": "p0.txt", "article": 1, "title": "t0", "date": None, "paragraph": 1, "kind": "在谈",
     "amount_yuan": None, "count": 35.0, "counted": "项目", "approximate": False, "zone": "甲高新区",
     "counterpart": "深圳", "figure": "35个", "sentence": "在谈项目35个。", "start": 9, "end": 17, "url": None},
])


def test_theme_share_by_month_weighs_articles_by_their_paragraphs_and_keeps_unknown_dates_last():
    table = theme_share_by_month(DIGEST)
    assert table.index.tolist() == ["2024-03", "2024-04", UNKNOWN_DATE]
    assert table.loc["2024-03", "talent"] == pytest.approx((0.25 * 4 + 1.0 * 2) / 6)
    assert table.loc["2024-04", "investment"] == pytest.approx((1.0 * 2 + 0.5 * 2) / 4)
    assert table.loc[UNKNOWN_DATE].tolist() == [0.0, 0.0]
    assert theme_share_by_month(DIGEST, "乙经开区").index.tolist() == ["2024-03", UNKNOWN_DATE]


def test_zones_by_theme_ranks_zones_by_paragraphs_and_leaves_out_articles_without_a_zone():
    ranked = zones_by_theme(DIGEST)
    assert ranked["investment"].to_dict() == {"甲高新区": 4.0, "乙经开区": 0.0}
    assert ranked["talent"].index[0] == "乙经开区"


def test_error_rows_are_not_articles():
    with_error = pd.concat([DIGEST, frame([("2024-03-05", ["丙高新区"], 0, 0.0, 0.0, [])]).assign(error="cannot read")])
    assert zones_by_theme(with_error)["investment"].index.tolist() == ["甲高新区", "乙经开区"]


def test_rising_terms_compare_the_latest_month_with_the_month_before():
    terms = rising_terms(DIGEST)
    assert terms["term"].tolist() == ["算力", "签约"]  # 人才公寓 is in only one April article
    first = terms.iloc[0]
    assert (first["this_month"], first["last_month"], bool(first["new"])) == (2, 0, True)
    assert first["rise"] == pytest.approx(round((3 / 3) / (1 / 3), 2))
    assert rising_terms(DIGEST[DIGEST["date"] != "2024-04-01"].iloc[:2]).empty  # one month dated: no trend


def test_the_page_embeds_plotly_once_fetches_nothing_and_escapes_its_data():
    page = render_dashboard(DIGEST, LEDGER)
    assert page.count("plotly.js v") <= 2 and len(page) > 3_000_000  # the library's own banner, and its code
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page)
    assert "签约39亿元。<\\/script><b>" in page and "NaN," not in page.split("const LEDGER=")[1]
    assert page.count('class="plotly-graph-div"') == 4


chromium = pytest.mark.skipif(find_chromium() is None, reason="no Chromium (apt-get install chromium); .ci/run installs it")


@chromium
def test_the_dashboard_of_a_generated_archive_of_2000_pages_renders_in_headless_chromium(tmp_path):
    png = tmp_path / "dashboard.png"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot_dashboard.py"), "--pages", "2000",
                             "--jobs", "2", "--png", str(png)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"of 2000 articles and \d+ ledger entries in .*: 4 charts, no script errors", result.stdout)
    assert png.stat().st_size > 20_000


@chromium
@pytest.mark.parametrize("breakage, problem", [
    (None, None),  # the control: the page as rendered, with nothing wrong
    ("</body>", "<script>notDefinedAnywhere()</script></body>"),
    ('id="chart-zones"', 'id="chart-zones-gone"'),
    ("const LEDGER=", "const LEDGER=[].concat("),
])
def test_a_page_that_does_not_render_is_reported(tmp_path, breakage, problem):
    from screenshot_dashboard import WAIT_MS, problems_of
    from screenshot_report import browse

    page = tmp_path / "digest.html"
    html = render_dashboard(DIGEST, LEDGER)
    page.write_text(html if breakage is None else html.replace(breakage, problem, 1), encoding="utf-8")
    dom, _ = browse(find_chromium(), page, tmp_path, 800, 600, WAIT_MS)
    problems = problems_of(dom, len(LEDGER), len(DIGEST))
    assert (problems == []) == (breakage is None), problems


def test_the_month_chart_offers_every_zone_and_all_zones_together():
    page = render_dashboard(DIGEST, LEDGER)
    chart = page[page.index('"chart-themes"'):page.index('"chart-zones"')]
    labels = [json.loads(label) for label in re.findall(r'"label":("[^"]+"),"method":"restyle"', chart)]
    assert labels[0] == "all zones" and sorted(labels[1:]) == ["乙经开区", "甲高新区"]


def test_one_zone_written_two_ways_is_one_zone():
    aliases = frame([("2024-03-02", ["武进国家高新区"], 2, 1.0, 0.0, []), ("2024-03-09", ["武进高新区"], 2, 1.0, 0.0, [])])
    assert zones_by_theme(aliases)["investment"].to_dict() == {"武进高新区": 4.0}
