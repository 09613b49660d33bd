"""Owner reminders by default, on the real WhatsApp sender against the fake Twilio API: a task the day
before it is due and the day after, an invoice three days before; once each; none for what is done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from channel_support import NOW, OWNER_PHONE, post_signed, wait_until, webhook_params
from sqlalchemy import select, update

from channels import reminders, scheduler
from store.models import Invoice, Partnership, ScheduledJob, SupportIssue, Task, Tenant

TUESDAY = dt.date(2026, 11, 24)  # NOW is Monday 10:00 in Jerusalem


def _tenant(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(Tenant.id).where(Tenant.handle == "maya.glow"))


def _add(db, tenant_id: int) -> None:
    with db.admin_session() as s:
        s.execute(update(Task).values(status="completed"))  # only this test's own items are open
        s.execute(update(Invoice).values(status="paid"))
        s.execute(update(Partnership).values(status="completed"))  # nor partnership dates nor proposals
        s.execute(update(SupportIssue).values(status="closed"))
        s.add(Task(tenant_id=tenant_id, title="Film the Silka reel", status="pending", priority="medium",
                   type="content", due_date=TUESDAY))
        s.add(Invoice(tenant_id=tenant_id, number="9001", amount=Decimal("1200"), currency="ILS", status="sent",
                      due=dt.date(2026, 11, 26)))


def _owner_messages(twilio) -> list[str]:
    return [m["body"] or "" for m in twilio.messages if m["to"] == f"whatsapp:{OWNER_PHONE}"]


def test_reminders_reach_the_owner_once_and_not_for_what_is_done(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _add(demo_db, tenant_id)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-R0", "היי", sender=OWNER_PHONE))
    wait_until(lambda: _owner_messages(twilio))  # her window is open
    sender = client.app.state.runtime.sender

    # Monday: the task is due tomorrow, the invoice on Thursday (three days ahead): both now.
    assert reminders.plan(demo_db, now=NOW) == 2
    assert scheduler.run_due(demo_db, sender, now=NOW, plan=False) == {"done": 2}
    sent = _owner_messages(twilio)[-2:]
    assert any("Film the Silka reel" in m and m.startswith("⏰") for m in sent)
    assert any("9001" in m and "1,200.00 ILS" in m for m in sent)
    assert reminders.plan(demo_db, now=NOW) == 0  # planned once
    assert reminders.plan(demo_db, now=NOW + dt.timedelta(days=1)) == 0  # Tuesday: nothing new

    # Wednesday the task would be overdue, but it was done by then.
    with demo_db.admin_session() as s:
        s.execute(update(Task).where(Task.title == "Film the Silka reel").values(status="completed"))
    wednesday = NOW + dt.timedelta(days=2)
    reminders.plan(demo_db, now=wednesday)
    scheduler.run_due(demo_db, sender, now=wednesday, plan=False)
    assert not any("was due" in m or "הייתה להגשה" in m for m in _owner_messages(twilio))  # done: no overdue note
    with demo_db.admin_session() as s:
        kinds = sorted((j.payload["trigger"], j.status) for j in s.scalars(
            select(ScheduledJob).where(ScheduledJob.kind == "reminder")))
    assert kinds == [("invoice_due", "done"), ("task_due", "done")]


def test_an_invoice_three_days_ahead_and_a_paid_one_cancelled(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _add(demo_db, tenant_id)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-R1", "hi", sender=OWNER_PHONE))
    wait_until(lambda: _owner_messages(twilio))
    sender = client.app.state.runtime.sender
    with demo_db.admin_session() as s:
        s.execute(update(Invoice).where(Invoice.number == "9001").values(due=dt.date(2026, 11, 27)))
    friday_before = NOW + dt.timedelta(days=1)  # Tuesday: three days before Friday 27th
    assert reminders.plan(demo_db, now=friday_before) >= 1
    scheduler.run_due(demo_db, sender, now=friday_before, plan=False)
    assert any("9001" in m and "1,200.00 ILS" in m for m in _owner_messages(twilio))
    with demo_db.admin_session() as s:
        s.execute(update(Invoice).where(Invoice.number == "9001").values(status="paid"))
    saturday = NOW + dt.timedelta(days=5)
    reminders.plan(demo_db, now=saturday)
    scheduler.run_due(demo_db, sender, now=saturday, plan=False)
    assert not any("9001" in m and ("still unpaid" in m or "לא שולמה" in m) for m in _owner_messages(twilio))


def test_rules_set_by_chat_change_the_reminders_and_the_follow_ups(client, twilio, demo_db):
    from store import owners as owner_store

    tenant_id = _tenant(demo_db)
    _add(demo_db, tenant_id)
    with demo_db.admin_session() as s:
        token = owner_store.create_token(session=s, tenant_id=tenant_id, label="rules")
    owner = {"Authorization": f"Bearer {token}"}
    rules = {r["trigger"]: r for r in client.get("/owner/v1/rules", headers=owner).json()["rules"]}
    assert rules["invoice_due"] == {"trigger": "invoice_due", "days": 3, "active": True, "audience": "owner",
                                    "repeat": "none", "channel": "whatsapp", "template": None}
    bad = client.patch("/owner/v1/rules/invoice_due", headers=owner, json={})
    assert bad.status_code == 422  # neither days nor on/off: one clear error, nothing changed
    off = client.patch("/owner/v1/rules/invoice_due", headers=owner, json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.patch("/owner/v1/rules/nonsense", headers=owner, json={"days": 2}).status_code == 422

    # Monday: the invoice reminder is off; the task one is on (due tomorrow).
    assert reminders.plan(demo_db, now=NOW) == 1
    with demo_db.admin_session() as s:
        subjects = [j.payload["trigger"] for j in s.scalars(select(ScheduledJob))]
    assert subjects == ["task_due"]
    # A job planned under an old rule does not fire once the owner changed it.
    client.patch("/owner/v1/rules/task_due", headers=owner, json={"days": 2})
    sender = client.app.state.runtime.sender
    assert scheduler.run_due(demo_db, sender, now=NOW, plan=False) == {"cancelled": 1}
