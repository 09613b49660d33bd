"""Replies built from real tool results on the sample influencer: codes, dates and links from the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

import persona
from agent.respond import respond
from knowledge.bundles import import_bundle_file
from store.models import Tenant
from tools import REGISTRY
from tools.registry import ToolContext

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def _turn(session, tenant, language, calls, *, intent, turn=1, history=()):
    ctx = ToolContext(
        session=session,
        tenant_id=tenant.id,
        handle=tenant.handle,
        timezone=tenant.timezone,
        role="follower",
        now=NOW,
    )
    results = [REGISTRY.run(name, args, ctx).as_dict() for name, args in calls]
    state = {
        "conversation_id": f"conv-{tenant.handle}",
        "role": "follower",
        "channel": "web",
        "now": NOW.isoformat(),
        "tenant": {
            "id": tenant.id,
            "handle": tenant.handle,
            "display_name": tenant.display_name,
            "timezone": tenant.timezone,
            "languages": tenant.languages,
        },
        "persona": persona.get(session, tenant_id=tenant.id),
        "understanding": {"intent": intent, "language": language},
        "decision": {"action": "respond", "tool_calls": [{"name": n, "args": a} for n, a in calls]},
        "tool_results": results,
        "history": list(history),
        "turn": turn,
    }
    return respond(state)


def test_hebrew_and_english_coupon_replies_carry_the_real_code(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        shira = s.scalars(select(Tenant)).one()
        he = _turn(s, shira, "he", [("find_coupons", {"brand": "לאוליביה"})], intent="coupon_request")
        assert "SHIRA15" in he["reply"] and "15%" in he["reply"] and he["language"] == "he"
        assert "באהבה, שירה" in he["reply"]  # first reply: the sign-off from the persona notes
        en = _turn(s, shira, "en", [("find_coupons", {"brand": "green box"})], intent="coupon_request")
        assert "GREEN50" in en["reply"] and "₪50" in en["reply"] and "Dec 31" in en["reply"]
        assert en["cards"][0]["code"] == "GREEN50"


def test_expired_brand_reply_never_shows_the_expired_code(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        shira = s.scalars(select(Tenant)).one()
        for language in ("he", "en"):
            out = _turn(
                s, shira, language, [("find_coupons", {"brand": "KitchenPro"})], intent="coupon_request"
            )
            assert "KPSHIRA" not in out["reply"] and "KitchenPro" in out["reply"]
            assert "SHIRA15" not in out["reply"]  # alternatives are named by brand, not pushed as codes


def test_knowledge_reply_quotes_the_post_with_its_link(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        shira = s.scalars(select(Tenant)).one()
        out = _turn(
            s,
            shira,
            "he",
            [("search_knowledge", {"query": "באיזה מיקסר את משתמשת?"})],
            intent="product_question",
            turn=2,
            history=[{"role": "assistant", "text": "היי!"}],
        )
        assert "Lumi" in out["reply"] and "instagram.com/p/" in out["reply"]
        faq = _turn(
            s,
            shira,
            "en",
            [("search_knowledge", {"query": "is the Olivia oil cold pressed?"})],
            intent="product_question",
            turn=2,
            history=[{"role": "assistant", "text": "Hi!"}],
        )
        assert "cold press" in faq["reply"] and "Olivia Oils" in faq["reply"]
        unknown = _turn(
            s,
            shira,
            "en",
            [("search_knowledge", {"query": "do you have a sushi recipe?"})],
            intent="content_question",
            turn=2,
            history=[{"role": "assistant", "text": "Hi!"}],
        )
        assert "don't know" in unknown["reply"] and "pass" in unknown["reply"]
        assert "shakshuka" not in unknown["reply"].lower() and "שקשוקה" not in unknown["reply"]
