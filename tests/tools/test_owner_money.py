"""Money in: orders made with her codes recorded from a shop's data (each row on its own, idempotent, bad
rows refused with index and field), and what she earned in a month, by tool and API."""

from __future__ import annotations

import datetime as dt

from _owner_world import IL, build, call

from tools.money import parse_amount


def test_amounts_as_shops_write_them():
    assert str(parse_amount("₪1,200.50")) == "1200.50"
    assert str(parse_amount("1.200,50 €")) == "1200.50"
    assert str(parse_amount(99)) == "99.00"
    for bad in ("abc", "-5", True, ""):
        try:
            parse_amount(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was taken as an amount")


def test_redemptions_are_recorded_once_and_bad_rows_refused_with_their_index(db):
    ids = build(db)
    rows = [
        {"code": "shira15", "order_id": "S-900", "order_amount": "₪1,250.00", "items": 2, "products": ["Oil"],
         "at": "2026-11-20T12:00:00+02:00"},
        {"code": "SHIRA15", "order_id": 901, "order_amount": 300},
        {"code": "NOPE10", "order_id": "S-902", "order_amount": 10},
        {"code": "GREEN50", "order_id": "S-903", "order_amount": "lots"},
        {"code": "GREEN50", "order_id": "S-904", "order_amount": 50, "at": "2026-11-20T12:00:00"},
    ]
    first = call(db, "record_redemptions", {"redemptions": rows}, ids["shira"]).data
    assert (first["created"], first["already_there"]) == (2, 0)
    assert [(r["index"], r["field"]) for r in first["refused"]] == [(2, "code"), (3, "order_amount"), (4, "at")]
    again = call(db, "record_redemptions", {"redemptions": rows[:2]}, ids["shira"]).data
    assert (again["created"], again["already_there"]) == (0, 2)  # a shop sending the same orders twice
    changed = call(db, "record_redemptions", {"redemptions": [{**rows[1], "order_amount": 999}]}, ids["shira"]).data
    assert changed["created"] == 0 and changed["refused"][0]["field"] == "order_id"
    # the other influencer's SHIRA15 is another coupon: her orders are not mine
    other = call(db, "record_redemptions", {"redemptions": rows[:1]}, ids["noa"]).data
    assert other["created"] == 1
    stats = call(db, "coupon_stats", {"code": "SHIRA15"}, ids["shira"]).data
    assert stats["total"]["redemptions"] >= 2


def test_earnings_of_a_month_paid_unpaid_and_through_the_codes(db):
    ids = build(db)
    september = call(db, "earnings", {"month": 9, "year": 2026}, ids["shira"]).data
    assert september["paid"] == [{"currency": "ILS", "amount": "9000.00"}]
    assert september["paid_with_vat"] == [{"currency": "ILS", "amount": "10620.00"}]
    assert september["unpaid"] == [{"currency": "ILS", "amount": "7000.00"}]
    november = call(db, "earnings", {}, ids["shira"]).data
    assert november["paid"] == [] and november["period"]["name"] == "month"
    assert call(db, "earnings", {"month": 9, "year": 2026}, ids["noa"]).data["paid"][0]["amount"] == "111.00"
    future = call(db, "earnings", {"month": 12, "year": 2026}, ids["shira"],
                  now=dt.datetime(2026, 11, 23, 9, tzinfo=IL))
    assert not future.ok and future.error["field"] == "month"
