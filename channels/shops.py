"""Shop webhooks: orders made with her codes arrive from Shopify and WooCommerce as they happen (issue 13).

`POST /webhooks/shopify/{handle}` takes `orders/create` (each of the order's `discount_codes[].code` that
is one of hers becomes a redemption: `total_price`, `currency`, `line_items`), `orders/cancelled` and
`refunds/create` (the order's redemptions are taken back). The body must carry `X-Shopify-Hmac-Sha256`,
the base64 HMAC-SHA256 of the raw body with the secret set by `influencer-os shops connect HANDLE
--platform shopify --secret SECRET` (kept sealed in the tenant's settings): a wrong or missing one is 401
and nothing is stored; an unknown influencer is 404. A code that is not hers is not dropped: it is kept
as an event the owner sees. Recording goes through the owner tool `record_redemptions` (idempotent on
code and order id, audited as "shopify").

`POST /webhooks/woocommerce/{handle}` takes WooCommerce's order webhooks the same way: the signature is
`X-WC-Webhook-Signature` (the same base64 HMAC-SHA256 of the raw body), codes come from
`coupon_lines[].code`, the amount from `total`; an order whose `status` is cancelled, refunded or failed
takes its redemptions back. WooCommerce's first "ping" on saving a webhook (a form body `webhook_id=N`) is
answered 200 and stores nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from channels._sealed import Unsealable, seal, unseal
from channels.owner_api import _now, problem, run_owner_tool
from store import coupons as coupon_store
from store import events as event_store
from store import tenants as tenant_store
from store.records import utcnow
from store.tenancy import bind

__all__ = ["router", "connect", "verify", "orders_of", "woo_orders_of"]

router = APIRouter(tags=["shops"])
_MAX_BODY = 1_000_000
PLATFORMS = ("shopify", "woocommerce")
_SIGNATURE = {"shopify": "X-Shopify-Hmac-Sha256", "woocommerce": "X-WC-Webhook-Signature"}
_WOO_GONE = ("cancelled", "refunded", "failed")


def connect(db: Any, handle: str, platform: str, secret: str) -> None:
    """Keep a shop's webhook secret for an influencer (sealed)."""
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}")
    if len(secret.strip()) < 8:
        raise ValueError("the secret looks too short")
    with db.admin_session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle)
        if tenant is None:
            raise LookupError(f"no influencer @{handle}")
        tenant_store.set_shop(session=session, tenant_id=tenant.id, platform=platform,
                              sealed_secret=seal({"secret": secret.strip()}), at=utcnow().isoformat())


def verify(raw: bytes, signature: str, secret: str) -> bool:
    """Shopify's check: base64(HMAC-SHA256(secret, raw body)) equals the header, compared in constant time."""
    expected = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, (signature or "").strip())


