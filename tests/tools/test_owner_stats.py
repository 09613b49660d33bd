"""coupon_stats against hand-computed figures from the shira bundle; conversation_stats; the daily digest."""

from __future__ import annotations

import datetime as dt

from _owner_world import NOW, add_copies, add_followers_activity, at, build, call
from sqlalchemy import update

from store.models import Partnership


def test_shira15_over_all_time_matches_the_bundle(db):
    ids = build(db)
    data = call(db, "coupon_stats", {"code": "shira15"}, ids["shira"]).data
    shira15 = data["coupons"][0]
    # 212 + 180 + 364 = 756.00 over 3 orders; 756 / 3 = 252.00; items (2 + 1 + 3) / 3 = 2.0
    assert (shira15["redemptions"], shira15["revenue"], shira15["average_basket"]) == (3, "756.00", "252.00")
    assert shira15["items_per_order"] == 2.0 and shira15["currency"] == "ILS"
    assert shira15["copies"] == 0 and shira15["conversion"] is None and shira15["revenue_per_copy"] is None
    assert shira15["top_products"] == [
        {"product": "Extra virgin 2L", "orders": 2},
        {"product": "Extra virgin 750ml", "orders": 2},
        {"product": "Gift box", "orders": 1},
        {"product": "Olive oil soap", "orders": 1},
    ]


def test_conversion_and_revenue_per_copy_count_copies(db):
    ids = build(db)
    add_copies(db, ids["shira"], "SHIRA15", [at("2026-10-02", f"1{i}:00") for i in range(6)])
    shira15 = call(db, "coupon_stats", {"code": "SHIRA15"}, ids["shira"]).data["coupons"][0]
    assert (shira15["copies"], shira15["conversion"], shira15["revenue_per_copy"]) == (6, 0.5, "126.00")


def test_periods_are_months_in_the_tenant_zone(db):
    ids = build(db)
    # 22:30 UTC on 31 October is 00:30 on 1 November in Jerusalem: a November copy.
    add_copies(db, ids["shira"], "SHIRA15", [dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC)])
    november = call(db, "coupon_stats", {"code": "SHIRA15", "period": "month"}, ids["shira"]).data
    assert november["period"] == {"from": "2026-11-01", "to": "2026-11-30", "name": "month"}
    row = november["coupons"][0]
    assert (row["copies"], row["redemptions"], row["revenue"], row["items_per_order"]) == (
        1,
        1,
        "364.00",
        3.0,
    )
    october = call(db, "coupon_stats", {"partnership": "olivia", "period": "last_month"}, ids["shira"]).data
    # OL-1001 212 + OL-1002 180 = 392.00; 392 / 2 = 196.00; items (2 + 1) / 2 = 1.5
    assert (
        october["total"]["redemptions"],
        october["total"]["revenue"],
        october["total"]["average_basket"],
        october["total"]["items_per_order"],
    ) == (2, "392.00", "196.00", 1.5)


def test_totals_across_codes_and_other_tenants_never_counted(db):
    ids = build(db)
    total = call(db, "coupon_stats", {}, ids["shira"]).data["total"]
    # SHIRA15 756 + GREEN50 240 = 996.00 over 4 orders; items 7 / 4 = 1.75
    assert (total["redemptions"], total["revenue"], total["average_basket"], total["items_per_order"]) == (
        4,
        "996.00",
        "249.00",
        1.75,
    )
    noa = call(db, "coupon_stats", {"code": "SHIRA15"}, ids["noa"]).data["coupons"][0]
    assert noa["revenue"] == "3000.00"
    unknown = call(db, "coupon_stats", {"code": "NOPE"}, ids["shira"])
    assert not unknown.ok and unknown.error["field"] == "code"
    backwards = call(db, "coupon_stats", {"date_from": "2026-11-10", "date_to": "2026-11-01"}, ids["shira"])
    assert not backwards.ok and "date_to is before date_from" in backwards.error["reason"]


def test_conversation_stats_for_followers_only(db):
    ids = build(db)
    add_followers_activity(db, ids["shira"])
    week = call(db, "conversation_stats", {}, ids["shira"]).data
    assert (week["in_progress"], week["started"], week["closed"], week["messages_in"]) == (2, 2, 0, 4)
    assert week["top_intents"] == [
        {"intent": "coupon_request", "messages": 3},
        {"intent": "support_issue", "messages": 1},
    ]
    assert week["busiest_hours"] == [{"hour": "20:00", "messages": 3}, {"hour": "08:00", "messages": 1}]
    assert (week["open_issues"], week["open_issues_by_kind"], week["handoffs_waiting"]) == (
        1,
        {"order_missing": 1},
        1,
    )
    month = call(db, "conversation_stats", {"period": "month"}, ids["shira"]).data
    assert (month["started"], month["closed"], month["messages_in"]) == (4, 2, 7)
    assert call(db, "conversation_stats", {"period": "month"}, ids["noa"]).data["messages_in"] == 0


