"""The report rendered by a real browser: scripts/screenshot_report.py fails when it does not render."""

import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from screenshot_report import find_chromium, png_distinct_bytes  # noqa: E402


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (apt-get install chromium); .ci/run installs it")
def test_report_renders_in_headless_chromium(tmp_path):
    png = tmp_path / "report.png"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshot_report.py"), "--png", str(png)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "6 articles and 50 paragraphs" in result.stdout
    assert png_distinct_bytes(png.read_bytes()) >= 16


def test_blank_image_is_detected():
    import struct
    import zlib

    def png(rows: bytes) -> bytes:
        chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
        header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")

    assert png_distinct_bytes(png(b"\x00\xff\xff\x00\xff\xff")) <= 2
    assert png_distinct_bytes(png(bytes(range(64)))) == 64
    assert png_distinct_bytes(b"not a png") == 0
