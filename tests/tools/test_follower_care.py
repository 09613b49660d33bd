"""list_brands, support issues, handoff, feedback and consent: what follower and owner would notice."""

from __future__ import annotations

from _follower_world import build_world, context
from sqlalchemy import select

from store.models import Contact, Conversation, Coupon, CouponEvent, Event, Handoff, SupportIssue
from tools import REGISTRY
from tools.registry import OWNER


def test_list_brands_active_by_default_without_money_for_followers(db):
    with db.admin_session() as s:
        w = build_world(s)
        data = REGISTRY.run("list_brands", {}, context(s, w["shira"])).data
        names = {b["name"] for b in data["brands"]}
        assert names == {"Olivia Oils", "GreenBox", "Golden Olive", "Golden Grain", "Sababa Spices"}
        assert "14000" not in str(data) and "compensation" not in str(data)
        olivia = next(b for b in data["brands"] if b["ref"] == "olivia")
        assert olivia["link"] == "https://olivia-oils.example/shop" and olivia["has_code"] is True
        everything = REGISTRY.run("list_brands", {"status": "all"}, context(s, w["shira"])).data
        assert "KitchenPro" in {b["name"] for b in everything["brands"]}
        assert "Lumi Blenders" not in {b["name"] for b in everything["brands"]}  # a private proposal


def test_list_brands_for_the_owner_has_compensation(db):
    with db.admin_session() as s:
        w = build_world(s)
        data = REGISTRY.run("list_brands", {"status": "all"}, context(s, w["shira"], role=OWNER)).data
        olivia = next(b for b in data["brands"] if b["ref"] == "olivia")
        assert olivia["compensation"] == {"amount": "14000.00", "currency": "ILS"}
        assert "Lumi Blenders" in {b["name"] for b in data["brands"]}


def test_support_issue_is_stored_masked_and_notifies_the_owner(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        result = REGISTRY.run(
            "open_support_issue",
            {
                "summary": "order OL-2001 never arrived, call me at 054-7654321 or dana@example.com",
                "kind": "order_missing",
                "order_id": "OL-2001",
                "brand": "אוליביה",
            },
            ctx,
        )
        assert result.ok, result.error
        issue = s.get(SupportIssue, result.data["issue_id"])
        assert "054-7654321" not in issue.summary and "dana@example.com" not in issue.summary
        assert "OL-2001" in issue.summary  # the order number is what the owner needs
        assert issue.partnership_id is not None and issue.conversation_id == w["conversation"].id
        event = s.scalars(select(Event).where(Event.kind == "support_issue_opened")).one()
        assert event.payload["issue_id"] == issue.id and "054-7654321" not in str(event.payload)
        assert result.data["brand"] == "Olivia Oils"
        bad = REGISTRY.run("open_support_issue", {"summary": "x", "kind": "bomb"}, ctx)
        assert not bad.ok and bad.error["field"] == "kind"


def test_handoff_pauses_the_conversation_once(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        first = REGISTRY.run("request_handoff", {"reason": "wants a human"}, ctx)
        assert first.ok and first.data["status"] == "waiting"
        assert s.get(Conversation, w["conversation"].id).paused is True
        again = REGISTRY.run("request_handoff", {"reason": "again"}, ctx)
        assert again.data["handoff_id"] == first.data["handoff_id"] and again.data["already_waiting"]
        assert len(s.scalars(select(Handoff)).all()) == 1
        assert len(s.scalars(select(Event).where(Event.kind == "handoff_requested")).all()) == 1
        no_conversation = REGISTRY.run("request_handoff", {"reason": "x"}, context(s, w["shira"]))
        assert not no_conversation.ok


def test_feedback_after_a_copy_marks_satisfaction(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        plain = REGISTRY.run("record_feedback", {"rating": 5, "text": "great"}, ctx)
        assert plain.ok and plain.data["after_coupon"] is False
        coupon = s.scalars(select(Coupon).where(Coupon.code == "SHIRA15")).one()
        s.add(
            CouponEvent(
                tenant_id=w["shira"].id,
                coupon_id=coupon.id,
                kind="copied",
                conversation_id=w["conversation"].id,
            )
        )
        s.flush()
        after = REGISTRY.run(
            "record_feedback", {"rating": 2, "text": "code did not apply", "sentiment": "negative"}, ctx
        )
        assert after.data["satisfaction"] == "unsatisfied"
        event = s.get(Event, after.data["event_id"])
        assert event.kind == "feedback" and event.payload["coupon_id"] == coupon.id
        assert not REGISTRY.run("record_feedback", {"rating": 9}, ctx).ok


def test_consent_granted_then_withdrawn(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        assert REGISTRY.run("set_consent", {"granted": True}, ctx).data["consent"] == "granted"
        assert REGISTRY.run("set_consent", {"granted": False}, ctx).data["consent"] == "withdrawn"
        assert s.get(Contact, w["contact"].id).consent == "withdrawn"
        kinds = [e.kind for e in s.scalars(select(Event).order_by(Event.id))]
        assert kinds == ["consent_granted", "consent_withdrawn"]
