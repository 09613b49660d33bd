"""Owner reminders, each from a rule of store.rules: a task the day before it is due and the day after
it was due, an invoice three days before and the day after (with a drafted payment reminder for the
brand), a proposal with no change for a week, a partnership two days before it starts and a week before
it ends (with a renewal suggestion when it went well), a follower's issue still open after 24 hours.

Each is a scheduled job (date reminders at 09:00 in the influencer's time zone), once per subject, its
date and occurrence (a new due date is a new reminder; `repeat` daily or weekly sends it again while it
still applies), sent to the owner's and managers' WhatsApp; one that no longer applies when it is due
(task done, invoice paid, proposal answered, issue closed, rule changed) is cancelled with the reason.

`plan` finds what needs a reminder and schedules it; the scheduler runs it (channels.scheduler).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from channels._twilio_sender import WhatsAppSender
from store import invoices as invoice_store
from store import owners as owner_store
from store import partnerships as partnership_store
from store import reminders as reminder_store
from store import rules as rule_store
from store import schedule as schedule_store
from store import support as support_store
from store import tasks as task_store
from store import tenants as tenant_store
from store.records import DEFAULT_TIMEZONE, Tenant
from tools._owner_common import name_in
from tools.projects import went_well

__all__ = ["plan", "send", "purge_expired", "HOUR", "NotDue"]

HOUR = 9  # date reminders go out at 09:00, the influencer's time
_BEFORE = ("task_due", "invoice_due", "partnership_start", "partnership_end")  # days before a date
_AFTER = ("task_overdue", "invoice_overdue", "brand_note_overdue")  # days after a date, while it still applies
_STALE_DAYS = 7  # nothing is reminded about for the first time a week after it applied
_REPEAT_LOOKBACK = 90  # how far back a repeating reminder still looks
_PERIOD = {"daily": 1, "weekly": 7}


class NotDue(Exception):
    """The reminder no longer applies, and why."""


@dataclass(frozen=True)
class _Item:
    trigger: str
    item_id: int
    anchor: str  # the date (or time) it counts from; a changed one is a new reminder


def _at(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(HOUR), tzinfo=ZoneInfo(timezone or DEFAULT_TIMEZONE)).astimezone(dt.UTC)


def _offset(rule: dict[str, Any]) -> int:
    return int(rule.get("hours") or 0) if "hours" in rule else int(rule.get("days") or 0)


def _items(session: Any, tenant_id: int, rules: dict[str, dict[str, Any]], today: dt.date,
           now: dt.datetime) -> Iterator[_Item]:
    """Everything an active owner rule may be about, with the date it counts from."""
    ahead = today + dt.timedelta(days=max([_offset(rules[t]) for t in _BEFORE] + [0]))
    back = today - dt.timedelta(days=_REPEAT_LOOKBACK + max(_offset(rules[t]) for t in _AFTER))
    if rules["task_due"]["active"] or rules["task_overdue"]["active"]:
        for t in reminder_store.open_tasks_due(session=session, tenant_id=tenant_id, since=back, until=ahead):
            yield from (_Item(k, t.id, t.due_date.isoformat()) for k in ("task_due", "task_overdue") if t.due_date)
    if rules["invoice_due"]["active"] or rules["invoice_overdue"]["active"]:
        for i in reminder_store.unpaid_invoices_due(session=session, tenant_id=tenant_id, since=back, until=ahead):
            yield from (_Item(k, i.id, i.due.isoformat()) for k in ("invoice_due", "invoice_overdue") if i.due)
    if rules["proposal_open"]["active"]:
        for p in reminder_store.open_proposals(session=session, tenant_id=tenant_id):
            yield _Item("proposal_open", p.id, _proposal_anchor(p))
    for trigger, column, statuses in (("partnership_start", "start_date", reminder_store.STARTING),
                                      ("partnership_end", "end_date", reminder_store.ENDING)):
        if rules[trigger]["active"]:
            for p in reminder_store.partnerships_dated(session=session, tenant_id=tenant_id, column=column,
                                                       statuses=statuses, since=today, until=ahead):
                yield _Item(trigger, p.id, getattr(p, column).isoformat())
    if rules["brand_note_open"]["active"] or rules["brand_note_overdue"]["active"]:
        for n in reminder_store.open_brand_notes(session=session, tenant_id=tenant_id):
            if rules["brand_note_open"]["active"]:
                yield _Item("brand_note_open", n.id, n.created_at.astimezone(dt.UTC).isoformat())
            if n.kind == "financial" and n.due_date is not None:  # a payment promised by a date
                yield _Item("brand_note_overdue", n.id, n.due_date.isoformat())
    if rules["issue_open"]["active"]:
        for s in reminder_store.open_issues_since(session=session, tenant_id=tenant_id,
                                                  since=now - dt.timedelta(days=_REPEAT_LOOKBACK)):
            yield _Item("issue_open", s.id, s.created_at.astimezone(dt.UTC).isoformat())


def _proposal_anchor(p: Any) -> str:
    """A proposal counts from its last change (any change makes it a new reminder)."""
    return (p.updated_at or p.created_at).astimezone(dt.UTC).isoformat()


def _when(item: _Item, rule: dict[str, Any], today: dt.date, now: dt.datetime,
          timezone: str) -> tuple[dt.datetime, int] | None:
    """When the reminder of `item` goes out and its occurrence number, or None (not now, or long past)."""
    offset = _offset(rule)
    if item.trigger == "issue_open":
        opened = dt.datetime.fromisoformat(item.anchor) + dt.timedelta(hours=offset)
        if opened > now:
            return None
        period = _PERIOD.get(str(rule.get("repeat")))
        n = int((now - opened) / dt.timedelta(days=period)) if period else 0
        at = opened + dt.timedelta(days=n * (period or 0))
        return (at, n) if now - at <= dt.timedelta(days=1) else None
    if item.trigger in ("proposal_open", "brand_note_open"):
        # from its last change; one stamped after the app's clock (an import on a test clock in the past)
        # counts from the first time it is seen, as the job is planned then
        changed = min(dt.datetime.fromisoformat(item.anchor), now).astimezone(ZoneInfo(timezone)).date()
        first, period = changed + dt.timedelta(days=offset), _PERIOD.get(str(rule.get("repeat")))
        n = max(0, (today - first).days // period) if period else 0
        return max(_at(first + dt.timedelta(days=n * (period or 0)), timezone), now), n
    date = dt.date.fromisoformat(item.anchor)
    if item.trigger in _BEFORE:
        day = date - dt.timedelta(days=offset)
        if day < today:
            return None  # "due tomorrow" only on the day before
        return (_at(day, timezone) if day > today else max(_at(day, timezone), now)), 0
    start = date + dt.timedelta(days=max(1, offset))
    if start > today:
        return None  # not yet (a later pass schedules it)
    period = _PERIOD.get(str(rule.get("repeat")))
    n = (today - start).days // period if period else 0
    day = start + dt.timedelta(days=n * (period or 0))
    if not today - dt.timedelta(days=1) <= day <= today:
        return None  # long past
    return max(_at(day, timezone), now), n


def plan(db: Any, *, now: dt.datetime) -> int:
    """Schedule the reminders every tenant's rules call for now; how many are new."""
    with db.admin_session() as session:
        tenants = [(t.id, t.timezone or DEFAULT_TIMEZONE, rule_store.rules_of(t.settings))
                   for t in tenant_store.list_all(session=session)]
    added = 0
    for tenant_id, timezone, rules in tenants:
        if not any(r["active"] for r in rules.values() if r["audience"] == "owner"):
            continue
        today = now.astimezone(ZoneInfo(timezone)).date()
        with db.session(tenant_id=tenant_id) as session:
            for item in list(_items(session, tenant_id, rules, today, now)):
                rule = rules[item.trigger]
                when = _when(item, rule, today, now, timezone) if rule["active"] else None
                if when is None:
                    continue
                at, n = when
                offset = _offset(rule)
                job = schedule_store.schedule(
                    session=session, tenant_id=tenant_id, kind="reminder", due_at=at,
                    payload={"trigger": item.trigger, "id": item.item_id, "anchor": item.anchor, "offset": offset,
                             "repeat": rule.get("repeat") or "none", "n": n},
                    dedupe_key=f"reminder:{item.trigger}:{item.item_id}:{item.anchor}:{offset}:{n}")
                added += job is not None
    return added


