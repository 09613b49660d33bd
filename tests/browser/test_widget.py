"""The widget in a real headless Chromium (Debian's, driven by Playwright), against the real app
served by uvicorn with the real agent and the demo influencer, the clock frozen at the bundles' day.

Screenshots go to $ARTIFACTS/screenshots (artifacts/ by default)."""

from __future__ import annotations

import threading
import time

import pytest
from browser_support import SHOTS, ask, last_bot, needs_chromium
from sqlalchemy import select

pytestmark = needs_chromium


def _copied_codes(db) -> list[str]:
    from store.models import Coupon, CouponEvent

    with db.admin_session() as s:
        return list(
            s.scalars(
                select(Coupon.code)
                .join(CouponEvent, CouponEvent.coupon_id == Coupon.id)
                .where(CouponEvent.kind == "copied", CouponEvent.conversation_id.isnot(None))
            )
        )


def test_hebrew_coupon_rtl_copy_reload_and_reconnect(server, browser, db):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="he-IL", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + "/")
    launcher = page.locator("button.launcher")
    launcher.wait_for()
    assert launcher.get_attribute("aria-label").startswith("צ'אט עם")
    launcher.click()
    panel = page.locator("section.panel")
    assert panel.get_attribute("dir") == "rtl" and launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => document.querySelector('[data-influencer-os]').shadowRoot.activeElement.id") == (
        "ios-input"
    )  # focus moves into the chat

    ask(page, "יש קוד לסילקה?")
    reply = last_bot(page)
    page.wait_for_function(
        "() => [...document.querySelector('[data-influencer-os]').shadowRoot.querySelectorAll('.card .code')]"
        ".some(c => c.textContent === 'SILKA20')"
    )
    assert "SILKA20" in reply.inner_text()
    assert reply.get_attribute("dir") == "rtl"
    assert reply.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # The host page's loud button styles do not leak into the shadow DOM.
    assert page.locator("button.send").evaluate("el => getComputedStyle(el).fontSize") != "30px"

    card = page.locator(".card", has_text="SILKA20")
    card.locator("button.copy").click()
    page.wait_for_function(
        "() => document.querySelector('[data-influencer-os]').shadowRoot.querySelector('.copy.done') !== null"
    )
    assert page.evaluate("() => navigator.clipboard.readText()") == "SILKA20"
    deadline = time.monotonic() + 10
    while "SILKA20" not in _copied_codes(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _copied_codes(db) == ["SILKA20"]
    page.screenshot(path=str(SHOTS / "widget-hebrew-coupon.png"))

    # Reload: the conversation is still there (same bubbles, same card), panel open again.
    page.reload()
    page.locator(".msg.user", has_text="יש קוד לסילקה?").wait_for()
    assert "SILKA20" in last_bot(page).inner_text()
    assert page.locator(".card .code", has_text="SILKA20").count() == 1
    assert page.locator(".msg.user").count() == 1

    # A dropped connection: the server answers, the page never sees it, the widget retries with the
    # same client_message_id and shows the stored reply once.
    dropped = {"n": 0}

    def drop_first(route):
        if dropped["n"] == 0:
            dropped["n"] += 1
            route.fetch()  # the request reaches the server and the turn is stored
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/messages/stream*", drop_first)
    ask(page, "and for velora?")
    page.locator(".msg.bot .bubble", has_text="MAYA15").wait_for(timeout=20000)
    time.sleep(0.5)
    assert dropped["n"] == 1
    assert page.locator(".msg.bot .bubble", has_text="MAYA15").count() == 1
    assert page.locator(".msg.user", has_text="and for velora?").count() == 1
    from store.models import Message

    with db.admin_session() as s:
        texts = list(s.scalars(select(Message.content).where(Message.direction == "in").order_by(Message.id)))
    assert texts == ["יש קוד לסילקה?", "and for velora?"]  # stored once each
    english = page.locator(".msg.bot .bubble", has_text="MAYA15")
    assert english.get_attribute("dir") == "ltr"  # direction per message

    # Keyboard: Escape closes and gives focus back to the launcher.
    page.locator("#ios-input").press("Escape")
    assert panel.is_hidden() and launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate(
        "() => document.querySelector('[data-influencer-os]').shadowRoot.activeElement.className"
    ).startswith("launcher")
    context.close()


def test_usable_on_a_360px_phone(server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server + "/")
    page.locator("button.launcher").click()
    panel = page.locator("section.panel")
    box = panel.bounding_box()
    assert box["width"] <= 360 and box["x"] >= 0
    page.locator("button.chip").first.click()  # "קודים"
    reply = last_bot(page)
    assert "SILKA20" in reply.inner_text() or "MAYA15" in reply.inner_text()
    for selector in ("button.send", "button.close", "button.copy"):
        size = page.locator(selector).first.bounding_box()
        assert size["height"] >= 36  # big enough to tap
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.screenshot(path=str(SHOTS / "widget-360px.png"))
    context.close()


@pytest.fixture
def other_site(server):
    """A page on another origin that embeds the widget from the app's origin."""
    import http.server

    html = (
        "<!doctype html><html><body><h1>someone else's site</h1>"
        f'<script src="{server}/widget.js" data-influencer="maya.glow" defer></script></body></html>'
    ).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            return None

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{site.server_address[1]}"
    site.shutdown()


def _conversations(db) -> int:
    from sqlalchemy import func

    from store.models import Conversation

    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(Conversation))


def test_a_page_on_another_origin_cannot_use_the_widget_until_allowed(server, other_site, browser, db):
    from store.models import Tenant

    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "CORS" in m.text else None)
    page.goto(other_site + "/")
    page.locator("button.launcher").click()
    ask(page, "hi")
    time.sleep(3)
    assert _conversations(db) == 0  # the browser refused: nothing was created or stored
    assert page.locator(".msg.bot:not(.intro) .bubble").count() == 0
    assert refused, "the browser should report the CORS refusal"
    context.close()

    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.handle == "maya.glow")).one()
        tenant.settings = {**(tenant.settings or {}), "allowed_origins": [other_site]}
    context = browser.new_context()
    page = context.new_page()
    page.goto(other_site + "/")
    page.locator("button.launcher").click()
    ask(page, "יש קוד לסילקה?")
    assert "SILKA20" in last_bot(page).inner_text()
    context.close()
