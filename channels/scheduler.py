"""The scheduler: runs the jobs in `scheduled_jobs` that are due, once across every worker process.

A job is claimed with FOR UPDATE SKIP LOCKED and finished in its own transaction; a failure is retried
(1, 4, 16 minutes) and then kept as dead with its error (`influencer-os jobs list --status dead`).
Jobs are rows in our PostgreSQL on the application's clock, so a restart loses nothing and tests and
evals move time by passing `now`.

Follow-ups ("did the code work?") go only to a contact who consented, never in quiet hours (by default
21:00-09:00 in the influencer's time zone: moved to their end), at most twice a week per contact (both are
the tenant's follower_limits), on WhatsApp inside
the 24-hour window or as the approved template (else recorded as not sent), on the web as a message
the visitor sees when they next open the widget. Each asks a survey the follower's next answer fills.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from channels import reminders
from channels._twilio_sender import WhatsAppSender
from store import contacts as contact_store
from store import conversations as conversation_store
from store import coupons as coupon_store
from store import inbox as inbox_store
from store import messages as message_store
from store import rules as rule_store
from store import schedule as schedule_store
from store import surveys as survey_store
from store import tenants as tenant_store
from store.locks import xact_lock
from store.records import DEFAULT_TIMEZONE, Tenant, utcnow

__all__ = ["run_due", "QUIET_HOURS", "WEEKLY_FOLLOW_UPS"]

log = logging.getLogger(__name__)

QUIET_HOURS = (rule_store.LIMITS["quiet_from"], rule_store.LIMITS["quiet_until"])  # by default 21:00-09:00
WEEKLY_FOLLOW_UPS = rule_store.LIMITS["weekly"]

FOLLOW_UP = {
    "he": "היי! 😊 רציתי לבדוק – הקוד {code} ל-{brand} עבד לך? אפשר לענות במספר 1–5 ⭐",
    "en": "Hi! 😊 Just checking – did the code {code} for {brand} work for you? Reply with a number 1–5 ⭐",
}


class Skip(Exception):
    """The job will not run, and why (recorded as cancelled)."""


class Later(Exception):
    """The job runs later (quiet hours)."""

    def __init__(self, due_at: dt.datetime, why: str) -> None:
        super().__init__(why)
        self.due_at = due_at


def _quiet_until(now: dt.datetime, timezone: str, hours: tuple[int, int] = QUIET_HOURS) -> dt.datetime | None:
    """When quiet hours (from, until; the influencer's time, the tenant's follower_limits) end, if `now`
    is inside them."""
    local = now.astimezone(ZoneInfo(timezone or DEFAULT_TIMEZONE))
    start, end = hours
    if start == end:
        return None  # no quiet hours
    inside = (local.hour >= start or local.hour < end) if start > end else start <= local.hour < end
    if not inside:
        return None
    day = local.date() + dt.timedelta(days=1 if start > end and local.hour >= start else 0)
    return dt.datetime.combine(day, dt.time(end), tzinfo=local.tzinfo).astimezone(dt.UTC)


def _follow_up(db: Any, sender: WhatsAppSender, tenant: Tenant, job: schedule_store.Claimed, now: dt.datetime) -> str:
    p = job.payload
    rule = rule_store.rules_of(tenant.settings)["coupon_follow_up"]
    limits = rule_store.limits_of(tenant.settings)
    if not rule.get("active", True):
        raise Skip("the owner stopped coupon follow-ups")
    with db.session(tenant_id=tenant.id) as session:
        contact = contact_store.get(session=session, tenant_id=tenant.id, contact_id=int(p.get("contact_id") or 0))
        coupon = coupon_store.get(session=session, tenant_id=tenant.id, coupon_id=int(p.get("coupon_id") or 0))
        if contact is None or coupon is None:
            raise Skip("its contact or coupon is gone")
        if contact.consent != "granted":
            raise Skip(f"no consent ({contact.consent})")
        if not coupon.active:
            raise Skip("the code is no longer active")
        quiet = _quiet_until(now, tenant.timezone, (limits["quiet_from"], limits["quiet_until"]))
        if quiet is not None:
            raise Later(quiet, "quiet hours")
        xact_lock(session, f"follow-ups:{tenant.id}:{contact.id}")  # two workers never both pass the limit
        week = survey_store.asked_since(session=session, tenant_id=tenant.id, contact_id=contact.id,
                                        since=now - dt.timedelta(days=7))
        if week >= limits["weekly"]:
            raise Skip(f"{week} follow-ups this week already")
        conv = conversation_store.get(session=session, tenant_id=tenant.id,
                                      conversation_id=str(p.get("conversation_id") or ""))
        if conv is None:
            raise Skip("its conversation is gone")
        if rule.get("channel") not in ("all", conv.channel):
            raise Skip(f"follow-ups go on {rule.get('channel')} only")
        language = inbox_store.follower_language(session=session, tenant_id=tenant.id, conversation_id=conv.id,
                                                 default=(tenant.languages or ["he"])[0])
        brand = coupon_store.brand_name(session=session, tenant_id=tenant.id, coupon=coupon) or coupon.code
        text = (rule.get("template") or FOLLOW_UP.get(language, FOLLOW_UP["en"])).format(code=coupon.code,
                                                                                           brand=brand)
        survey_store.ask(session=session, tenant_id=tenant.id, contact_id=contact.id, conversation_id=conv.id,
                         coupon_id=coupon.id, partnership_id=coupon.partnership_id, at=now)
        message_store.add_outbound(session=session, tenant_id=tenant.id, conversation_id=conv.id,
                                   channel=conv.channel, content=text, reply_to=None, language=language,
                                   meta={"by": "system", "follow_up": "coupon", "job": job.id}, at=now)
        channel, phone = conv.channel, contact.external_id
    if channel != "whatsapp":
        return "stored"
    outcome = sender.send(tenant_id=tenant.id, to=phone, purpose="follow_up", body=text,
                          conversation_id=p.get("conversation_id"), dedupe_key=f"job:{job.id}",
                          content_variables={"1": coupon.code, "2": brand}, to_role="follower")
    return outcome.status


def _reminder(db: Any, sender: WhatsAppSender, tenant: Tenant, job: schedule_store.Claimed, now: dt.datetime) -> str:
    try:
        return reminders.send(db, sender, tenant, job, now)
    except reminders.NotDue as exc:
        raise Skip(str(exc)) from None


HANDLERS: dict[str, Callable[[Any, WhatsAppSender, Tenant, schedule_store.Claimed, dt.datetime], str]] = {
    "follow_up": _follow_up,
    "reminder": _reminder,
}


def run_due(db: Any, sender: WhatsAppSender, *, now: dt.datetime | None = None, limit: int = 100,
            plan: bool = True) -> dict[str, int]:
    """Run every job due by `now` (the sender's clock by default), after planning owner reminders;
    counts by outcome."""
    now = now or sender.clock() or utcnow()
    if plan:
        reminders.plan(db, now=now)  # owner reminders of tasks and invoices, scheduled once each
        reminders.purge_expired(db, now=now)  # the retention period
    with db.admin_session() as session:  # the claim spans tenants; each job then runs as its tenant
        claimed = schedule_store.claim_due(session=session, now=now, limit=limit)
        tenants = {tid: tenant_store.get(session=session, tenant_id=tid)  # only the tenants of claimed jobs
                   for tid in {job.tenant_id for job in claimed}}
        session.expunge_all()
    done: dict[str, int] = {}
    for job in claimed:
        tenant = tenants.get(job.tenant_id)
        status, note, later = "done", None, None
        try:
            handler = HANDLERS.get(job.kind)
            if handler is None or tenant is None:
                raise Skip(f"no handler for {job.kind!r}" if handler is None else "its influencer is gone")
            note = handler(db, sender, tenant, job, now)
        except Skip as exc:
            status, note = "cancelled", str(exc)
        except Later as exc:
            status, note, later = "later", str(exc), exc.due_at
        except Exception as exc:  # retried, then dead with its error; never lost, never forever
            log.warning("job %s (%s) failed: %s", job.id, job.kind, type(exc).__name__)
            with db.admin_session() as session:
                status = schedule_store.retry_or_dead(session=session, job_id=job.id, attempts=job.attempts, at=now,
                                                      error=f"{type(exc).__name__}: {exc}")
            done[status] = done.get(status, 0) + 1
            continue
        with db.admin_session() as session:
            if later is not None:
                schedule_store.reschedule(session=session, job_id=job.id, due_at=later, note=note or "")
            else:
                schedule_store.finish(session=session, job_id=job.id, status=status, at=now, note=note)
        done[status] = done.get(status, 0) + 1
    return done
