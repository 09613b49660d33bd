"""The console's Brands tab in a real browser (issue 14): the owner logs an item for a brand, sees it
with its type and date, closes it; pastes a contract, reads the proposal and creates it, with its
invoice drafts. Right-to-left for a Hebrew-first influencer. Screenshot in $ARTIFACTS/screenshots."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, needs_chromium
from sqlalchemy import select

pytestmark = needs_chromium

HANDLE = "maya.glow"
CONTRACT = ("Signed agreement: Lumen Skin x Maya\n2 Instagram Reels due January 10, 2027 and January 20, 2027.\n"
            "Fee: 6,000 ILS + VAT. Payment: 50% upon signing, 50% within 30 days of publication.")


@pytest.fixture
def owner_token(server, db) -> str:
    from store import owners as owner_store
    from store.models import Tenant

    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.handle == HANDLE)).one()
        return owner_store.create_token(session=s, tenant_id=tenant.id, label="console")


def test_log_close_and_create_from_a_contract_in_the_brands_tab(server, browser, db, owner_token):
    from store.models import Invoice, Partnership

    page = browser.new_context(locale="he-IL").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/console")
    page.locator("#token").fill(owner_token)
    page.locator("#token").press("Enter")
    page.locator("nav [data-tab=brands]").click()
    page.locator("#log-brand option").nth(1).wait_for(state="attached")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"

    page.locator("#log-text").fill("they will pay the November fee by Dec 20, 2026")
    page.locator("#log-form button[type=submit]").click()
    item = page.locator("#list li[data-note]", has_text="November fee")
    item.wait_for()
    assert "כספי" in item.inner_text() and "2026-12-20" in item.inner_text()  # financial, in her language

    page.locator("#brief-text").fill(CONTRACT)
    page.locator("#brief-form button[type=submit]").click()
    page.locator("#brief-proposal", has_text="Lumen Skin").wait_for()
    assert "2 invoice drafts" in page.locator("#brief-proposal").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-brands.png"))
    page.locator("#brief-create").click()
    page.locator("#status", has_text="Lumen Skin").wait_for()

    item.locator("button").click()
    page.locator("#list li[data-note]", has_text="November fee").wait_for(state="detached")
    with db.admin_session() as s:
        lumen = s.scalars(select(Partnership).where(Partnership.brand == "Lumen Skin")).one()
        drafts = s.scalars(select(Invoice).where(Invoice.partnership_id == lumen.id)).all()
    assert lumen.status == "contract" and sorted(str(i.amount) for i in drafts) == ["3000.00", "3000.00"]
    assert errors == []  # no script error on the way
