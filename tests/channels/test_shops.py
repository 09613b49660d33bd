"""Shopify order webhooks: signed with her secret, a code of hers becomes a redemption (once), a
cancellation takes it back, an unknown code is kept for the owner, a bad signature stores nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from channel_support import HANDLE
from sqlalchemy import func, select

from channels.shops import connect
from store.models import CouponEvent, Event

SECRET = "shpss_test_secret_123"
# Shaped like Shopify's documented orders/create payload (fields we read, and some we do not).
ORDER = {
    "id": 820982911946154508, "name": "#9999", "email": "jon@example.com", "created_at": "2026-11-23T10:00:00+02:00",
    "currency": "ILS", "total_price": "398.00", "subtotal_price": "398.00",
    "discount_codes": [{"code": "SILKA20", "amount": "99.50", "type": "percentage"}],
    "line_items": [{"title": "Silk Repair Mask", "quantity": 2, "price": "248.75"}],
    "customer": {"phone": "+972501234567"},
}


def _post(client, body: dict, *, secret: str = SECRET, topic: str = "orders/create", handle: str = HANDLE):
    raw = json.dumps(body).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
    return client.post(f"/webhooks/shopify/{handle}", content=raw,
                       headers={"X-Shopify-Hmac-Sha256": signature, "X-Shopify-Topic": topic,
                                "Content-Type": "application/json"})


def _redemptions(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(CouponEvent).where(CouponEvent.kind == "redeemed",
                                                                             CouponEvent.order_id == str(ORDER["id"])))


def test_a_signed_order_with_her_code_is_recorded_once_and_a_cancellation_takes_it_back(client, demo_db):
    connect(demo_db, HANDLE, "shopify", SECRET)
    first = _post(client, ORDER)
    assert first.status_code == 200 and first.json()["created"] == 1
    assert _post(client, ORDER).json()["already_there"] == 1  # Shopify retries: once
    assert _redemptions(demo_db) == 1
    with demo_db.admin_session() as s:
        row = s.scalars(select(CouponEvent).where(CouponEvent.order_id == str(ORDER["id"]))).one()
        assert str(row.order_amount) == "398.00" and row.items == 2 and row.products == ["Silk Repair Mask"]
    cancelled = _post(client, {"id": ORDER["id"]}, topic="orders/cancelled")
    assert cancelled.json() == {"removed": 1} and _redemptions(demo_db) == 0


def test_a_bad_signature_or_an_unknown_influencer_stores_nothing(client, demo_db):
    connect(demo_db, HANDLE, "shopify", SECRET)
    forged = _post(client, ORDER, secret="someone-elses-secret")
    assert forged.status_code == 401 and "X-Shopify-Hmac-Sha256" in forged.json()["detail"]
    assert _post(client, ORDER, handle="nobody.here").status_code == 404
    unsigned = client.post(f"/webhooks/shopify/{HANDLE}", content=json.dumps(ORDER).encode())
    assert unsigned.status_code == 401
    assert _redemptions(demo_db) == 0


def test_a_code_that_is_not_hers_is_kept_for_the_owner(client, demo_db):
    connect(demo_db, HANDLE, "shopify", SECRET)
    order = {**ORDER, "id": 1001, "discount_codes": [{"code": "WHOKNOWS5"}]}
    assert _post(client, order).json()["created"] == 0
    with demo_db.admin_session() as s:
        event = s.scalars(select(Event).where(Event.kind == "redemption_unmatched")).one()
        assert event.payload["code"] == "WHOKNOWS5" and "jon@example.com" not in json.dumps(event.payload)
