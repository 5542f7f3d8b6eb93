"""The HTML report, rendered by a real browser: headless Chromium (Debian's package, which
`make test` installs where missing) loads the page from disk, with the network off."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def chromium(page: Path, profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_report_renders_its_graph_and_tables_in_chromium(
    lineage_db: str, run_cli, tmp_path: Path
):
    page = tmp_path / "report.html"
    assert run_cli("export", lineage_db, "--format", "html", "-o", page).exit_code == 0
    html = page.read_text()
    # Self-contained: nothing to fetch, nothing to run.
    assert not re.search(r"<script|<link|<img|src=|@import|url\(http", html)

    dom = chromium(page, tmp_path / "profile-dom", "--dump-dom")
    nodes = set(re.findall(r'data-node="([^"]+)"', dom))
    assert nodes == {
        "model:chat",
        "model:base-lm",
        "dataset:web@1",
        "dataset:web-clean@1",
        "dataset:notes@1",
    }
    assert dom.count('class="edge"') == 5  # filter, 2 + 1 trained on, fine-tune
    assert re.search(r"<td>commercial</td><td><span class=\"(allowed|blocked)\">", dom)
    assert "1.1 Provider identification" in dom  # the EU summary, as HTML

    shot = tmp_path / "report.png"
    chromium(page, tmp_path / "profile-shot", "--window-size=1200,900", f"--screenshot={shot}")
    picture = Image.open(shot).convert("RGB")
    assert picture.size == (1200, 900)
    colours = picture.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, boxes and lines, not a blank page
    dark_model = sum(count for count, rgb in colours if rgb == (0x3B, 0x5B, 0x8C))
    assert dark_model > 1000  # the model boxes were drawn
