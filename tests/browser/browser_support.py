"""What the browser tests share: Debian's headless Chromium, the frozen day, the screenshot folder, and
the widget's two moves (ask, read the last reply). Fixtures (`server`, `browser`) are in conftest.py."""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# `make test` (and so CI) installs Chromium and sets REQUIRE_BROWSER=1: there a missing browser fails
# the run instead of skipping the widget's only end-to-end test; `pytest tests` elsewhere may skip.
if not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER") == "1":
    raise RuntimeError("REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium chromium-driver)")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium chromium-driver)"
)

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)  # Monday 10:00 in Jerusalem: SILKA20 is valid
REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("ARTIFACTS", REPO / "artifacts")) / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(page, text: str) -> None:
    box = page.locator("#ios-input")
    box.fill(text)
    box.press("Enter")


def last_bot(page):
    bubble = page.locator(".msg.bot:not(.intro):not(.typing) .bubble[aria-busy=false]").last
    bubble.wait_for(timeout=20000)
    return bubble


