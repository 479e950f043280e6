"""Render zonenlp's digest dashboard in headless Chromium; fail when it does not render.

Digests ARCHIVE (default: an archive of --pages pages made by scripts/make_archive.py),
writes the dashboard, has Chromium load it from disk (no server, no network) and checks
what the browser built: no script error or console error on the page (the page records
them itself), all four charts drawn by plotly, the ledger table holding every ledger entry
and the articles table every article, and a screenshot that is not blank. Exits 1 with the
reasons when a check fails, 2 when no Chromium is found.

    python scripts/screenshot_dashboard.py [ARCHIVE] [--pages 150] [--png docs/dashboard.png]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot_report import browse, find_chromium, png_distinct_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHARTS = 4


#: Virtual time Chromium gives the page's scripts before it dumps the DOM, in ms.
WAIT_MS = 15000


def problems_of(dom: str, entries: int, articles: int) -> list[str]:
    """What is wrong with the rendered dashboard ``dom`` of a digest with ``entries`` ledger
    entries and ``articles`` articles (empty when it rendered)."""
    problems = []
    errors = re.search(r'<body[^>]*data-errors="([^"]*)"', dom)
    if errors is None:
        problems.append("the page never finished loading (no data-errors on <body>)")
    elif json.loads(unescape(errors.group(1))):
        problems.append(f"script errors: {json.loads(unescape(errors.group(1)))}")
    charts = re.search(r'data-charts="(\d+)"', dom)
    if charts is None or int(charts.group(1)) != CHARTS:
        problems.append(f"{charts.group(1) if charts else 'no'} charts drawn, expected {CHARTS}")
    shown = re.search(r'id="ledger-rows">(\d+) of (\d+) entries', dom)
    if shown is None or int(shown.group(1)) != entries or int(shown.group(2)) != entries:
        problems.append(f"ledger table: {shown.group(0) if shown else 'no rows line'}, expected {entries} entries")
    match = re.search(r'id="article-note">(\d+) of (\d+) articles', dom)
    if match is None or int(match.group(2)) != articles:
        problems.append(f"articles table: {match.group(0) if match else 'no note'}, expected {articles} articles")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", nargs="?", type=Path, help="a folder of pages (default: a new archive of --pages)")
    parser.add_argument("--pages", type=int, default=150, help="pages of the archive made without ARCHIVE (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the digest (default: %(default)s)")
    parser.add_argument("--png", type=Path, help="keep the screenshot here")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args()

    from zonenlp.archive import read_archive
    from zonenlp.dashboard import write_dashboard

    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        archive = args.archive
        if archive is None:
            archive = Path(tmp) / "archive"
            subprocess.run([sys.executable, str(ROOT / "scripts" / "make_archive.py"), str(archive),
                            "--pages", str(args.pages)], check=True, capture_output=True)
        read = read_archive(archive, n_jobs=args.jobs)
        page = write_dashboard(Path(tmp) / "digest.html", read.digest, read.ledger)
        dom, png = browse(chromium, page, Path(tmp), args.width, args.height, WAIT_MS)
    problems = problems_of(dom, len(read.ledger), read.summary.articles)
    if png_distinct_bytes(png) < 16:
        problems.append(f"the screenshot is blank or missing ({len(png)} bytes)")
    if problems:
        print("dashboard did not render:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if args.png:
        args.png.parent.mkdir(parents=True, exist_ok=True)
        args.png.write_bytes(png)
    print(f"rendered the dashboard of {read.summary.articles} articles and {len(read.ledger)} ledger entries in "
          f"{Path(chromium).name}: {CHARTS} charts, no script errors" + (f"; screenshot {args.png}" if args.png else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
