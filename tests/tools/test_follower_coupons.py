"""find_coupons: what a follower is offered, and what never is."""

from __future__ import annotations

import datetime as dt

import pytest
from _follower_world import build_world, context
from sqlalchemy import func, select

from store.models import CouponEvent, Partnership
from tools import REGISTRY
from tools.registry import OWNER


def _find(session, tenant, **kwargs):
    ctx_kwargs = {k: kwargs.pop(k) for k in ("now", "role", "conversation", "contact") if k in kwargs}
    result = REGISTRY.run("find_coupons", kwargs, context(session, tenant, **ctx_kwargs))
    assert result.ok, result.error
    return result.data


def _codes(data):
    return [c["code"] for c in data["coupons"]]


def test_brand_by_name_alias_and_hebrew_with_prefix(db):
    with db.admin_session() as s:
        w = build_world(s)
        for asked in ("olivia", "Olivia Oils", "OLIVIA", "אוליביה", "לאוליביה", "oliva", "olivia"):
            data = _find(s, w["shira"], brand=asked)
            assert data["status"] == "ok", asked
            assert _codes(data) == ["SHIRA15"], asked
        coupon = _find(s, w["shira"], brand="גרינבוקס")["coupons"][0]
        assert coupon == coupon | {
            "code": "GREEN50",
            "brand": "GreenBox",
            "partnership_ref": "greenbox",
            "discount_type": "fixed",
            "value": "50",
            "currency": "ILS",
            "terms": "first order only",
            "url": "https://greenbox.example/order",
            "expires": "2026-12-31",
        }


def test_inactive_and_expired_codes_are_never_offered(db):
    with db.admin_session() as s:
        w = build_world(s)
        everything = _find(s, w["shira"])
        assert everything["status"] == "ok"
        assert "OLDOLIVIA" not in _codes(everything) and "KPSHIRA" not in _codes(everything)
        assert sorted(_codes(everything)) == ["GOLD5", "GREEN50", "SHIRA15"]
        expired = _find(s, w["shira"], brand="KitchenPro")
        assert expired["status"] == "expired" and expired["coupons"] == []
        assert expired["expired_on"] == "2026-08-31"
        assert "KPSHIRA" not in str(expired)
        asked = _find(s, w["shira"], code="kpshira")
        assert asked["status"] == "expired" and asked["coupons"] == []
        inactive_asked = _find(s, w["shira"], code="OLDOLIVIA")
        # the brand's valid code is offered instead of the switched-off one
        assert _codes(inactive_asked) == ["SHIRA15"] and inactive_asked["asked_code_status"] == "inactive"


def test_code_not_started_yet_is_not_offered(db):
    with db.admin_session() as s:
        w = build_world(s)
        data = _find(s, w["shira"], brand="sababa")
        assert data["status"] == "not_started" and data["coupons"] == [] and data["starts_on"] == "2026-12-01"


@pytest.mark.parametrize(
    ("utc_now", "status"),
    [
        (dt.datetime(2026, 12, 31, 21, 30, tzinfo=dt.UTC), "ok"),  # 23:30 on the 31st in Jerusalem
        (dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC), "expired"),  # 00:30 on 1 Jan in Jerusalem
        (dt.datetime(2026, 10, 31, 21, 30, tzinfo=dt.UTC), "not_started"),  # 23:30 on 31 Oct in Jerusalem
        (
            dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC),
            "ok",
        ),  # 00:30 on 1 Nov in Jerusalem, 31 Oct in UTC
    ],
)
def test_validity_days_are_the_tenant_zone_days(db, utc_now, status):
    with db.admin_session() as s:
        w = build_world(s)
        data = _find(s, w["shira"], brand="greenbox", now=utc_now)
        assert data["status"] == status
        assert ("GREEN50" in _codes(data)) == (status == "ok")


def test_unknown_brand_offers_brands_with_codes(db):
    with db.admin_session() as s:
        w = build_world(s)
        data = _find(s, w["shira"], brand="Zara")
        assert data["status"] == "unknown_brand"  # said first; then the codes valid today, as alternatives
        assert {c["brand"] for c in data["coupons"]} == {"Olivia Oils", "GreenBox", "Golden Olive"}
        assert {b["name"] for b in data["brands_with_codes"]} == {"Olivia Oils", "GreenBox", "Golden Olive"}


def test_private_deals_are_unknown_to_followers_but_not_to_the_owner(db):
    with db.admin_session() as s:
        w = build_world(s)
        follower = _find(s, w["shira"], brand="lumi")
        assert follower["status"] == "unknown_brand" and "LUMI10" not in str(follower)
        assert "LUMI10" not in _codes(_find(s, w["shira"]))
        owner = _find(s, w["shira"], brand="lumi", role=OWNER)
        assert _codes(owner) == ["LUMI10"]


def test_two_matching_brands_are_ambiguous(db):
    with db.admin_session() as s:
        w = build_world(s)
        data = _find(s, w["shira"], brand="golden")
        assert data["status"] == "ambiguous_brand" and data["coupons"] == []
        assert {c["name"] for c in data["candidates"]} == {"Golden Olive", "Golden Grain"}


def test_tenant_scoping(db):
    with db.admin_session() as s:
        w = build_world(s)
        assert _codes(_find(s, w["maya"], brand="olivia")) == ["MAYA20"]
        assert _codes(_find(s, w["maya"])) == ["MAYA20"]
        assert _find(s, w["maya"], code="SHIRA15")["status"] == "unknown_code"
        assert _find(s, w["shira"], code="MAYA20")["status"] == "unknown_code"
        # a tenant named in the arguments is ignored: the context decides
        result = REGISTRY.run("find_coupons", {"brand": "olivia", "tenant_id": w["shira"].id}, context(s, w["maya"]))
        assert [c["code"] for c in result.data["coupons"]] == ["MAYA20"]


def test_shown_events_recorded_per_coupon_with_conversation(db):
    with db.admin_session() as s:
        w = build_world(s)
        _find(s, w["shira"], conversation=w["conversation"], contact=w["contact"])
        rows = s.scalars(select(CouponEvent).where(CouponEvent.kind == "shown")).all()
        assert len(rows) == 3
        assert {r.conversation_id for r in rows} == {w["conversation"].id}
        assert {r.contact_id for r in rows} == {w["contact"].id}
        _find(s, w["shira"], brand="KitchenPro", conversation=w["conversation"])
        assert s.scalar(select(func.count()).select_from(CouponEvent)) == 3  # nothing shown, nothing recorded


def test_bad_arguments_are_refused_by_field(db):
    with db.admin_session() as s:
        w = build_world(s)
        result = REGISTRY.run("find_coupons", {"brand": "x" * 500}, context(s, w["shira"]))
        assert not result.ok and result.error["field"] == "brand"


def test_brand_without_a_code_brings_its_own_deal_from_its_q_and_a(db):
    with db.admin_session() as s:
        w = build_world(s)
        golden = s.scalars(select(Partnership).where(Partnership.ref == "golden-grain")).one()
        golden.faq = [
            {"q": "Is there a discount code for Golden Grain?", "a": "No code; the link gives a free sample box."},
            {"q": "Is the flour organic?", "a": "Yes."},
        ]
        s.flush()
        data = _find(s, w["shira"], brand="golden grain")
        assert data["status"] == "none_for_brand"
        assert data["perks"] == [
            {"q": "Is there a discount code for Golden Grain?", "a": "No code; the link gives a free sample box."}
        ]
