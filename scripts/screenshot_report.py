"""Render zonenlp's HTML report in headless Chromium; fail when it does not render.

Writes the report of PAGE, has Chromium load it from disk (no server, no
network), and checks what the browser built: the DOM it dumps must hold every
article and every paragraph of the analysis, and the screenshot must not be
blank. Exits 1 with the reason when a check fails, 2 when no Chromium is found.

    python scripts/screenshot_report.py [PAGE] [--png docs/report.png]

Chromium comes from Debian's packages: ``apt-get install chromium`` (and a CJK
font such as ``fonts-wqy-zenhei`` for a screenshot a person can read).
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGE = ROOT / "data" / "seed" / "page-2024-hitech-zones.txt"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browse(chromium: str, page: Path, work: Path, width: int, height: int, wait_ms: int = 0) -> tuple[str, bytes]:
    """The DOM Chromium builds from ``page`` (after its scripts ran, given ``wait_ms`` of virtual
    time) and a ``width`` × ``height`` screenshot of it (``b""`` if none was written), with a
    profile and the picture in the folder ``work``."""
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}",
               *([f"--virtual-time-budget={wait_ms}"] if wait_ms else [])]
    dom = subprocess.run([*command, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180).stdout
    shot = work / "shot.png"
    subprocess.run([*command, f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=180)
    return dom, shot.read_bytes() if shot.exists() else b""


def png_distinct_bytes(png: bytes) -> int:
    """How many distinct byte values the decompressed image data has (1 or 2 for a blank page)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return 0
    position, idat = 8, b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        if kind == b"IDAT":
            idat += png[position + 8 : position + 8 + length]
        position += 12 + length
    return len(set(zlib.decompress(idat)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", nargs="?", type=Path, default=SEED_PAGE)
    parser.add_argument("--png", type=Path, help="keep the screenshot here")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()

    import zonenlp
    from zonenlp.report import render_report

    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    model = zonenlp.load()
    analyses = zonenlp.analyze(args.page.read_text(encoding="utf-8"), model)
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        html.write_text(render_report(analyses, model.classes_.tolist(), source=args.page.name), encoding="utf-8")
        dom, png = browse(chromium, html, Path(tmp), args.width, args.height)
    problems = []
    n_paragraphs = sum(len(a.paragraphs) for a in analyses)
    rendered_paragraphs, rendered_articles = dom.count('class="para"'), dom.count("<article")
    if rendered_paragraphs != n_paragraphs:
        problems.append(f"the rendered DOM has {rendered_paragraphs} paragraphs, expected {n_paragraphs}")
    if rendered_articles != len(analyses):
        problems.append(f"the rendered DOM has {rendered_articles} articles, expected {len(analyses)}")
    for analysis in analyses:
        if analysis.title and analysis.title not in dom:
            problems.append(f"title missing from the rendered DOM: {analysis.title}")
    distinct = png_distinct_bytes(png)
    if distinct < 16:
        problems.append(f"the screenshot is blank or missing ({len(png)} bytes, {distinct} distinct values)")
    if problems:
        print("report did not render:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if args.png:
        args.png.parent.mkdir(parents=True, exist_ok=True)
        args.png.write_bytes(png)
    print(f"rendered {len(analyses)} articles and {n_paragraphs} paragraphs in {Path(chromium).name}"
          + (f"; screenshot {args.png}" if args.png else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