_TEXT = {
    "task_due": ("⏰ תזכורת: המשימה '{title}' להגשה ב-{due}.", "⏰ Reminder: '{title}' is due {due}."),
    "task_overdue": ("⏰ המשימה '{title}' הייתה להגשה ב-{due} ועדיין פתוחה.",
                     "⏰ '{title}' was due {due} and is still open."),
    "invoice_due": ("💸 חשבונית {title} לתשלום ב-{due}.", "💸 Invoice {title} is due on {due}."),
    "invoice_overdue": ("💸 חשבונית {title} הייתה לתשלום ב-{due} ועדיין לא שולמה.",
                        "💸 Invoice {title} was due on {due} and is still unpaid."),
    "proposal_open": ("📨 ההצעה ל-{title} פתוחה כבר {days} ימים בלי שינוי – אולי לשלוח להם תזכורת?",
                      "📨 The proposal to {title} has been open {days} days with no change – time to follow up?"),
    "partnership_start": ("🤝 שיתוף הפעולה עם {title} מתחיל ב-{due}.", "🤝 The partnership with {title} starts {due}."),
    "partnership_end": ("🤝 שיתוף הפעולה עם {title} מסתיים ב-{due}.", "🤝 The partnership with {title} ends {due}."),
    "issue_open": ("🛟 פנייה {title} פתוחה כבר {hours} שעות.", "🛟 Issue {title} has been open {hours} hours."),
    "brand_note_open": ("📌 פתוח מול {title} כבר {days} ימים.", "📌 Open with {title} for {days} days."),
    "brand_note_overdue": ("💸 {title}: התאריך ({due}) עבר והנושא עדיין פתוח.",
                           "💸 {title}: its date ({due}) has passed and it is still open."),
}
_DRAFT = ("טיוטה ל-{brand}, להעתקה ושליחה:\n\"היי צוות {brand}, תזכורת קטנה שחשבונית {number} על סך {amount} "
          "הייתה לתשלום ב-{due}. אשמח לדעת מתי היא תשולם. תודה, {name}\"",
          "A draft for {brand} to copy and send:\n\"Hi {brand} team, a friendly reminder that invoice {number} for "
          "{amount} was due on {due}. Could you let me know when it will be paid? Thanks, {name}\"")