def orders_of(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The redemptions a Shopify order makes: one per discount code on it."""
    order_id = str(order.get("id") or order.get("order_number") or order.get("name") or "").strip()
    items = [li for li in order.get("line_items") or [] if isinstance(li, dict)]
    products = [str(li.get("title") or li.get("name") or "")[:200] for li in items if li.get("title") or li.get("name")]
    count = sum(int(li.get("quantity") or 0) for li in items if str(li.get("quantity") or "0").isdigit())
    out = []
    for discount in order.get("discount_codes") or []:
        code = str((discount or {}).get("code") or "").strip() if isinstance(discount, dict) else ""
        if code and order_id:
            out.append({"code": code, "order_id": order_id, "order_amount": order.get("total_price") or "0",
                        "currency": order.get("currency") or order.get("presentment_currency"),
                        "items": count or None, "products": products[:50], "at": order.get("created_at")})
    return out


def woo_orders_of(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The redemptions a WooCommerce order makes: one per coupon line."""
    order_id = str(order.get("number") or order.get("id") or "").strip()
    items = [li for li in order.get("line_items") or [] if isinstance(li, dict)]
    gmt = order.get("date_created_gmt")
    at = f"{gmt}+00:00" if isinstance(gmt, str) and gmt else order.get("date_created")
    out = []
    for line in order.get("coupon_lines") or []:
        code = str((line or {}).get("code") or "").strip() if isinstance(line, dict) else ""
        if code and order_id:
            out.append({"code": code, "order_id": order_id, "order_amount": order.get("total") or "0",
                        "currency": order.get("currency"),
                        "items": sum(int(li.get("quantity") or 0) for li in items) or None,
                        "products": [str(li.get("name"))[:200] for li in items if li.get("name")][:50],
                        "at": at})
    return out


def _process(request: Request, handle: str, raw: bytes, platform: str) -> JSONResponse:
    db = request.app.state.db
    with db.sessions() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle)
        if tenant is None:
            return problem(404, "not_found", f"no influencer @{handle}")
        bind(session, tenant.id)  # row-level security: this tenant's rows only
        if platform == "woocommerce" and raw.startswith(b"webhook_id="):
            return JSONResponse({"ping": True})  # WooCommerce checks the URL when the webhook is saved
        sealed = ((tenant.settings or {}).get("shops") or {}).get(platform, {}).get("secret")
        try:
            secret = unseal(sealed)["secret"] if sealed else None
        except Unsealable:
            secret = None
        header = _SIGNATURE[platform]
        if not secret or not verify(raw, request.headers.get(header, ""), secret):
            return problem(401, "unauthorized", f"the {header} signature does not match")
        try:
            order = json.loads(raw)
        except ValueError:
            return problem(422, "invalid", "the body must be a JSON order", field="body")
        if not isinstance(order, dict):
            return problem(422, "invalid", "the body must be a JSON order", field="body")
        topic = request.headers.get("X-Shopify-Topic", "orders/create")
        gone = (topic in ("orders/cancelled", "refunds/create") if platform == "shopify"
                else str(order.get("status") or "") in _WOO_GONE)
        if gone:
            order_id = str(order.get("order_id") or order.get("id") if platform == "shopify"
                           else order.get("number") or order.get("id") or "")
            removed = coupon_store.remove_redemptions(session=session, tenant_id=tenant.id, order_id=order_id)
            session.commit()
            return JSONResponse({"removed": removed})
        found = orders_of(order) if platform == "shopify" else woo_orders_of(order)
        if not found:
            return JSONResponse({"created": 0, "already_there": 0, "refused": [], "note": "no discount code"})
        response = run_owner_tool(request, session, tenant, platform, "record_redemptions", {"redemptions": found})
        data = json.loads(bytes(response.body))
        unmatched = [found[r["index"]] for r in data.get("refused") or [] if r.get("field") == "code"]
        if unmatched:  # not hers (yet): kept for the owner to see, never dropped
            for item in unmatched:
                event_store.record(session=session, tenant_id=tenant.id, kind="redemption_unmatched", at=_now(request),
                                   payload={"code": item["code"][:64], "order_id": item["order_id"][:100],
                                            "amount": str(item["order_amount"])[:20], "platform": platform})
            session.commit()
        return JSONResponse(data, status_code=200)


async def _receive(request: Request, handle: str, platform: str) -> JSONResponse:
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        return problem(413, "too_large", "the order is larger than 1 MB", field="body")
    return await run_in_threadpool(_process, request, handle, raw, platform)


@router.post("/webhooks/shopify/{handle}")
async def shopify_webhook(handle: str, request: Request) -> JSONResponse:
    """A Shopify order webhook (orders/create, orders/cancelled, refunds/create), signed with her secret."""
    return await _receive(request, handle, "shopify")


@router.post("/webhooks/woocommerce/{handle}")
async def woocommerce_webhook(handle: str, request: Request) -> JSONResponse:
    """A WooCommerce order webhook (order created or updated), signed with her secret."""
    return await _receive(request, handle, "woocommerce")
