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
    # and the owner sees it in her day's digest
    from store import owners as owner_store
    from store.models import Tenant

    with demo_db.admin_session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.handle == HANDLE))
        token = owner_store.create_token(session=s, tenant_id=tenant_id, label="digest")
    digest = client.get("/owner/v1/digest", headers={"Authorization": f"Bearer {token}"}).json()
    assert digest["unmatched_codes"] == [{"code": "WHOKNOWS5", "orders": 1}]


def test_a_shops_csv_export_is_imported_with_its_bad_lines_named(demo_db, tmp_path):
    import typer
    from typer.testing import CliRunner

    from channels import server_commands

    app = typer.Typer()
    server_commands.register(app)
    export = tmp_path / "orders.csv"
    export.write_bytes((
        "Name,Currency,Total,Discount Code,Created at,Lineitem quantity,Lineitem name\n"
        "#2001,ILS,\"₪1,250.00\",SILKA20,2026-11-20 10:00:00 +0200,2,Silk Repair Mask\n"
        "#2001,,,,,1,Comb\n"
        "#2002,ILS,80,NOTOURS,2026-11-20 11:00:00,1,Clip\n"
        "#2003,ILS,lots,MAYA15,2026-11-20 12:00,1,Serum\n"
    ).encode("utf-8-sig"))
    run = CliRunner().invoke(app, ["redemptions", "import", HANDLE, str(export)])
    assert run.exit_code == 0, run.output
    assert "1 orders recorded" in run.output and "line 4: code" in run.output and "line 5: order_amount" in run.output
    again = CliRunner().invoke(app, ["redemptions", "import", HANDLE, str(export)])
    assert "0 orders recorded, 1 already there" in again.output
    with demo_db.admin_session() as s:
        row = s.scalars(select(CouponEvent).where(CouponEvent.order_id == "#2001")).one()
        assert str(row.order_amount) == "1250.00" and row.items == 3 and row.at.utcoffset() is not None


# Shaped like WooCommerce's documented order (REST API v3 / webhook payload).
WOO_ORDER = {
    "id": 727, "number": "727", "status": "processing", "currency": "ILS", "total": "210.00",
    "date_created_gmt": "2026-11-21T08:00:00", "billing": {"email": "dana@example.com", "phone": "0501234567"},
    "line_items": [{"name": "Vitamin C Glow Serum", "quantity": 1, "total": "210.00"}],
    "coupon_lines": [{"id": 313, "code": "maya15", "discount": "37.05"}],
}


def _woo(client, body: dict, *, secret: str = SECRET):
    raw = json.dumps(body).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
    return client.post(f"/webhooks/woocommerce/{HANDLE}", content=raw,
                       headers={"X-WC-Webhook-Signature": signature, "Content-Type": "application/json"})


def test_woocommerce_orders_signed_recorded_and_taken_back_when_refunded(client, demo_db):
    connect(demo_db, HANDLE, "woocommerce", SECRET)
    ping = client.post(f"/webhooks/woocommerce/{HANDLE}", content=b"webhook_id=12",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert ping.status_code == 200  # saving the webhook in WooCommerce checks the URL first
    assert _woo(client, WOO_ORDER, secret="wrong-secret-xx").status_code == 401
    assert _woo(client, WOO_ORDER).json()["created"] == 1
    with demo_db.admin_session() as s:
        row = s.scalars(select(CouponEvent).where(CouponEvent.order_id == "727")).one()
        assert str(row.order_amount) == "210.00" and row.products == ["Vitamin C Glow Serum"]
    assert _woo(client, {**WOO_ORDER, "status": "refunded"}).json() == {"removed": 1}