_RENEW = ("הלך טוב ({copied} העתקות קוד, {redeemed} מימושים{score}) – אולי להציע להם חידוש?",
          "It went well ({copied} code copies, {redeemed} redemptions{score}) – worth offering them a renewal?")
_RESULTS = ("עד עכשיו: {copied} העתקות קוד, {redeemed} מימושים{score}.",
            "So far: {copied} code copies, {redeemed} redemptions{score}.")
_CLOSE_HINT = ("לסגור: תסגרי פנייה {number}, מה נעשה", "to close: close issue {number}, what was done")


def _subject(session: Any, tenant: Tenant, payload: dict[str, Any], he: bool) -> tuple[dict[str, Any], list[str]]:
    """The reminder's placeholders and extra lines, or NotDue when it no longer applies."""
    trigger, item_id, anchor = str(payload.get("trigger")), int(payload.get("id") or 0), str(payload.get("anchor"))
    fmt = "%d.%m" if he else "%a %d %b"
    if trigger.startswith("task"):
        task = task_store.get(session=session, tenant_id=tenant.id, task_id=item_id)
        if task is None or task.status not in reminder_store.OPEN_TASK or str(task.due_date) != anchor:
            raise NotDue("the task is done, gone or moved")
        return {"title": task.title[:120], "due": task.due_date.strftime(fmt) if task.due_date else ""}, []
    if trigger.startswith("invoice"):
        invoice = invoice_store.get(session=session, tenant_id=tenant.id, invoice_id=item_id)
        if invoice is None or invoice.status not in reminder_store.UNPAID or str(invoice.due) != anchor:
            raise NotDue("the invoice is paid, cancelled, gone or its date moved")
        amount = f"{invoice.amount:,.2f} {invoice.currency}"
        due = invoice.due.strftime(fmt) if invoice.due else ""
        extra = []
        partner = partnership_store.get(session=session, tenant_id=tenant.id,
                                        partnership_id=invoice.partnership_id) if invoice.partnership_id else None
        if trigger == "invoice_overdue" and partner is not None:
            extra.append(_DRAFT[0 if he else 1].format(brand=partner.brand, number=invoice.number, amount=amount,
                                                       due=due, name=name_in(tenant.display_name, he)))
        brand = f" · {partner.brand}" if partner is not None else ""
        return {"title": f"{invoice.number}{brand} ({amount})", "due": due}, extra
    if trigger == "issue_open":
        issue = support_store.get_issue(session=session, tenant_id=tenant.id, issue_id=item_id)
        if issue is None or issue.status != "open":
            raise NotDue("the issue is closed or gone")
        return ({"title": f"{issue.number} ({issue.kind}: {issue.summary[:80]})", "hours": payload.get("offset")},
                [_CLOSE_HINT[0 if he else 1].format(number=issue.number)])
    if trigger in ("brand_note_open", "brand_note_overdue"):
        note = next((n for n in reminder_store.open_brand_notes(session=session, tenant_id=tenant.id)
                     if n.id == item_id), None)
        if note is None:
            raise NotDue("the item is closed or gone")
        if trigger == "brand_note_overdue" and str(note.due_date) != anchor:
            raise NotDue("the item's date moved")
        owner_of = partnership_store.get(session=session, tenant_id=tenant.id, partnership_id=note.partnership_id)
        return ({"title": f"{owner_of.brand if owner_of else ''} ({note.kind}): {note.text[:80]}",
                 "days": payload.get("offset"), "due": note.due_date.strftime(fmt) if note.due_date else ""},
                [("לסגור: תסגרי את הנושא {n}" if he else "to close: close item {n}").format(n=note.id)])
    partner = partnership_store.get(session=session, tenant_id=tenant.id, partnership_id=item_id)
    if partner is None:
        raise NotDue("the partnership is gone")
    if trigger == "proposal_open":
        if partner.status not in reminder_store.PROPOSAL or anchor != _proposal_anchor(partner):
            raise NotDue("the proposal moved on or changed")
        return {"title": partner.brand, "days": payload.get("offset")}, []
    column = "start_date" if trigger == "partnership_start" else "end_date"
    statuses = reminder_store.STARTING if trigger == "partnership_start" else reminder_store.ENDING
    date = getattr(partner, column)
    if partner.status not in statuses or date is None or date.isoformat() != anchor:
        raise NotDue("the partnership changed")
    extra = []
    if trigger == "partnership_end":
        results = reminder_store.partnership_results(session=session, tenant_id=tenant.id, partnership_id=partner.id)
        score = f", {'שביעות רצון' if he else 'satisfaction'} {results['satisfaction']:.1f}/5" if (
            results["satisfaction"] is not None) else ""
        score_now = results["satisfaction"]
        good = went_well(satisfaction=float(score_now) if score_now is not None else None,
                         redeemed=int(results["redeemed"] or 0), copied=int(results["copied"] or 0))
        line = _RENEW if good else _RESULTS
        extra.append(line[0 if he else 1].format(copied=results["copied"], redeemed=results["redeemed"], score=score))
    return {"title": partner.brand, "due": date.strftime(fmt)}, extra


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def send(db: Any, sender: WhatsAppSender, tenant: Tenant, job: Any, now: dt.datetime) -> str:
    """Send one reminder to the owner's and managers' WhatsApp; the outcome of the first send."""
    p = job.payload
    trigger = str(p.get("trigger") or "")
    rule = rule_store.rules_of(tenant.settings).get(trigger)
    if rule is None or trigger not in _TEXT:
        raise NotDue("a reminder of an older kind")
    if not rule["active"] or _offset(rule) != p.get("offset") or (
            int(p.get("n") or 0) > 0 and rule.get("repeat") != p.get("repeat")):
        raise NotDue("the owner changed or stopped this reminder")
    he = (tenant.languages or ["he"])[0] == "he"
    with db.session(tenant_id=tenant.id) as session:
        values, extra = _subject(session, tenant, p, he)
        phones = owner_store.phones(session=session, tenant_id=tenant.id) + owner_store.manager_phones(
            session=session, tenant_id=tenant.id)
    if not phones:
        raise NotDue("the influencer has no owner phone")
    text = (rule.get("template") or _TEXT[trigger][0 if he else 1]).format_map(_Blank(values))
    body = "\n".join([text, *extra])
    # outside her 24-hour window only the approved template goes: the subject, and its date or a short note
    detail = str(values.get("due") or values.get("days") or values.get("hours") or "")
    if extra and len(extra[0]) <= 160:
        detail = f"{detail} · {extra[0]}" if detail else extra[0]
    outcomes = [sender.send(tenant_id=tenant.id, to=phone, purpose="reminder", body=body,
                            dedupe_key=f"job:{job.id}:{n}", content_variables={"1": str(values.get("title")),
                                                                               "2": detail},
                            to_role="owner") for n, phone in enumerate(phones)]
    return outcomes[0].status


def purge_expired(db: Any, *, now: dt.datetime) -> int:
    """Message contents older than an influencer's retention (store.rules.retention_of; none = kept) become
    placeholders; how many."""
    from store import erasure as erasure_store

    with db.admin_session() as session:
        limits = [(t.id, rule_store.retention_of(t.settings)) for t in tenant_store.list_all(session=session)]
    purged = 0
    for tenant_id, days in limits:
        if days is None:
            continue
        with db.session(tenant_id=tenant_id) as session:
            purged += erasure_store.purge_before(session=session, tenant_id=tenant_id,
                                                 before=now - dt.timedelta(days=days))
    return purged
