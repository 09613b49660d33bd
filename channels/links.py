"""Tracking links (issue 13): what a follower taps on WhatsApp goes through `{PUBLIC_BASE_URL}/l/{slug}`,
which redirects (302) to the shop with her code applied where the shop takes it in the URL (Shopify's
`/discount/CODE?redirect=…`), and counts the click as a `link_clicked` coupon event with its conversation.
No IP is kept; link previews and crawlers (WhatsApp's own, Facebook's, Telegram's...) are not counted.

A slug is stable per coupon, channel and target, and random (96 bits): links cannot be enumerated. The
conversation rides along as `?c=ID.SIGNATURE`, keyed with the server's secret, so a forged one is ignored.
Links are rewritten only when a public base URL is configured (a link to localhost helps nobody).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from channels._sealed import keyed_digest
from channels.settings import TwilioSettings, get_web_settings
from store import coupons as coupon_store
from store import events as event_store
from store import links as link_store
from store import partnerships as partnership_store
from store.records import utcnow

__all__ = ["router", "public_base", "track_reply"]

log = logging.getLogger(__name__)
router = APIRouter(tags=["links"])
_SLUG = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
_BOTS = re.compile(r"(?i)whatsapp|facebookexternalhit|facebot|twitterbot|slackbot|telegrambot|discordbot|"
                   r"linkedinbot|skypeuripreview|googlebot|bingbot|applebot|\bbot\b|crawler|spider|preview|"
                   r"curl/|python-requests|httpx|headless")
_GONE = HTMLResponse("<!doctype html><meta charset=utf-8><title>Link</title><p>This link is not active.</p>",
                     status_code=404)


def public_base(twilio: TwilioSettings) -> str | None:
    """Where followers reach this server, when configured (else links are left as they are)."""
    base = get_web_settings().public_base_url or twilio.public_base_url
    return base.rstrip("/") if base else None


def _signature(slug: str, conversation_id: str) -> str:
    return keyed_digest(f"link:{slug}:{conversation_id}")[:12]


def track_reply(db: Any, text: str, cards: list[dict[str, Any]], *, tenant_id: int, channel: str,
                conversation_id: str | None, base: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The reply and its cards with each coupon's shop link, and each brand link in the text, replaced by
    its tracking link."""
    if not base or "http" not in text + "".join(str(c.get("url") or "") for c in cards):
        return text, cards
    urls: dict[str, tuple[int | None, int | None]] = {
        str(c["url"]): (int(c["coupon_id"]), None) for c in cards if c.get("url") and c.get("coupon_id")}
    short: dict[str, str] = {}
    with db.session(tenant_id=tenant_id) as session:
        for p in partnership_store.list_partnerships(session=session, tenant_id=tenant_id):
            if p.link and p.link in text and p.link not in urls:
                urls[p.link] = (None, p.id)
        for url, (coupon_id, partnership_id) in sorted(urls.items(), key=lambda u: -len(u[0])):
            row = link_store.link_for(session=session, tenant_id=tenant_id, coupon_id=coupon_id, channel=channel,
                                      target=url, at=utcnow(), partnership_id=partnership_id)
            ref = f"?c={conversation_id}.{_signature(row.slug, conversation_id)}" if conversation_id else ""
            short[url] = f"{base}/l/{row.slug}{ref}"
    for url, tracked in short.items():
        text = text.replace(url, tracked)
    return text, [{**c, "url": short.get(c.get("url") or "", c.get("url"))} for c in cards]


def _with_code(target: str, code: str | None) -> str:
    """Shopify stores take the code in the URL; other shops get the page as it is."""
    parts = urlsplit(target)
    if not code or not (parts.hostname or "").endswith(".myshopify.com"):
        return target
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{parts.scheme}://{parts.netloc}/discount/{quote(code)}?redirect={quote(path, safe='')}"


def _follow(request: Request, slug: str, count: bool) -> Response:
    db = request.app.state.db
    with db.admin_session() as session:  # the slug is the only key: found across influencers, then bound
        link = link_store.by_slug(session=session, slug=slug)
        if link is None:
            return _GONE
        tenant_id, coupon_id, target = link.tenant_id, link.coupon_id, link.target
        partnership_id, link_channel = link.partnership_id, link.channel
    conversation = None
    ref = request.query_params.get("c") or ""
    if "." in ref:
        candidate, signature = ref.rsplit(".", 1)
        if signature == _signature(slug, candidate):
            conversation = candidate
    with db.session(tenant_id=tenant_id) as session:
        coupon = coupon_store.get(session=session, tenant_id=tenant_id, coupon_id=coupon_id) if coupon_id else None
        if count and coupon is not None:
            coupon_store.record_events(session=session, tenant_id=tenant_id, coupon_ids=[coupon.id],
                                       kind="link_clicked", conversation_id=conversation, contact_id=None,
                                       at=utcnow())
        if count and coupon is None and partnership_id is not None:  # a brand's own link: an event of its own
            partner = partnership_store.get(session=session, tenant_id=tenant_id, partnership_id=partnership_id)
            event_store.record(session=session, tenant_id=tenant_id, kind="link_clicked", at=utcnow(),
                               payload={"partnership": partner.ref if partner else None, "channel": link_channel,
                                        "conversation": conversation})
        code = coupon.code if coupon is not None else None
    return RedirectResponse(_with_code(target, code), status_code=302,
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@router.api_route("/l/{slug}", methods=["GET", "HEAD"], include_in_schema=False)
async def follow(request: Request, slug: str) -> Response:
    """Redirect to the shop and count a person's click (not a preview's, not a HEAD)."""
    if not _SLUG.match(slug):
        return _GONE
    person = request.method == "GET" and not _BOTS.search(request.headers.get("user-agent") or "")
    return await run_in_threadpool(_follow, request, slug, person)
