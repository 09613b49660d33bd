"""Owner tools for tasks: today/week/overdue in the tenant's zone, create, complete, reschedule, ambiguity."""

from __future__ import annotations

import datetime as dt

from _owner_world import NOW, build, call, confirm_sentence
from sqlalchemy import select

from store.models import Task


def titles(tasks: list[dict]) -> list[str]:
    return [t["title"] for t in tasks]


def test_this_week_runs_sunday_to_saturday_in_israel(db):
    ids = build(db)
    result = call(db, "list_tasks", {"when": "week"}, ids["shira"])
    assert result.ok and result.data["range"] == {"from": "2026-11-22", "to": "2026-11-28"}
    assert titles(result.data["tasks"]) == ["Send GreenBox stories for approval", "Film Olivia reel #2"]


def test_today_also_lists_what_is_late(db):
    ids = build(db)
    call(db, "create_task", {"title": "Reply to Lumi", "due_date": "2026-11-23"}, ids["shira"])
    later = NOW + dt.timedelta(days=2)  # Wednesday: the GreenBox task (due Tuesday) is late
    result = call(db, "list_tasks", {"when": "today"}, ids["shira"], now=later)
    assert titles(result.data["tasks"]) == []
    assert titles(result.data["overdue"]) == ["Reply to Lumi", "Send GreenBox stories for approval"]
    assert all(t["overdue"] for t in result.data["overdue"])


def test_today_is_the_tenant_day_not_the_utc_day(db):
    ids = build(db)
    # 22:30 UTC on Monday is 00:30 on Tuesday in Jerusalem: the task due Tuesday is today's.
    result = call(
        db,
        "list_tasks",
        {"when": "today"},
        ids["shira"],
        now=dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.UTC),
    )
    assert result.data["today"] == "2026-11-24"
    assert titles(result.data["tasks"]) == ["Send GreenBox stories for approval"]


def test_by_partnership_by_status_and_overdue(db):
    ids = build(db)
    assert titles(call(db, "list_tasks", {"partnership": "גרינבוקס"}, ids["shira"]).data["tasks"]) == [
        "Send GreenBox stories for approval"
    ]
    assert titles(call(db, "list_tasks", {"status": "completed"}, ids["shira"]).data["tasks"]) == [
        "Invoice KitchenPro"
    ]
    late = call(db, "list_tasks", {"when": "overdue"}, ids["shira"], now=NOW + dt.timedelta(days=5))
    assert titles(late.data["tasks"]) == ["Send GreenBox stories for approval", "Film Olivia reel #2"]


def test_create_with_a_local_time_stores_utc_and_shows_local(db):
    ids = build(db)
    result = call(
        db,
        "create_task",
        {
            "title": "להתקשר לאוליביה",
            "due_date": "2026-11-24",
            "due_time": "10:00",
            "partnership": "לאוליביה",
            "priority": "high",
        },
        ids["shira"],
    )
    assert result.ok, result.error
    task = result.data["task"]
    assert (task["due_date"], task["due_time"], task["partnership"]["ref"]) == (
        "2026-11-24",
        "10:00",
        "olivia",
    )
    with db.admin_session() as s:
        row = s.get(Task, task["id"])
        assert row.due_at == dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)  # Israel is UTC+2 in November


def test_create_accepts_one_iso_due_and_refuses_the_past(db):
    ids = build(db)
    ok = call(db, "create_task", {"title": "Shoot", "due": "2026-11-27T18:30"}, ids["shira"])
    assert ok.data["task"]["due_date"] == "2026-11-27" and ok.data["task"]["due_time"] == "18:30"
    past = call(db, "create_task", {"title": "Shoot", "due_date": "2026-11-20"}, ids["shira"])
    assert not past.ok and past.error["field"] == "due_date" and "past" in past.error["reason"]
    bad = call(db, "create_task", {"title": "Shoot", "priority": "critical"}, ids["shira"])
    assert not bad.ok and bad.error["field"] == "priority"
    empty = call(db, "create_task", {"title": ""}, ids["shira"])
    assert not empty.ok and empty.error["field"] == "title"


def test_complete_by_words_of_the_title(db):
    ids = build(db)
    result = call(db, "update_task", {"task": "olivia reel", "status": "completed"}, ids["shira"])
    assert result.ok and result.data["task"]["title"] == "Film Olivia reel #2"
    assert result.data["task"]["status"] == "completed" and "completed_at" in result.data["changed"]


def test_two_olivia_tasks_make_an_error_listing_both(db):
    ids = build(db)
    call(
        db, "create_task", {"title": "Call Olivia about the contract", "partnership": "olivia"}, ids["shira"]
    )
    result = call(db, "update_task", {"task": "Olivia", "complete": True}, ids["shira"])
    assert not result.ok and result.error["code"] == "ambiguous" and result.error["field"] == "task"
    assert (
        "Film Olivia reel #2" in result.error["reason"]
        and "Call Olivia about the contract" in result.error["reason"]
    )


def test_reschedule_keeps_the_time_of_day(db):
    ids = build(db)
    created = call(
        db, "create_task", {"title": "Call Lumi", "due_date": "2026-11-24", "due_time": "10:00"}, ids["shira"]
    ).data["task"]
    moved = call(db, "update_task", {"task": created["id"], "due_date": "2026-11-27"}, ids["shira"])
    assert (moved.data["task"]["due_date"], moved.data["task"]["due_time"]) == ("2026-11-27", "10:00")
    prio = call(db, "update_task", {"task": f"#{created['id']}", "priority": "urgent"}, ids["shira"])
    assert prio.data["task"]["priority"] == "urgent" and prio.data["changed"] == ["priority"]


def test_cancel_is_confirmed_and_other_changes_are_not(db):
    ids = build(db)
    sentence = confirm_sentence(
        db, "update_task", {"task": "GreenBox stories", "status": "cancelled"}, ids["shira"]
    )
    assert sentence == 'Cancel task #2 "Send GreenBox stories for approval", due 2026-11-24'
    assert confirm_sentence(db, "update_task", {"task": 2, "complete": True}, ids["shira"]) is None


def test_update_errors_name_the_field(db):
    ids = build(db)
    missing = call(db, "update_task", {"task": 999, "complete": True}, ids["shira"])
    assert not missing.ok and missing.error["code"] == "not_found" and missing.error["field"] == "task"
    nothing = call(db, "update_task", {"task": 1}, ids["shira"])
    assert not nothing.ok and "nothing to change" in nothing.error["reason"]
    past = call(db, "update_task", {"task": 1, "due_date": "2026-01-01"}, ids["shira"])
    assert not past.ok and past.error["field"] == "due_date"
    with db.admin_session() as s:
        assert s.get(Task, 1).due_date == dt.date(2026, 11, 26)  # a refused change leaves the task as it was
        assert s.scalars(select(Task).where(Task.status == "cancelled")).all() == []


def test_a_brand_word_alone_finds_the_one_task_of_that_brand(db):
    ids = build(db)
    result = call(db, "update_task", {"task": "Lumi quote", "priority": "high"}, ids["shira"])
    assert result.ok and result.data["task"]["title"] == "להכין הצעת מחיר ללומי"
