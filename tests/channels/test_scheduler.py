"""The scheduler: a code shown to a follower schedules "did it work?" three days later; it is sent only
with consent, never in quiet hours, once; a job runs once with two workers, survives a restart, and a
failing one is retried and then kept as dead with its error."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from channel_support import HANDLE, NOW
from sqlalchemy import func, select, update

from channels import scheduler
from store.models import Contact, Message, ScheduledJob, Survey

LATER = NOW + dt.timedelta(days=3, hours=1)  # Thursday 11:00 in Jerusalem


def _shown_a_code(client) -> str:
    cid = client.post("/api/conversations", json={"influencer": HANDLE}).json()["conversation_id"]
    reply = client.post(f"/api/conversations/{cid}/messages", json={"text": "יש קוד לסילקה?"}).json()
    assert "SILKA20" in reply["reply"]["text"]
    return cid


def _consent(db, value: str = "granted") -> None:
    with db.admin_session() as s:
        s.execute(update(Contact).where(Contact.channel == "web").values(consent=value))


def _jobs(db) -> list[tuple[str, str, str | None]]:
    with db.admin_session() as s:
        return [(j.kind, j.status, j.last_error) for j in s.scalars(select(ScheduledJob).order_by(ScheduledJob.id))]


def _sender(client):
    return client.app.state.runtime.sender


def test_a_code_shown_is_followed_up_three_days_later_with_consent_once(client, demo_db):
    cid = _shown_a_code(client)
    client.post(f"/api/conversations/{cid}/messages", json={"text": "ויש קוד לסילקה גם למשלוח?"})
    assert _jobs(demo_db) == [("follow_up", "todo", None)]  # one per contact and code, however often shown
    _consent(demo_db)
    # (plan=False here: owner reminders of the demo's tasks are their own tests)
    assert scheduler.run_due(demo_db, _sender(client), now=NOW + dt.timedelta(days=2), plan=False) == {}  # not due
    assert scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False) == {"done": 1}
    history = client.get(f"/api/conversations/{cid}/messages").json()["messages"]
    assert "SILKA20" in history[-1]["text"] and history[-1]["by"] == "system"  # shown when the widget opens
    with demo_db.admin_session() as s:
        asked = s.scalars(select(Survey)).all()
    assert [(a.kind, a.score, a.answered_at) for a in asked] == [("coupon", None, None)]
    again = scheduler.run_due(demo_db, _sender(client), now=LATER + dt.timedelta(days=1), plan=False)
    assert again == {}  # never twice


def test_no_consent_no_follow_up_and_withdrawal_cancels(client, demo_db):
    _shown_a_code(client)
    assert scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False) == {"cancelled": 1}
    assert _jobs(demo_db) == [("follow_up", "cancelled", "no consent (unknown)")]
    with demo_db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Message).where(Message.meta["follow_up"].isnot(None))) == 0


def test_quiet_hours_move_the_follow_up_to_nine_in_the_morning(client, demo_db):
    _shown_a_code(client)
    _consent(demo_db)
    night = dt.datetime(2026, 11, 26, 20, 30, tzinfo=dt.UTC)  # 22:30 in Jerusalem
    assert scheduler.run_due(demo_db, _sender(client), now=night, plan=False) == {"later": 1}
    with demo_db.admin_session() as s:
        job = s.scalars(select(ScheduledJob)).one()
    assert job.status == "todo" and job.due_at == dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)  # 09:00 local
    assert scheduler.run_due(demo_db, _sender(client), now=job.due_at, plan=False) == {"done": 1}


def test_two_workers_run_each_job_once(client, demo_db):
    from store import schedule as schedule_store

    _shown_a_code(client)
    _consent(demo_db)
    with demo_db.admin_session() as s:
        job = s.scalars(select(ScheduledJob)).one()
        for n in range(30):  # more of the same follow-up, for other subjects
            schedule_store.schedule(session=s, tenant_id=job.tenant_id, kind="follow_up", due_at=job.due_at,
                                    payload=dict(job.payload), dedupe_key=f"extra:{n}")
    results: list[dict[str, int]] = []

    def worker() -> None:
        results.append(scheduler.run_due(demo_db, _sender(client), now=LATER, limit=5, plan=False))

    while sum(n for r in results for n in r.values()) < 31:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) < 40, "the jobs never all ran"
    with demo_db.admin_session() as s:
        statuses = dict(s.execute(select(ScheduledJob.status, func.count()).group_by(ScheduledJob.status)).all())
        asked = s.scalar(select(func.count()).select_from(Survey))
    # Each job ran exactly once: two were sent (the weekly limit), the rest cancelled for it, none twice.
    assert statuses == {"done": 2, "cancelled": 29} and asked == 2


def test_a_failing_job_is_retried_then_dead_with_its_error(client, demo_db, monkeypatch):
    _shown_a_code(client)

    def broken(*args, **kwargs):
        raise RuntimeError("the shop API is down")

    monkeypatch.setitem(scheduler.HANDLERS, "follow_up", broken)
    when = LATER
    outcomes = []
    for _ in range(3):
        outcomes.append(scheduler.run_due(demo_db, _sender(client), now=when, plan=False))
        when += dt.timedelta(hours=1)  # past every backoff
    assert outcomes == [{"todo": 1}, {"todo": 1}, {"dead": 1}]
    assert _jobs(demo_db) == [("follow_up", "dead", "RuntimeError: the shop API is down")]
    # The operator fixed the shop API and runs `influencer-os jobs retry --scheduled ID`.
    from store import schedule as schedule_store

    monkeypatch.undo()
    _consent(demo_db)
    with demo_db.admin_session() as s:
        assert schedule_store.revive(session=s, at=when, job_id=10**9) == 0  # no such dead job
        assert schedule_store.revive(session=s, at=when) == 1
    assert scheduler.run_due(demo_db, _sender(client), now=when, plan=False) == {"done": 1}


def test_a_scheduled_job_survives_a_restart(client, demo_db):
    from store.db import Database

    _shown_a_code(client)
    _consent(demo_db)
    # another process's view: new pools, nothing in memory
    fresh = Database(demo_db.admin_url, demo_db.redis_url, app_url=demo_db.url)
    try:
        assert scheduler.run_due(fresh, _sender(client), now=LATER, plan=False) == {"done": 1}
    finally:
        fresh.dispose()


@pytest.mark.parametrize("words", ["stop", "תמחקו אותי"])
def test_withdrawing_consent_cancels_waiting_follow_ups(client, demo_db, words):
    cid = _shown_a_code(client)
    _consent(demo_db)
    client.post(f"/api/conversations/{cid}/messages", json={"text": words})
    assert [s for _, s, _ in _jobs(demo_db)] == ["cancelled"]


def test_the_followers_answer_fills_the_survey_and_a_low_score_opens_an_issue(client, demo_db):
    from store.models import Event, SupportIssue

    cid = _shown_a_code(client)
    _consent(demo_db)
    scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False)
    answered = client.post(f"/api/conversations/{cid}/messages", json={"text": "4"}).json()
    assert answered["reply"]["text"]  # thanked, not asked what "4" means
    with demo_db.admin_session() as s:
        survey = s.scalars(select(Survey)).one()
        assert (survey.score, survey.comment, survey.answered_at is not None) == (4, None, True)
        assert s.scalar(select(func.count()).select_from(SupportIssue)) == 0

    other = _shown_a_code(client)  # another visitor, whose code did not work
    _consent(demo_db)
    scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False)
    client.post(f"/api/conversations/{other}/messages", json={"text": "לא עבד לי, כתב שהקוד לא בתוקף"})
    with demo_db.admin_session() as s:
        low = s.scalars(select(Survey).where(Survey.conversation_id == other)).one()
        issue = s.scalars(select(SupportIssue)).one()
        told = s.scalars(select(Event.kind).where(Event.kind == "support_issue_opened")).all()
    assert low.score == 1 and "לא בתוקף" in (low.comment or "")
    assert issue.kind == "code_not_working" and "SILKA20" in issue.summary and told == ["support_issue_opened"]
    again = client.post(f"/api/conversations/{cid}/messages", json={"text": "5"}).json()  # nothing pending now
    with demo_db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Survey).where(Survey.score == 5)) == 0
    assert again["reply"]["text"]


def test_words_without_a_score_are_kept_and_the_score_may_still_come(client, demo_db):
    cid = _shown_a_code(client)
    _consent(demo_db)
    scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False)
    client.post(f"/api/conversations/{cid}/messages", json={"text": "thanks, it was a nice gift for my sister"})
    with demo_db.admin_session() as s:
        survey = s.scalars(select(Survey)).one()
        assert survey.score is None and survey.answered_at is None and "gift" in (survey.comment or "")
    client.post(f"/api/conversations/{cid}/messages", json={"text": "5"})
    with demo_db.admin_session() as s:
        survey = s.scalars(select(Survey)).one()
        assert survey.score == 5 and survey.answered_at is not None and "gift" in (survey.comment or "")


def test_satisfaction_shows_in_coupon_stats(client, demo_db):
    from sqlalchemy import select as sql_select

    from store import owners as owner_store
    from store.models import Tenant

    cid = _shown_a_code(client)
    _consent(demo_db)
    scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False)
    client.post(f"/api/conversations/{cid}/messages", json={"text": "4"})
    with demo_db.admin_session() as s:
        tenant = s.scalar(sql_select(Tenant).where(Tenant.handle == HANDLE))
        token = owner_store.create_token(session=s, tenant_id=tenant.id, label="stats")
    stats = client.get("/owner/v1/stats/coupons", headers={"Authorization": f"Bearer {token}"}).json()
    silka = next(c for c in stats["coupons"] if c["code"] == "SILKA20")
    assert silka["satisfaction"] == {"answers": 1, "mean_score": 4.0}
    assert stats["total"]["satisfaction"] == {"answers": 1, "mean_score": 4.0}
    assert all(c["satisfaction"] is None for c in stats["coupons"] if c["code"] != "SILKA20")


def test_the_digest_reports_yesterdays_satisfaction(client, demo_db, clock):
    from store import owners as owner_store

    cid = _shown_a_code(client)
    _consent(demo_db)
    scheduler.run_due(demo_db, _sender(client), now=LATER, plan=False)
    clock.now = LATER + dt.timedelta(hours=1)  # the follower answers an hour after the question
    client.post(f"/api/conversations/{cid}/messages", json={"text": "⭐⭐⭐⭐"})
    clock.now = LATER + dt.timedelta(hours=20)  # the next morning's digest
    with demo_db.admin_session() as s:
        tenant_id = s.scalar(select(ScheduledJob.tenant_id))
        token = owner_store.create_token(session=s, tenant_id=tenant_id, label="digest")
    digest = client.get("/owner/v1/digest", headers={"Authorization": f"Bearer {token}"}).json()
    assert digest["satisfaction"] == {"answers": 1, "mean_score": 4.0}


def test_messages_older_than_the_retention_period_are_purged(client, demo_db):
    from channels import reminders
    from store.models import Tenant

    cid = _shown_a_code(client)
    assert reminders.purge_expired(demo_db, now=NOW + dt.timedelta(days=400)) == 0  # no retention set: kept
    with demo_db.admin_session() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.handle == HANDLE))
        tenant.settings = {**(tenant.settings or {}), "retention_days": 30}
    assert reminders.purge_expired(demo_db, now=NOW + dt.timedelta(days=29)) == 0
    assert reminders.purge_expired(demo_db, now=NOW + dt.timedelta(days=31)) == 2  # the question and its reply
    history = client.get(f"/api/conversations/{cid}/messages").json()["messages"]
    assert [m["text"] for m in history] == ["[expired]", "[expired]"]


@pytest.mark.parametrize("keyword", ["STOPALL", "REVOKE", "END", "UNSUBSCRIBE"])
def test_twilios_opt_out_keywords_withdraw_consent(client, demo_db, keyword):
    cid = _shown_a_code(client)
    _consent(demo_db)
    client.post(f"/api/conversations/{cid}/messages", json={"text": keyword})
    with demo_db.admin_session() as s:
        assert s.scalar(select(Contact.consent).where(Contact.channel == "web")) == "withdrawn"
    assert [s for _, s, _ in _jobs(demo_db)] == ["cancelled"]


def test_twilio_advanced_opt_out_withdraws_consent_without_a_second_reply(client, twilio, demo_db):
    from channel_support import post_signed, wait_until, webhook_params

    follower = "+972529990001"
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-OPT0", "אשמח לקבל עדכונים", sender=follower))
    wait_until(lambda: any(m["to"] == f"whatsapp:{follower}" for m in twilio.messages))
    with demo_db.admin_session() as s:
        assert s.scalar(select(Contact.consent).where(Contact.channel == "whatsapp")) == "granted"
    replies = sum(m["to"] == f"whatsapp:{follower}" for m in twilio.messages)
    # Twilio's Advanced Opt-Out recognised a custom keyword and answered it itself
    post_signed(client, "/channels/twilio/whatsapp",
                webhook_params("SM-OPT1", "די תודה", sender=follower, OptOutType="STOP"))

    def withdrawn() -> bool:
        with demo_db.admin_session() as s:
            return s.scalar(select(Contact.consent).where(Contact.channel == "whatsapp")) == "withdrawn"

    wait_until(withdrawn)
    assert sum(m["to"] == f"whatsapp:{follower}" for m in twilio.messages) == replies  # no reply of ours
