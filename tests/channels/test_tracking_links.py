"""Tracking links (issue 13): a follower's code on WhatsApp comes with {PUBLIC_BASE_URL}/l/{slug}; tapping it
redirects (302) to the shop and counts a click with its conversation (no IP kept); a link preview or a HEAD
does not count; slugs are stable per coupon and channel, random, and unknown ones are 404; a forged
conversation reference is ignored; the coupon figures show clicks and redemptions after a click."""

from __future__ import annotations

import datetime as dt
import re

from channel_support import post_signed, webhook_params
from sqlalchemy import func, select

from channels.links import _with_code
from store.models import Conversation, CouponEvent
from store.models_brands import TrackingLink

LINK = re.compile(r"https://bot\.example\.test/l/([A-Za-z0-9_-]+)\?c=([^\s]+)")


def _clicks(db) -> list[CouponEvent]:
    with db.admin_session() as s:
        return list(s.scalars(select(CouponEvent).where(CouponEvent.kind == "link_clicked")))


def test_a_whatsapp_code_link_is_tracked_and_redirects(client, twilio, demo_db):
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-L1", "code for silka?"))
    body = twilio.wait_for(1)[-1]["body"]
    assert "SILKA20" in body and "silka-hair.example" not in body  # the shop link is the tracked one
    slug, ref = LINK.search(body).groups()
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-L2", "and the silka code again?"))
    again = LINK.search(twilio.wait_for(2)[-1]["body"])
    assert again and again.group(1) == slug  # stable per coupon and channel

    preview = client.get(f"/l/{slug}?c={ref}", headers={"User-Agent": "WhatsApp/2.23.20 A"}, follow_redirects=False)
    head = client.head(f"/l/{slug}?c={ref}", follow_redirects=False)
    assert preview.status_code == head.status_code == 302 and _clicks(demo_db) == []  # previews are not people
    tap = client.get(f"/l/{slug}?c={ref}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"}, follow_redirects=False)
    assert tap.status_code == 302 and tap.headers["location"] == "https://silka-hair.example/mask?c=SILKA20"
    assert tap.headers["cache-control"] == "no-store"
    forged = client.get(f"/l/{slug}?c=someone-else.abcdef123456", follow_redirects=False)
    assert forged.status_code == 302
    clicks = _clicks(demo_db)
    with demo_db.admin_session() as s:
        conversation = s.scalars(select(Conversation.id).where(Conversation.channel == "whatsapp")).first()
        slugs = s.scalar(select(func.count()).select_from(TrackingLink))
    assert [c.conversation_id for c in clicks] == [conversation, None] and slugs == 1
    assert len(slug) >= 16 and client.get("/l/AAAAAAAAAAAAAAAA", follow_redirects=False).status_code == 404
    assert client.get("/l/../../etc", follow_redirects=False).status_code == 404


def test_clicks_and_redemptions_after_them_show_in_the_coupon_figures(client, demo_db):
    from tools.analytics import coupon_figures

    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    events = [CouponEvent(coupon_id=1, kind="link_clicked", at=at),
              CouponEvent(coupon_id=1, kind="redeemed", at=at + dt.timedelta(days=3), order_amount=100),
              CouponEvent(coupon_id=1, kind="redeemed", at=at + dt.timedelta(days=20), order_amount=100),
              CouponEvent(coupon_id=2, kind="redeemed", at=at + dt.timedelta(days=1), order_amount=100)]
    figures = coupon_figures(events)
    assert (figures["link_clicks"], figures["redemptions"], figures["attributed_redemptions"]) == (1, 3, 1)


def test_a_shopify_store_gets_the_code_in_the_url():
    assert _with_code("https://lumi.myshopify.com/products/mask?size=2", "MAYA15") == (
        "https://lumi.myshopify.com/discount/MAYA15?redirect=%2Fproducts%2Fmask%3Fsize%3D2")
    assert _with_code("https://shop.example/p", "MAYA15") == "https://shop.example/p"


def test_a_brands_own_link_in_a_reply_is_tracked_as_an_event(client, demo_db):
    from channels.links import track_reply
    from store.models import Event

    with demo_db.admin_session() as s:
        from store.models import Tenant

        tenant_id = s.scalar(select(Tenant.id).where(Tenant.handle == "maya.glow"))
    text = "Velora's shop: https://velora-skin.example/shop?ref=maya.glow 💜"
    tracked, _ = track_reply(demo_db, text, [], tenant_id=tenant_id, channel="whatsapp", conversation_id=None,
                             base="https://bot.example.test")
    slug = re.search(r"/l/([A-Za-z0-9_-]+)", tracked).group(1)
    assert "velora-skin.example" not in tracked and tracked.endswith(" 💜")
    tap = client.get(f"/l/{slug}", headers={"User-Agent": "Mozilla/5.0"}, follow_redirects=False)
    assert tap.headers["location"] == "https://velora-skin.example/shop?ref=maya.glow"
    with demo_db.admin_session() as s:
        events = [e.payload for e in s.scalars(select(Event).where(Event.kind == "link_clicked"))]
    assert events == [{"partnership": "velora", "channel": "whatsapp", "conversation": None}]
    assert track_reply(demo_db, text, [], tenant_id=tenant_id, channel="whatsapp", conversation_id=None,
                       base=None)[0] == text  # no public address configured: links are left as they are
