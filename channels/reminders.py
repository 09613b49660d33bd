"""Owner reminders by default: a task the day before it is due and the day after it was due, an invoice
three days before its due date and the day after it. Each is a scheduled job at 09:00 in the
influencer's time zone (once per subject, due date and kind: a new due date is a new reminder), sent
to the owner's and managers' WhatsApp; one whose task is done or invoice paid by then is cancelled.

`plan` finds what needs a reminder and schedules it; the scheduler runs it (channels.scheduler).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from channels._twilio_sender import WhatsAppSender
from store import invoices as invoice_store
from store import owners as owner_store
from store import reminders as reminder_store
from store import rules as rule_store
from store import schedule as schedule_store
from store import tasks as task_store
from store import tenants as tenant_store
from store.records import DEFAULT_TIMEZONE, Tenant

__all__ = ["plan", "send", "purge_expired", "RULES", "HOUR"]

HOUR = 9  # reminders go out at 09:00, the influencer's time
# (subject, when, days: before the due date for "soon", after it for "overdue")
RULES = (("task", "soon", 1), ("task", "overdue", 1), ("invoice", "soon", 3), ("invoice", "overdue", 1))
_STALE_DAYS = 7  # nothing is reminded about for the first time a week after it was due


def _active_rules(rules: dict[str, dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(subject, when, days) of the tenant's reminder rules that are on (store.rules: defaults = RULES)."""
    out = []
    for subject, when, _ in RULES:
        rule = rules.get(f"{subject}_{'due' if when == 'soon' else 'overdue'}") or {}
        if rule.get("active", True):
            days = int(rule.get("days") or 0)
            out.append((subject, when, days if when == "soon" else max(1, days)))
    return out


class NotDue(Exception):
    """The reminder no longer applies, and why."""


def _at(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(HOUR), tzinfo=ZoneInfo(timezone or DEFAULT_TIMEZONE)).astimezone(dt.UTC)


def plan(db: Any, *, now: dt.datetime) -> int:
    """Schedule the reminders of every tenant's open tasks and unpaid invoices; how many are new."""
    with db.admin_session() as session:
        tenants = [(t.id, t.timezone or DEFAULT_TIMEZONE, rule_store.rules_of(t.settings))
                   for t in tenant_store.list_all(session=session)]
    added = 0
    for tenant_id, timezone, rules in tenants:
        active = _active_rules(rules)
        if not active:
            continue
        today = now.astimezone(ZoneInfo(timezone)).date()
        since, until = today - dt.timedelta(days=_STALE_DAYS), today + dt.timedelta(days=max(r[2] for r in active))
        with db.session(tenant_id=tenant_id) as session:
            items: list[tuple[str, int, dt.date]] = [
                ("task", t.id, t.due_date) for t in reminder_store.open_tasks_due(
                    session=session, tenant_id=tenant_id, since=since, until=until) if t.due_date]
            items += [("invoice", i.id, i.due) for i in reminder_store.unpaid_invoices_due(
                session=session, tenant_id=tenant_id, since=since, until=until) if i.due]
            for subject, item_id, due in items:
                for rule_subject, when, days in active:
                    if rule_subject != subject:
                        continue
                    day = due - dt.timedelta(days=days) if when == "soon" else due + dt.timedelta(days=days)
                    if when == "soon" and day < today:
                        continue  # "due tomorrow" only on the day before
                    if when == "overdue" and not today - dt.timedelta(days=1) <= day <= today:
                        continue  # not overdue yet (a later pass schedules it), or long past
                    job = schedule_store.schedule(
                        session=session, tenant_id=tenant_id, kind="reminder", due_at=max(_at(day, timezone), now)
                        if day <= today else _at(day, timezone),
                        payload={"subject": subject, "id": item_id, "when": when, "due": due.isoformat(),
                                 "days": days},
                        dedupe_key=f"reminder:{subject}:{item_id}:{when}:{due.isoformat()}:{days}")
                    added += job is not None
    return added


_TEXT = {
    ("task", "soon"): ("⏰ תזכורת: המשימה '{title}' להגשה ב-{due}.", "⏰ Reminder: '{title}' is due {due}."),
    ("task", "overdue"): ("⏰ המשימה '{title}' הייתה להגשה ב-{due} ועדיין פתוחה.",
                          "⏰ '{title}' was due {due} and is still open."),
    ("invoice", "soon"): ("💸 חשבונית {title} לתשלום ב-{due}.", "💸 Invoice {title} is due on {due}."),
    ("invoice", "overdue"): ("💸 חשבונית {title} הייתה לתשלום ב-{due} ועדיין לא שולמה.",
                             "💸 Invoice {title} was due on {due} and is still unpaid."),
}


def _about(session: Any, tenant_id: int, payload: dict[str, Any]) -> str:
    """The reminder's subject as the owner reads it, or NotDue when it no longer applies."""
    due = dt.date.fromisoformat(str(payload.get("due")))
    if payload.get("subject") == "task":
        task = task_store.get(session=session, tenant_id=tenant_id, task_id=int(payload.get("id") or 0))
        if task is None or task.status not in reminder_store.OPEN_TASK or task.due_date != due:
            raise NotDue("the task is done, gone or moved")
        return task.title[:120]
    invoice = invoice_store.get(session=session, tenant_id=tenant_id, invoice_id=int(payload.get("id") or 0))
    if invoice is None or invoice.status not in reminder_store.UNPAID or invoice.due != due:
        raise NotDue("the invoice is paid, cancelled, gone or its date moved")
    return f"{invoice.number} ({invoice.amount:,.2f} {invoice.currency})"


def send(db: Any, sender: WhatsAppSender, tenant: Tenant, job: Any, now: dt.datetime) -> str:
    """Send one reminder to the owner's and managers' WhatsApp; the outcome of the first send."""
    p = job.payload
    current = {(s, w): d for s, w, d in _active_rules(rule_store.rules_of(tenant.settings))}
    key = (str(p.get("subject")), str(p.get("when")))
    if key not in current or current[key] != p.get("days"):
        raise NotDue("the owner changed or stopped this reminder")
    with db.session(tenant_id=tenant.id) as session:
        title = _about(session, tenant.id, p)
        phones = owner_store.phones(session=session, tenant_id=tenant.id) + owner_store.manager_phones(
            session=session, tenant_id=tenant.id)
    if not phones:
        raise NotDue("the influencer has no owner phone")
    language = (tenant.languages or ["he"])[0]
    due = dt.date.fromisoformat(str(p.get("due")))
    he, en = _TEXT[(str(p.get("subject")), str(p.get("when")))]
    text = (he if language == "he" else en).format(title=title, due=due.strftime("%d.%m" if language == "he"
                                                                             else "%a %d %b"))
    outcomes = [sender.send(tenant_id=tenant.id, to=phone, purpose="reminder", body=text,
                            dedupe_key=f"job:{job.id}:{n}", content_variables={"1": title, "2": due.isoformat()},
                            to_role="owner") for n, phone in enumerate(phones)]
    return outcomes[0].status


def purge_expired(db: Any, *, now: dt.datetime) -> int:
    """Message contents older than an influencer's `retention_days` (tenant setting; none = kept) become
    placeholders; how many."""
    from store import erasure as erasure_store

    with db.admin_session() as session:
        limits = [(t.id, (t.settings or {}).get("retention_days")) for t in tenant_store.list_all(session=session)]
    purged = 0
    for tenant_id, days in limits:
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            continue
        with db.session(tenant_id=tenant_id) as session:
            purged += erasure_store.purge_before(session=session, tenant_id=tenant_id,
                                                 before=now - dt.timedelta(days=days))
    return purged