def test_daily_digest_against_a_fixed_clock(db):
    ids = build(db)
    shira = ids["shira"]
    with db.admin_session() as s:  # the import is not news on the day of this digest
        s.execute(update(Partnership).values(updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    add_followers_activity(db, shira)
    add_copies(
        db,
        shira,
        "SHIRA15",
        [at("2026-11-23", "08:00"), at("2026-11-23", "08:30"), at("2026-11-22", "12:00")],
    )
    call(
        db,
        "create_task",
        {"title": "Reply to Lumi", "due_date": "2026-11-20"},
        shira,
        now=NOW - dt.timedelta(days=5),
    )
    call(
        db,
        "create_task",
        {"title": "Post GreenBox story", "due_date": "2026-11-23", "due_time": "18:00"},
        shira,
    )
    call(db, "create_invoice", {"partnership": "greenbox", "amount": 6000, "due": "2026-11-27"}, shira)
    earlier = NOW - dt.timedelta(hours=2)
    call(db, "update_partnership", {"partnership": "lumi", "status": "negotiation"}, shira, now=earlier)
    call(
        db,
        "update_partnership",
        {"partnership": "sababa", "next_follow_up": "2026-11-23"},
        shira,
        now=earlier,
    )

    digest = call(db, "daily_digest", {}, shira).data
    assert digest["date"] == "2026-11-23"
    assert [(t["title"], t["due_time"]) for t in digest["tasks_today"]] == [("Post GreenBox story", "18:00")]
    assert [(t["title"], t["days_late"]) for t in digest["tasks_overdue"]] == [("Reply to Lumi", 3)]
    assert [(i["number"], i["amount"], i["days_left"]) for i in digest["payments_due"]] == [
        ("1043", "6000.00", 4)
    ]
    assert digest["payments_overdue"] == []
    assert (
        digest["new_conversations"],
        digest["conversations_in_progress"],
        digest["open_issues"],
        digest["handoffs_waiting"],
    ) == (2, 2, 1, 1)
    assert [i["summary"] for i in digest["new_issues"]] == ["order OL-2001 never arrived"]
    changes = [(c["partnership"], c["after"]) for c in digest["partnership_changes"]]
    assert changes == [("lumi", {"status": "negotiation"}), ("sababa", {"next_follow_up": "2026-11-23"})]
    assert [f["ref"] for f in digest["follow_ups_due"]] == ["sababa"]
    assert digest["coupons"]["total"] == {"copies": 2, "redemptions": 0, "revenue": "0.00", "currency": None}
    assert digest["coupons"]["by_code"] == [
        {"code": "SHIRA15", "copies": 2, "redemptions": 0, "revenue": "0.00"}
    ]


def test_digest_of_a_past_day_shows_that_day_coupon_numbers(db):
    ids = build(db)
    digest = call(db, "daily_digest", {"date": "2026-11-02"}, ids["shira"]).data
    assert digest["coupons"]["by_code"] == [
        {"code": "SHIRA15", "copies": 0, "redemptions": 1, "revenue": "364.00"}
    ]
    assert digest["window"] == {"since": "2026-11-01T22:00:00+00:00", "until": "2026-11-02T22:00:00+00:00"}


def test_the_digest_shows_the_next_week_coming_up_not_only_today(db):
    ids = build(db)
    shira = ids["shira"]
    for title, due in (("Film Olivia reel", "2026-11-25"), ("Send GreenBox invoice", "2026-11-30"),
                       ("Plan December", "2026-12-05")):
        call(db, "create_task", {"title": title, "due_date": due}, shira)
    digest = call(db, "daily_digest", {}, shira).data  # Monday 2026-11-23
    coming = [(t["title"], t["due_date"]) for t in digest["tasks_upcoming"] if t["title"] in
              {"Film Olivia reel", "Send GreenBox invoice", "Plan December"}]
    assert coming == [("Film Olivia reel", "2026-11-25"), ("Send GreenBox invoice", "2026-11-30")]  # 12-05: later
