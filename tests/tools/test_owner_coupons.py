"""Owner tools for coupons: create (unique per tenant), deactivate (confirmed), extend; what followers get."""

from __future__ import annotations

import datetime as dt

from _owner_world import build, call, confirm_sentence

from store import coupons as coupon_store


def active_codes(db, tenant_id: int, day: str) -> list[str]:
    with db.admin_session() as s:
        rows = coupon_store.active_coupons(session=s, tenant_id=tenant_id, on_date=dt.date.fromisoformat(day))
        return [c.code for c in rows]


def test_create_a_percentage_code_followers_get_today(db):
    ids = build(db)
    result = call(
        db,
        "create_coupon",
        {"code": "lumi10", "partnership": "לומי", "value": 10, "expires": "2026-12-31"},
        ids["shira"],
    )
    assert result.ok, result.error
    coupon = result.data["coupon"]
    assert (coupon["code"], coupon["discount"], coupon["starts"], coupon["valid_today"]) == (
        "LUMI10",
        "10% off",
        "2026-11-23",
        True,
    )
    assert "LUMI10" in active_codes(db, ids["shira"], "2026-11-23")
    assert "LUMI10" not in active_codes(db, ids["noa"], "2026-11-23")


def test_fixed_amount_takes_the_brand_currency_and_free_shipping_has_no_value(db):
    ids = build(db)
    fixed = call(
        db,
        "create_coupon",
        {"code": "GB30", "partnership": "greenbox", "discount_type": "fixed", "value": "30"},
        ids["shira"],
    )
    assert fixed.data["coupon"]["discount"] == "30.00 ILS off"
    ship = call(
        db,
        "create_coupon",
        {"code": "SHIPIT", "partnership": "olivia", "discount_type": "free shipping"},
        ids["shira"],
    )
    assert (
        ship.ok
        and ship.data["coupon"]["value"] is None
        and ship.data["coupon"]["discount"] == "free shipping"
    )


def test_create_validation_errors_name_the_field(db):
    ids = build(db)
    cases = [
        ({"code": "shira15", "partnership": "olivia", "value": 5}, "code", "already exists"),
        ({"code": "BIG", "partnership": "olivia", "value": 150}, None, "at most 100"),
        ({"code": "NOVAL", "partnership": "olivia"}, None, "value is required"),
        ({"code": "GLOW10", "partnership": "Glow", "value": 10}, "partnership", "no partnership matches"),
        ({"code": "קוד10", "partnership": "olivia", "value": 10}, "code", "Latin letters"),
        (
            {"code": "LATE", "partnership": "olivia", "value": 10, "expires": "2026-11-01"},
            "expires",
            "before the start",
        ),
    ]
    for args, field, reason in cases:
        result = call(db, "create_coupon", args, ids["shira"])
        assert not result.ok, args
        assert result.error["field"] == field and reason in result.error["reason"], (args, result.error)


def test_the_same_code_in_another_tenant_is_not_a_conflict(db):
    ids = build(db)
    assert call(db, "create_coupon", {"code": "NEW1", "partnership": "olivia", "value": 5}, ids["noa"]).ok
    assert call(db, "create_coupon", {"code": "NEW1", "partnership": "olivia", "value": 5}, ids["shira"]).ok


def test_deactivating_is_confirmed_and_followers_stop_getting_the_code(db):
    ids = build(db)
    sentence = confirm_sentence(db, "update_coupon", {"code": "green50", "active": False}, ids["shira"])
    assert (
        sentence == "Deactivate coupon GREEN50 of GreenBox (50.00 ILS off); followers will no longer get it"
    )
    result = call(db, "update_coupon", {"code": "green50", "active": False}, ids["shira"])
    assert result.ok and result.data["coupon"]["active"] is False and result.data["changed"] == ["active"]
    assert active_codes(db, ids["shira"], "2026-11-23") == ["SHIRA15"]
    assert active_codes(db, ids["noa"], "2026-11-23") == [
        "GREEN50",
        "SHIRA15",
    ]  # the other tenant's code is untouched
    assert confirm_sentence(db, "update_coupon", {"code": "green50", "active": False}, ids["shira"]) is None


def test_extend_and_reactivate_an_expired_code(db):
    ids = build(db)
    assert "KPSHIRA" not in active_codes(db, ids["shira"], "2026-11-23")  # expired in August
    result = call(db, "update_coupon", {"code": "KPSHIRA", "expires": "2026-12-31"}, ids["shira"])
    assert result.ok and result.data["previous"] == {"expires": "2026-08-31"}
    assert "KPSHIRA" in active_codes(db, ids["shira"], "2026-12-31")
    assert "KPSHIRA" not in active_codes(db, ids["shira"], "2027-01-01")
    assert (
        confirm_sentence(db, "update_coupon", {"code": "KPSHIRA", "expires": "2027-01-31"}, ids["shira"])
        is None
    )


def test_update_errors(db):
    ids = build(db)
    unknown = call(db, "update_coupon", {"code": "NOPE1", "active": False}, ids["shira"])
    assert not unknown.ok and unknown.error["code"] == "not_found" and unknown.error["field"] == "code"
    nothing = call(db, "update_coupon", {"code": "SHIRA15"}, ids["shira"])
    assert not nothing.ok and "nothing to change" in nothing.error["reason"]
    backwards = call(db, "update_coupon", {"code": "SHIRA15", "expires": "2026-09-01"}, ids["shira"])
    assert not backwards.ok and backwards.error["field"] == "expires"


def test_list_codes_of_a_brand_and_active_only(db):
    ids = build(db)
    olivia = call(db, "list_coupons", {"partnership": "olivia"}, ids["shira"])
    assert [c["code"] for c in olivia.data["coupons"]] == ["SHIRA15"]
    call(db, "update_coupon", {"code": "GREEN50", "active": False}, ids["shira"])
    active = call(db, "list_coupons", {"active": True}, ids["shira"])
    assert [c["code"] for c in active.data["coupons"]] == ["KPSHIRA", "SHIRA15"]
    assert [c["valid_today"] for c in active.data["coupons"]] == [False, True]  # active but expired
