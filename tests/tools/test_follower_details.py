"""A follower's own details: kept only with consent, the e-mail masked (never raw), interests merged;
whether they follow: recorded, one invite for one who does not (unless the owner stopped it); the owner's
coupon figures split by who follows."""

from __future__ import annotations

from _follower_world import build_world, context
from sqlalchemy import select

from store import rules as rule_store
from store.models import Contact, Coupon, CouponEvent
from tools import REGISTRY
from tools.registry import OWNER


def test_details_only_with_consent_and_the_email_masked(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        refused = REGISTRY.run("save_my_details", {"name": "Dana", "email": "dana.levi@gmail.com"}, ctx)
        assert not refused.ok and refused.error["code"] == "no_consent"
        assert not (s.get(Contact, w["contact"].id).attributes or {}).get("name")
        assert REGISTRY.run("set_consent", {"granted": True}, ctx).data["ask_details"] is True
        assert REGISTRY.run("set_consent", {"granted": True}, ctx).data["ask_details"] is False  # asked once
        saved = REGISTRY.run("save_my_details", {"name": "Dana", "email": "dana.levi@gmail.com",
                                                 "interests": ["running"]}, ctx)
        assert saved.ok and saved.data["email"] == "d•••@gmail.com"
        REGISTRY.run("save_my_details", {"interests": ["yoga", "running"]}, ctx)
        attributes = s.get(Contact, w["contact"].id).attributes
        assert attributes["interests"] == ["running", "yoga"] and attributes["name"] == "Dana"
        assert "dana.levi" not in str(attributes)
        bad = REGISTRY.run("save_my_details", {"email": "not-an-email"}, ctx)
        assert not bad.ok and bad.error["field"] == "email"
        assert not REGISTRY.run("save_my_details", {"name": "X"}, context(s, w["shira"], role=OWNER)).ok


def test_one_invite_for_a_non_follower_and_none_when_stopped(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        first = REGISTRY.run("record_follows", {"follows": False}, ctx).data
        assert first["invite"]["url"].endswith(w["shira"].handle)
        assert REGISTRY.run("record_follows", {"follows": False}, ctx).data["invite"] is None  # once
        contact = s.get(Contact, w["contact"].id)
        assert contact.is_follower is False and contact.attributes["follows_answered_at"]

        other = Contact(tenant_id=w["shira"].id, channel="web", external_id="v-other")
        s.add(other)
        s.flush()
        rule_store.set_rule(session=s, tenant_id=w["shira"].id, trigger="non_follower_invite", active=False)
        stopped = REGISTRY.run("record_follows", {"follows": False}, context(s, w["shira"], contact=other)).data
        assert stopped["invite"] is None


def test_coupon_figures_split_by_who_follows(db):
    with db.admin_session() as s:
        w = build_world(s)
        ctx = context(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        REGISTRY.run("record_follows", {"follows": True}, ctx)
        stranger = Contact(tenant_id=w["shira"].id, channel="web", external_id="v-stranger")
        s.add(stranger)
        s.flush()
        coupon_id = s.scalars(select(Coupon.id).where(Coupon.tenant_id == w["shira"].id)).first()
        s.add_all([CouponEvent(tenant_id=w["shira"].id, coupon_id=coupon_id, kind="copied", contact_id=cid,
                               at=ctx.now) for cid in (w["contact"].id, stranger.id, w["contact"].id)])
        s.flush()
        audience = REGISTRY.run("coupon_stats", {}, context(s, w["shira"], role=OWNER)).data["total"]["audience"]
        assert audience["copied"] == {"follower": 1, "not_follower": 0, "unknown": 1}  # people, not copies


def test_words_that_are_not_a_name_are_not_kept_as_one():
    from agent.engines.offline.facts import details

    assert details("my name is Dana and I'm into yoga") == {"name": "Dana", "interests": ["yoga"]}
    assert details("קוראים לי דנה") == {"name": "דנה"}
    for text in ("call me back please", "my name is on the order", "my name is spelled wrong on the box"):
        assert "name" not in details(text), text
