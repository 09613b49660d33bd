"""Owner reminders beyond tasks and invoices, on the real WhatsApp sender against the fake Twilio API: a
proposal left open a week, a partnership ending (a renewal suggested when it went well), a follower's issue
open a day, an overdue invoice with a draft for the brand; repeats; the template outside her window."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from channel_support import NOW, OWNER_PHONE, post_signed, wait_until, webhook_params
from sqlalchemy import select, update

from channels import reminders, scheduler
from store import rules as rule_store
from store.models import (
    Coupon,
    CouponEvent,
    Invoice,
    Partnership,
    ScheduledJob,
    SupportIssue,
    Task,
    Tenant,
)
from store.models_brands import BrandNote

TODAY = dt.date(2026, 11, 23)  # NOW is Monday 10:00 in Jerusalem


def _tenant(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(Tenant.id).where(Tenant.handle == "maya.glow"))


def _only_ours(db) -> None:
    with db.admin_session() as s:  # nothing of the demo data is due: only what each test adds
        s.execute(update(Task).values(status="completed"))
        s.execute(update(Invoice).values(status="paid"))
        s.execute(update(Partnership).values(status="completed"))
        s.execute(update(SupportIssue).values(status="closed"))


def _open_window(client, twilio, sid: str) -> None:
    post_signed(client, "/channels/twilio/whatsapp", webhook_params(sid, "היי", sender=OWNER_PHONE))
    wait_until(lambda: _to_owner(twilio))


def _to_owner(twilio) -> list[dict]:
    return [m for m in twilio.messages if m["to"] == f"whatsapp:{OWNER_PHONE}"]


def _run(client, db, now: dt.datetime) -> dict[str, int]:
    reminders.plan(db, now=now)
    return scheduler.run_due(db, client.app.state.runtime.sender, now=now, plan=False)


def test_overdue_invoice_carries_a_draft_for_the_brand_and_an_ending_partnership_its_results(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _only_ours(demo_db)
    with demo_db.admin_session() as s:
        good = Partnership(tenant_id=tenant_id, ref="t-glowup", brand="GlowUp", status="active",
                           start_date=TODAY - dt.timedelta(days=60), end_date=TODAY + dt.timedelta(days=7))
        quiet = Partnership(tenant_id=tenant_id, ref="t-dull", brand="Dullco", status="active",
                            start_date=TODAY - dt.timedelta(days=60), end_date=TODAY + dt.timedelta(days=7))
        s.add_all([good, quiet])
        s.flush()
        code = Coupon(tenant_id=tenant_id, partnership_id=good.id, code="GLOW30", discount_type="percent",
                      value=Decimal("30"), active=True)
        s.add(code)
        s.flush()
        s.add_all([CouponEvent(tenant_id=tenant_id, coupon_id=code.id, kind="copied", at=NOW - dt.timedelta(days=d))
                   for d in range(1, 26)])
        s.add(Invoice(tenant_id=tenant_id, partnership_id=good.id, number="7001", amount=Decimal("3500"),
                      currency="ILS", status="sent", due=TODAY - dt.timedelta(days=1)))
    _open_window(client, twilio, "SM-T0")

    assert _run(client, demo_db, NOW) == {"done": 3}
    texts = [m["body"] for m in _to_owner(twilio)[-3:]]
    invoice = next(t for t in texts if "7001" in t)
    assert "GlowUp" in invoice and "3,500.00 ILS" in invoice  # whose money, how much
    assert "Hi GlowUp team" in invoice or "היי צוות GlowUp" in invoice  # the draft for the brand
    glow = next(t for t in texts if "GlowUp" in t and "7001" not in t)
    assert "25" in glow and ("renewal" in glow or "חידוש" in glow)  # 25 copies: worth renewing
    dull = next(t for t in texts if "Dullco" in t)
    assert "renewal" not in dull and "חידוש" not in dull and ("0 code copies" in dull or "0 העתקות" in dull)
    assert _run(client, demo_db, NOW + dt.timedelta(hours=1)) == {}  # once each


def test_a_proposal_left_a_week_and_an_issue_left_a_day_remind_the_owner_until_handled(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _only_ours(demo_db)
    with demo_db.admin_session() as s:
        s.add(Partnership(tenant_id=tenant_id, ref="t-old", brand="OldPitch", status="proposal",
                          created_at=NOW - dt.timedelta(days=9), updated_at=NOW - dt.timedelta(days=8)))
        s.add(Partnership(tenant_id=tenant_id, ref="t-new", brand="FreshPitch", status="proposal",
                          created_at=NOW - dt.timedelta(days=2), updated_at=NOW - dt.timedelta(days=2)))
        s.add(SupportIssue(tenant_id=tenant_id, number=901, kind="order_missing", summary="order 5521 never came",
                           status="open", created_at=NOW - dt.timedelta(hours=25)))
        s.add(SupportIssue(tenant_id=tenant_id, number=902, kind="other", summary="fresh one",
                           status="open", created_at=NOW - dt.timedelta(hours=2)))
    _open_window(client, twilio, "SM-T1")

    assert _run(client, demo_db, NOW) == {"done": 2}
    texts = [m["body"] for m in _to_owner(twilio)[-2:]]
    assert any("OldPitch" in t for t in texts) and not any("FreshPitch" in t for t in texts)
    assert any("901" in t and "5521" in t for t in texts) and not any("902" in t for t in texts)

    # The fresh issue is closed before its day is up: its reminder never goes.
    with demo_db.admin_session() as s:
        s.execute(update(SupportIssue).where(SupportIssue.number == 902).values(status="closed"))
    later = NOW + dt.timedelta(hours=23)
    _run(client, demo_db, later)
    assert not any("902" in (m["body"] or "") for m in _to_owner(twilio))
    # The proposal answered (its stage moved on) gets no second reminder, even weekly.
    with demo_db.admin_session() as s:
        rule_store.set_rule(session=s, tenant_id=tenant_id, trigger="proposal_open", repeat="weekly")
        s.execute(update(Partnership).where(Partnership.ref == "t-old").values(status="negotiation"))
    _run(client, demo_db, NOW + dt.timedelta(days=7))
    assert sum("OldPitch" in (m["body"] or "") for m in _to_owner(twilio)) == 1


def test_a_repeating_reminder_goes_again_while_it_applies_and_a_stopped_one_never(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _only_ours(demo_db)
    with demo_db.admin_session() as s:
        s.add(Invoice(tenant_id=tenant_id, number="7002", amount=Decimal("900"), currency="ILS", status="overdue",
                      due=TODAY - dt.timedelta(days=10)))  # long overdue: no first reminder by default
        rule_store.set_rule(session=s, tenant_id=tenant_id, trigger="issue_open", active=False)
        s.add(SupportIssue(tenant_id=tenant_id, number=903, kind="other", summary="old issue", status="open",
                           created_at=NOW - dt.timedelta(hours=30)))
    _open_window(client, twilio, "SM-T2")
    assert _run(client, demo_db, NOW) == {}  # stale invoice, stopped issue rule: nothing

    with demo_db.admin_session() as s:
        rule_store.set_rule(session=s, tenant_id=tenant_id, trigger="invoice_overdue", repeat="daily")
    assert _run(client, demo_db, NOW) == {"done": 1}
    assert _run(client, demo_db, NOW + dt.timedelta(hours=3)) == {}  # once a day
    assert _run(client, demo_db, NOW + dt.timedelta(days=1)) == {"done": 1}  # and again tomorrow
    with demo_db.admin_session() as s:
        s.execute(update(Invoice).where(Invoice.number == "7002").values(status="paid"))
    assert _run(client, demo_db, NOW + dt.timedelta(days=2)) == {}  # paid: over
    assert sum("7002" in (m["body"] or "") for m in _to_owner(twilio)) == 2
    assert not any("903" in (m["body"] or "") for m in _to_owner(twilio))


def test_outside_her_window_the_template_still_names_the_subject(make_client, twilio_settings, twilio, demo_db):
    client = make_client(twilio_settings=twilio_settings.model_copy(update={"content_sid_reminder": "HX" + "d" * 32}))
    tenant_id = _tenant(demo_db)
    _only_ours(demo_db)
    with demo_db.admin_session() as s:
        p = Partnership(tenant_id=tenant_id, ref="t-late", brand="LatePay", status="active")
        s.add(p)
        s.flush()
        s.add(Invoice(tenant_id=tenant_id, partnership_id=p.id, number="7003", amount=Decimal("1200"),
                      currency="ILS", status="sent", due=TODAY - dt.timedelta(days=1)))
    # no message from the owner for days: the approved reminder template goes
    assert _run(client, demo_db, NOW) == {"done": 1}
    sent = _to_owner(twilio)[-1]
    variables = json.loads(sent["content_variables"])
    assert "7003" in variables["1"] and "LatePay" in variables["1"]
    with demo_db.admin_session() as s:
        job = s.scalars(select(ScheduledJob).where(ScheduledJob.kind == "reminder")).one()
        assert job.status == "done" and job.payload["trigger"] == "invoice_overdue"


def test_a_brand_item_open_a_week_reminds_the_owner_and_a_closed_one_does_not(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _only_ours(demo_db)
    with demo_db.admin_session() as s:
        brand = Partnership(tenant_id=tenant_id, ref="t-legal", brand="LegalCo", status="contract",
                            created_at=NOW - dt.timedelta(days=30), updated_at=NOW - dt.timedelta(days=30))
        s.add(brand)
        s.flush()
        s.add(BrandNote(tenant_id=tenant_id, partnership_id=brand.id, kind="legal", text="contract still unsigned",
                        status="open", created_at=NOW - dt.timedelta(days=8)))
        s.add(BrandNote(tenant_id=tenant_id, partnership_id=brand.id, kind="creative", text="draft by Thursday",
                        status="closed", created_at=NOW - dt.timedelta(days=9), closed_at=NOW - dt.timedelta(days=1)))
    _open_window(client, twilio, "SM-BN1")

    assert _run(client, demo_db, NOW) == {"done": 1}
    text = _to_owner(twilio)[-1]["body"]
    assert "LegalCo (legal): contract still unsigned" in text and "draft by Thursday" not in text
    assert "close item" in text or "תסגרי את הנושא" in text


def test_a_brand_payment_past_its_date_reminds_the_owner_unless_closed_or_not_financial(client, twilio, demo_db):
    tenant_id = _tenant(demo_db)
    _only_ours(demo_db)
    with demo_db.admin_session() as s:
        brand = Partnership(tenant_id=tenant_id, ref="t-pay", brand="PayCo", status="active",
                            created_at=NOW - dt.timedelta(days=30), updated_at=NOW - dt.timedelta(days=30))
        s.add(brand)
        s.flush()
        due = TODAY + dt.timedelta(days=2)
        s.add_all([BrandNote(tenant_id=tenant_id, partnership_id=brand.id, kind=kind, text=text, status="open",
                             created_at=NOW, due_date=due)
                   for kind, text in (("financial", "they will pay the fee"), ("creative", "reel draft"))])
        closed = BrandNote(tenant_id=tenant_id, partnership_id=brand.id, kind="financial", text="bonus transfer",
                           status="open", created_at=NOW, due_date=due)
        s.add(closed)
        s.flush()
        closed_id = closed.id
    _open_window(client, twilio, "SM-BP1")
    assert not _run(client, demo_db, NOW + dt.timedelta(days=2)).get("done")  # on its date: not yet
    with demo_db.admin_session() as s:
        s.get(BrandNote, closed_id).status = "closed"
    before = len(_to_owner(twilio))
    _run(client, demo_db, NOW + dt.timedelta(days=3))
    sent = [m["body"] for m in _to_owner(twilio)[before:] if "💸" in m["body"]]
    assert len(sent) == 1 and "PayCo (financial): they will pay the fee" in sent[0]
    assert not any("reel draft" in b or "bonus transfer" in b for b in sent)
