"""Browser test fixtures: the real app served by uvicorn (demo influencer, frozen clock) and headless
Debian Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import threading
import time

import pytest
from browser_support import ARGS, CHROMIUM, NOW, free_port


@pytest.fixture
def server(db):
    """The real app (serve --demo) on a free port, in a thread."""
    import uvicorn

    from channels.app import create_app

    app = create_app(demo=True, database=db, overrides={"clock": lambda: NOW, "digest_every": 1e9})
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2)
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    """Headless Debian Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
