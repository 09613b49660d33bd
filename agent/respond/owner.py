"""Owner replies from owner tool results: key numbers first, short lists, amounts with currency.

Generic by tool name: each owner tool's data shape gets a headline and a few lines; anything else
falls back to the key fields of what the tool returned. Plain bullets, never Markdown tables
(WhatsApp shows them as noise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from agent.respond.format import date, discount, money, number, percent
from agent.respond.owner_money import MONEY_RENDERERS, audience_lines
from agent.respond.owner_team import TEAM_RENDERERS

__all__ = ["render_owner_result", "field_label", "MAX_LINES"]

MAX_LINES = {"whatsapp": 10, "web": 15, "cli": 25}

_LABELS = {
    "he": {
        "lead": "ליד",
        "proposal": "הצעה",
        "negotiation": "משא ומתן",
        "contract": "חוזה",
        "active": "פעיל",
        "completed": "הושלם",
        "cancelled": "בוטל",
        "pending": "ממתין",
        "in_progress": "בעבודה",
        "blocked": "תקוע",
        "draft": "טיוטה",
        "sent": "נשלחה",
        "paid": "שולמה",
        "overdue": "באיחור",
        "status": "סטטוס",
        "due_date": "תאריך יעד",
        "due": "לתשלום עד",
        "due_time": "שעה",
        "title": "כותרת",
        "amount": "סכום",
        "expires": "תוקף",
        "starts": "התחלה",
        "priority": "עדיפות",
        "notes": "הערות",
        "partnership": "שיתוף פעולה",
        "brand": "מותג",
        "next_follow_up": "פולואפ",
        "end_date": "סיום",
        "start_date": "התחלה",
        "compensation": "תמורה",
        "paid_at": "שולם ב",
        "link": "קישור",
        "url": "קישור",
        "terms": "תנאים",
        "value": "ערך",
        "deliverables": "תוצרים",
        "vat_rate": 'מע"מ',
        "open": "פתוחים",
        "urgent": "דחוף",
        "high": "גבוה",
        "file": "קובץ",
        "true": "כן", "false": "לא",
    },
    "en": {
        "in_progress": "in progress",
        "due_date": "due date",
        "due_time": "time",
        "next_follow_up": "follow-up",
        "end_date": "end",
        "start_date": "start",
        "paid_at": "paid on",
        "vat_rate": "VAT",
        "true": "yes",
        "false": "no",
    },
}


def field_label(key: str, language: str) -> str:
    """A field or status name as the owner reads it."""
    return _LABELS.get(language, {}).get(str(key), str(key).replace("_", " "))


def _t(language: str, he: str, en: str) -> str:
    return he if language == "he" else en


def _n(language: str, count: Any, he: tuple[str, str], en: tuple[str, str]) -> str:
    """ "1 open task" / "3 open tasks", "משימה פתוחה 1" style kept simple: number first, noun by count."""
    one = str(count) in ("1", "1.0")
    noun = (he if language == "he" else en)[0 if one else 1]
    return f"{number(count)} {noun}"


_PERIODS = {
    "he": {
        "today": "היום",
        "yesterday": "אתמול",
        "week": "השבוע",
        "last_week": "בשבוע שעבר",
        "month": "החודש",
        "last_month": "בחודש שעבר",
        "year": "השנה",
    },
    "en": {
        "today": "today",
        "yesterday": "yesterday",
        "week": "this week",
        "last_week": "last week",
        "month": "this month",
        "last_month": "last month",
        "year": "this year",
    },
}
_NO_TASKS = {
    "he": {
        "today": "אין משימות להיום.",
        "week": "אין משימות השבוע.",
        "overdue": "אין משימות באיחור.",
        "upcoming": "אין משימות קרובות.",
    },
    "en": {
        "today": "Nothing due today.",
        "week": "Nothing due this week.",
        "overdue": "Nothing overdue.",
        "upcoming": "No upcoming tasks.",
    },
}


class _Render:
    def __init__(self, language: str, today: dt.date | None, args: dict[str, Any] | None = None) -> None:
        self.lang = language
        self.today = today
        self.args = dict(args or {})

    def d(self, value: Any) -> str:
        return date(value, self.lang, today=self.today) if value else ""

    def m(self, amount: Any, currency: str | None) -> str:
        return money(amount, currency, self.lang)

    def status(self, value: Any) -> str:
        return field_label(str(value), self.lang)

    def brand(self, row: dict[str, Any]) -> str:
        p = row.get("partnership")
        return (p.get("brand") if isinstance(p, dict) else p) or ""

    def value(self, key: str, value: Any) -> str:
        if key in ("status", "priority", "type") and isinstance(value, str):
            return self.status(value)
        if isinstance(value, bool):
            return field_label(str(value).lower(), self.lang)
        if isinstance(value, dict) and "amount" in value:
            return self.m(value.get("amount"), value.get("currency"))
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4:5] == "-":
            return self.d(value)
        return "—" if value in (None, "") else str(value)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _partnership_line(r: _Render, p: dict[str, Any]) -> str:
    comp = p.get("compensation") or {}
    follow = p.get("next_follow_up")
    return _join(
        f"{p.get('brand')} — {r.status(p.get('status'))}",
        r.m(comp.get("amount"), comp.get("currency")) if comp.get("amount") else "",
        (_t(r.lang, "פולואפ ", "follow up ") + r.d(follow)) if follow else "",
        _n(r.lang, p.get("open_tasks"), ("משימה פתוחה", "משימות פתוחות"), ("open task", "open tasks"))
        if p.get("open_tasks")
        else "",
    )


def _task_line(r: _Render, t: dict[str, Any]) -> str:
    due = t.get("due_date")
    when = (r.d(due) + (f" {t['due_time']}" if t.get("due_time") else "")) if due else ""
    late = t.get("overdue") or (t.get("days_late") or 0) > 0
    return _join(
        f"{t.get('title')}" + (f" — {_t(r.lang, 'עד', 'due')} {when}" if when else ""),
        r.brand(t),
        r.status(t.get("priority")) if t.get("priority") in ("high", "urgent") else "",
        _t(r.lang, "באיחור!", "overdue!") if late else "",
    )


def _invoice_line(r: _Render, i: dict[str, Any]) -> str:
    return _join(
        f"#{i.get('number')} {r.brand(i)}".strip() + f" — {r.m(i.get('amount'), i.get('currency'))}",
        r.status(i.get("status")),
        (_t(r.lang, "לתשלום עד ", "due ") + r.d(i.get("due"))) if i.get("due") else "",
        _n(r.lang, i.get("days_overdue"), ("יום איחור", "ימי איחור"), ("day overdue", "days overdue"))
        if i.get("days_overdue")
        else "",
    )


def _coupon_line(r: _Render, c: dict[str, Any]) -> str:
    state = (
        ("" if c.get("valid_today") else _t(r.lang, "לא בתוקף היום", "not valid today")) if "valid_today" in c else ""
    )
    return _join(
        f"{c.get('code')} — {discount(c, r.lang)}",
        r.brand(c),
        (_t(r.lang, "עד ", "until ") + r.d(c.get("expires"))) if c.get("expires") else "",
        state,
    )


def _figures(r: _Render, f: dict[str, Any]) -> str:
    return _join(
        _n(r.lang, f.get("copies", 0), ("העתקה", "העתקות"), ("copy", "copies")),
        _n(r.lang, f.get("redemptions", 0), ("מימוש", "מימושים"), ("redemption", "redemptions")),
        (_t(r.lang, "הכנסות ", "revenue ") + r.m(f.get("revenue"), f.get("currency"))) if f.get("redemptions") else "",
    )


def _list(key: str, line: Callable[[_Render, dict[str, Any]], str], he: str, en: str, none_he: str, none_en: str):
    def render(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
        rows = list(data.get(key) or [])
        head = _t(r.lang, he, en).format(n=len(rows)) if rows else _t(r.lang, none_he, none_en)
        if key == "tasks" and not rows:
            head = _NO_TASKS[r.lang].get(str(r.args.get("when")), head)
        lines = [line(r, row) for row in rows]
        if key == "invoices" and data.get("totals"):
            totals = ", ".join(r.m(v, cur) for cur, v in data["totals"].items())
            head = f"{head.rstrip(':')} · {_t(r.lang, 'סה״כ', 'total')} {totals}:"
        if key == "tasks" and data.get("overdue"):
            lines += [_t(r.lang, "באיחור:", "Overdue:")] + [_task_line(r, t) for t in data["overdue"]]
        return {"headline": head, "lines": lines}

    return render


def _created(kind_he: str, kind_en: str, key: str, line: Callable[[_Render, dict[str, Any]], str]):
    def render(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
        row = data.get(key) or {}
        if data.get("created"):
            head = _t(r.lang, f"הוספתי {kind_he}:", f"Added {kind_en}:")
            return {"headline": head, "lines": [line(r, row)]}
        changed = list(data.get("changed") or [])
        previous = data.get("previous") or {}
        if not changed:
            return {
                "headline": _t(r.lang, f"לא היה מה לשנות ב{kind_he}:", f"Nothing to change in the {kind_en}:"),
                "lines": [line(r, row)],
            }
        changes = [
            f"{field_label(k, r.lang)}: {r.value(k, previous.get(k))} → {r.value(k, row.get(k))}"
            for k in changed
            if k in row or previous.get(k) is not None  # a bookkeeping column that was empty: not news
        ]
        return {
            "headline": _t(r.lang, f"עדכנתי {kind_he}:", f"Updated {kind_en}:"),
            "lines": [line(r, row), *changes],
        }

    return render


def _coupon_stats(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    total = data.get("total") or {}
    lines = []
    brands = {(c.get("partnership") or {}).get("brand") for c in data.get("coupons") or []}
    by_brand = brands.pop() if len(brands) == 1 and r.args.get("partnership") else None
    subject = r.args.get("code") or by_brand or r.args.get("partnership") or ""
    period = _PERIODS[r.lang].get(str(r.args.get("period")), "")
    if total.get("conversion") is not None:
        lines.append(_t(r.lang, "המרה ", "conversion ") + percent(total["conversion"]))
    if total.get("average_basket"):
        lines.append(_t(r.lang, "סל ממוצע ", "average basket ") + r.m(total["average_basket"], total.get("currency")))
    if total.get("items_per_order"):
        lines.append(_t(r.lang, "פריטים להזמנה ", "items per order ") + number(total["items_per_order"]))
    if total.get("revenue_per_copy"):
        lines.append(
            _t(r.lang, "הכנסה להעתקה ", "revenue per copy ") + r.m(total["revenue_per_copy"], total.get("currency"))
        )
    if (total.get("satisfaction") or {}).get("mean_score") is not None:
        lines.append(_t(r.lang, "שביעות רצון ", "satisfaction ") + f"{total['satisfaction']['mean_score']}/5")
    lines += audience_lines(r, total.get("audience") or {})
    if total.get("top_products"):
        lines.append(
            _t(r.lang, "מובילים: ", "top products: ") + ", ".join(p["product"] for p in total["top_products"][:3])
        )
    coupons = sorted(data.get("coupons") or [], key=lambda c: -float(c.get("revenue") or 0))  # the best first
    if len(coupons) > 1:
        lines += [f"{c.get('code')}: {_figures(r, c)}" for c in coupons]
    about = " ".join(x for x in (str(subject).upper() if r.args.get("code") else subject, period) if x)
    return {"headline": f"{about}: {_figures(r, total)}" if about else _figures(r, total), "lines": lines}


def _counts(r: _Render, data: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    nouns = {
        "started": (("שיחה חדשה", "שיחות חדשות"), ("new conversation", "new conversations")),
        "new_conversations": (("שיחה חדשה", "שיחות חדשות"), ("new conversation", "new conversations")),
        "in_progress": (("פתוחה", "פתוחות"), ("in progress", "in progress")),
        "conversations_in_progress": (("שיחה פתוחה", "שיחות פתוחות"), ("in progress", "in progress")),
        "closed": (("נסגרה", "נסגרו"), ("closed", "closed")),
        "messages_in": (("הודעה נכנסת", "הודעות נכנסות"), ("message in", "messages in")),
        "open_issues": (("פנייה פתוחה", "פניות פתוחות"), ("open issue", "open issues")),
        "handoffs_waiting": (
            ("ממתין לנציג", "ממתינים לנציג"),
            ("waiting for a human", "waiting for a human"),
        ),
    }
    return [_n(r.lang, data.get(k, 0) or 0, *nouns[k]) for k in keys]


def _conversation_stats(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    head = _join(*_counts(r, data, ("started", "in_progress", "closed")))
    lines = _counts(r, data, ("messages_in", "open_issues", "handoffs_waiting"))
    if data.get("median_minutes_to_human_reply") is not None:
        minutes = data["median_minutes_to_human_reply"]
        lines.append(_t(r.lang, f"זמן עד תשובה אנושית ראשונה (חציון): {minutes:g} דק'",
                        f"first human reply (median): {minutes:g} min"))
    if data.get("median_hours_to_close_issue") is not None:
        hours = data["median_hours_to_close_issue"]
        lines.append(_t(r.lang, f"זמן עד סגירת פנייה (חציון): {hours:g} ש'",
                        f"time to close an issue (median): {hours:g} h"))
    if data.get("top_intents"):
        lines.append(
            _t(r.lang, "נושאים: ", "top topics: ")
            + ", ".join(f"{i['intent']} ({i['messages']})" for i in data["top_intents"][:3])
        )
    return {"headline": head, "lines": lines}


def _digest(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    lines: list[str] = []

    def section(title_he: str, title_en: str, rows: list[str]) -> None:
        if rows:
            lines.append(_t(r.lang, title_he, title_en))
            lines.extend(f"  {row}" for row in rows)

    section("משימות להיום:", "Tasks today:", [_task_line(r, t) for t in data.get("tasks_today") or []])
    section("באיחור:", "Overdue:", [_task_line(r, t) for t in data.get("tasks_overdue") or []])
    section("בימים הקרובים:", "Coming up:", [_task_line(r, t) for t in data.get("tasks_upcoming") or []])
    section("תשלומים קרובים:", "Payments due:", [_invoice_line(r, i) for i in data.get("payments_due") or []])
    section(
        "תשלומים באיחור:",
        "Payments overdue:",
        [_invoice_line(r, i) for i in data.get("payments_overdue") or []],
    )
    section(
        "פולואפים:",
        "Follow-ups:",
        [f"{f.get('brand')} — {r.status(f.get('status'))}" for f in data.get("follow_ups_due") or []],
    )
    lines.append(_join(*_counts(r, data, ("new_conversations", "open_issues", "handoffs_waiting"))))
    coupons = (data.get("coupons") or {}).get("total") or {}
    if coupons.get("copies") or coupons.get("redemptions"):
        lines.append(_t(r.lang, "קודים היום: ", "Codes today: ") + _figures(r, coupons))
    if (data.get("satisfaction") or {}).get("mean_score") is not None:
        sat = data["satisfaction"]
        lines.append(_t(r.lang, f"שביעות רצון מקודים: {sat['mean_score']}/5 ({sat['answers']} תשובות)",
                        f"Code satisfaction: {sat['mean_score']}/5 ({sat['answers']} answers)"))
    section("הזמנות עם קודים שאינם שלך:", "Orders with codes that are not yours:",
            [f"{u.get('code')} · {u.get('orders')}" for u in data.get("unmatched_codes") or []])
    head = _t(r.lang, "היום שלך", "Your day") + f" — {r.d(data.get('date'))}:"
    return {"headline": head, "lines": lines}


_DELIVERY = {
    "sent": ("נשלח", "sent"), "stored": ("יופיע בצ'אט באתר", "shown in their web chat"),
    "blocked_window": ("לא נשלח: עברו 24 שעות מההודעה האחרונה שלהם ואין תבנית מאושרת",
                       "not sent: 24 hours passed since their last message and there is no approved template"),
    "failed": ("השליחה נכשלה", "sending failed"),
}


def _delivery(r: _Render, status: Any) -> str:
    he, en = _DELIVERY.get(str(status), (str(status), str(status)))
    return _t(r.lang, he, en)


def _waiting(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    rows = data.get("conversations") or []
    if not rows:
        return {"headline": _t(r.lang, "אף אחד לא מחכה לך כרגע 🙌", "Nobody is waiting for you right now 🙌"),
                "lines": []}
    lines = []
    for c in rows:
        held = _t(r.lang, "אצלך", "with you") if c.get("state") == "active" else _t(r.lang, "מחכה", "waiting")
        minutes = int(c.get("minutes_waiting") or 0)
        ago = (_t(r.lang, f"לפני {minutes // 60} ש'", f"{minutes // 60} h ago") if minutes >= 60
               else _t(r.lang, f"לפני {minutes} דק'", f"{minutes} min ago"))
        said = f" – '{c['last_message']}'" if c.get("last_message") else ""
        lines.append(f"#{c['number']} {c.get('name') or c.get('channel')} · {held} · {ago}{said}")
    hint = _t(r.lang, "לענות: תעני ל-N: … · להחזיר לבוט: תחזירי לבוט N", "reply N: … to answer · done N to hand back")
    return {"headline": _t(r.lang, f"מחכים לך {len(rows)}:", f"{len(rows)} waiting for you:"),
            "lines": [*lines, hint]}


def _shown(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    who = {"follower": _t(r.lang, "עוקב/ת", "follower"), "owner": _t(r.lang, "את/ה", "you"),
           "bot": _t(r.lang, "בוט", "bot"), "system": _t(r.lang, "מערכת", "system")}
    lines = [f"{who.get(m.get('from'), m.get('from'))}: {m.get('text')}" for m in data.get("messages") or []]
    return {"headline": f"#{data.get('number')} ({data.get('channel')})", "lines": lines}


def _replied(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    masked = [_t(r.lang, "שימי לב: פרטים אישיים (טלפון, מייל) מוסתרים בצ'אט באתר; אפשר להמשיך בוואטסאפ.",
                 "Note: personal details (phone, e-mail) show masked in the web chat; continue on WhatsApp "
                 "for those.")] if data.get("masked") else []
    return {"headline": _t(r.lang, f"התשובה ל-#{data.get('number')}: ", f"Your reply to #{data.get('number')}: ")
            + _delivery(r, data.get("delivery")), "lines": masked}


def _handed_back(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    number = data.get("number")
    return {"headline": _t(r.lang, f"#{number} חזרה לבוט.", f"#{number} is back with the bot."), "lines": []}


def _closed_issue(r: _Render, data: dict[str, Any]) -> dict[str, Any]:
    note = f" ({data['note']})" if data.get("note") else ""
    number = data.get("number")
    return {"headline": _t(r.lang, f"פנייה {number} נסגרה{note}.", f"Issue {number} closed{note}."),
            "lines": [str(data.get("summary") or "")]}

_RENDERERS: dict[str, Callable[[_Render, dict[str, Any]], dict[str, Any]]] = {
    "list_partnerships": _list(
        "partnerships",
        _partnership_line,
        "{n} שיתופי פעולה:",
        "{n} partnerships:",
        "אין שיתופי פעולה שמתאימים.",
        "No partnerships match.",
    ),
    "list_tasks": _list("tasks", _task_line, "{n} משימות:", "{n} tasks:", "אין משימות שמתאימות.", "No tasks match."),
    "list_invoices": _list(
        "invoices",
        _invoice_line,
        "{n} חשבוניות:",
        "{n} invoices:",
        "אין חשבוניות שמתאימות.",
        "No invoices match.",
    ),
    "list_coupons": _list(
        "coupons", _coupon_line, "{n} קודים:", "{n} codes:", "אין קודים שמתאימים.", "No codes match."
    ),
    "create_partnership": _created("שיתוף פעולה", "partnership", "partnership", _partnership_line),
    "update_partnership": _created("שיתוף פעולה", "partnership", "partnership", _partnership_line),
    "create_task": _created("משימה", "task", "task", _task_line),
    "update_task": _created("משימה", "task", "task", _task_line),
    "create_invoice": _created("חשבונית", "invoice", "invoice", _invoice_line),
    "update_invoice": _created("חשבונית", "invoice", "invoice", _invoice_line),
    "create_coupon": _created("קוד", "code", "coupon", _coupon_line),
    "update_coupon": _created("קוד", "code", "coupon", _coupon_line),
    "coupon_stats": _coupon_stats,
    "conversation_stats": _conversation_stats,
    "daily_digest": _digest,
    "list_waiting": _waiting,
    "show_conversation": _shown,
    "reply_to_follower": _replied,
    "hand_back": _handed_back,
    "close_issue": _closed_issue,
    **TEAM_RENDERERS,
    **MONEY_RENDERERS,
}


def _generic(r: _Render, data: Any) -> dict[str, Any]:
    """Any other tool: a list by its name-like fields, or the scalar fields of a dict."""
    if isinstance(data, dict):
        lists = [(k, v) for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if lists:
            key, rows = lists[0]
            lines = [
                _join(*(r.value(k, row[k]) for k in list(row)[:4] if not isinstance(row[k], (dict, list))))
                for row in rows
            ]
            return {"headline": f"{field_label(key, r.lang)}: {len(rows)}", "lines": lines}
        scalars = [(k, v) for k, v in data.items() if not isinstance(v, (dict, list))][:8]
        return {"headline": "", "lines": [f"{field_label(k, r.lang)}: {r.value(k, v)}" for k, v in scalars]}
    if isinstance(data, list):
        return {"headline": "", "lines": [str(x) for x in data[:10]]}
    return {"headline": str(data or ""), "lines": []}


def render_owner_result(
    name: str, data: Any, *, language: str, today: dt.date | None, channel: str, args: dict | None = None
) -> dict:
    """{headline, lines, more} for an owner tool's data, trimmed to what the channel shows well."""
    r = _Render(language, today, args)
    render = _RENDERERS.get(name)
    out = render(r, data) if render and isinstance(data, dict) else _generic(r, data)
    limit = MAX_LINES.get(channel, 15)
    lines = [line for line in out.get("lines", []) if line]
    more = max(0, len(lines) - limit)
    return {"headline": out.get("headline", ""), "lines": lines[:limit], "more": more}
