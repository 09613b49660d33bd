"""How the owner's team and inbox-list tools read in a chat: managers added, removed, listed; the
conversations of an inbox tab and the support issues. Registered by agent.respond.owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["TEAM_RENDERERS"]


def _t(language: str, he: str, en: str) -> str:
    return he if language == "he" else en


def _added(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    name, phone = data.get("name"), data.get("phone")
    if not data.get("created"):
        return {"headline": _t(r.lang, f"{name} ({phone}) כבר במנהלים שלך.", f"{name} ({phone}) is already a manager."),
                "lines": []}
    return {"headline": _t(r.lang, f"הוספתי את {name} ({phone}) כמנהל/ת ✅", f"Added {name} ({phone}) as a manager ✅"),
            "lines": [_t(r.lang, "מהוואטסאפ שלו/ה אפשר לענות לעוקבים ולנהל את העסק בשמך; כל פעולה נרשמת ביומן.",
                         "From their WhatsApp they can answer followers and run the business for you; every "
                         "change is in the audit log.")]}


def _removed(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    name = data.get("name")
    return {"headline": _t(r.lang, f"הסרתי את {name} מהמנהלים.", f"Removed {name} from your managers."), "lines": []}


def _managers(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    rows = data.get("managers") or []
    if not rows:
        return {"headline": _t(r.lang, "אין לך מנהלים עדיין. למשל: תוסיפי את נועה +972501234567 כמנהלת",
                               "No managers yet. Try: add Noa +972501234567 as my manager"), "lines": []}
    return {"headline": _t(r.lang, f"המנהלים שלך ({len(rows)}):", f"Your managers ({len(rows)}):"),
            "lines": [f"{m.get('name')} · {m.get('phone')}" for m in rows]}


_STATES = {"waiting": ("מחכה", "waiting"), "human": ("אצלך", "with you"), "bot": ("עם הבוט", "with the bot"),
           "closed": ("סגורה", "closed")}


def _conversations(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    rows = data.get("conversations") or []
    if not rows:
        return {"headline": _t(r.lang, "אין שיחות כאלה.", "No conversations like that."), "lines": []}
    lines = []
    for c in rows[:15]:
        he, en = _STATES.get(str(c.get("state")), (c.get("state"), c.get("state")))
        said = f" – '{c['last_message']}'" if c.get("last_message") else ""
        lines.append(f"#{c.get('number')} {c.get('name') or c.get('channel')} · {_t(r.lang, str(he), str(en))}{said}")
    return {"headline": _t(r.lang, f"{len(rows)} שיחות:", f"{len(rows)} conversations:"), "lines": lines}


def _issues(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    rows = data.get("issues") or []
    if not rows:
        return {"headline": _t(r.lang, "אין פניות פתוחות 🙌", "No open issues 🙌") if data.get("status") == "open"
                else _t(r.lang, "אין פניות כאלה.", "No issues like that."), "lines": []}
    lines = [f"{_t(r.lang, 'פנייה', 'Issue')} {i.get('number')} · {i.get('kind')} · {i.get('summary')}"
             + (f" ✓ {i['note']}" if i.get("note") else "") for i in rows[:15]]
    hint = _t(r.lang, "לסגור: תסגרי פנייה N, מה נעשה", "to close: close issue N, what was done")
    return {"headline": _t(r.lang, f"{len(rows)} פניות:", f"{len(rows)} issues:"),
            "lines": [*lines, hint] if data.get("status") == "open" else lines}


def _console(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    he, en = "הקישור שלך לקונסולה (חד-פעמי, ל-15 דקות):", "Your console link (one sign-in, 15 minutes):"
    return {"headline": _t(r.lang, he, en), "lines": [str(data.get("url"))]}


_RULE_NAMES = {
    "task_due": ("תזכורת לפני דדליין של משימה", "a reminder before a task is due"),
    "task_overdue": ("תזכורת על משימה שעבר זמנה", "a reminder when a task is overdue"),
    "invoice_due": ("תזכורת לפני מועד תשלום חשבונית", "a reminder before an invoice is due"),
    "invoice_overdue": ("תזכורת על חשבונית שלא שולמה בזמן", "a reminder when an invoice is overdue"),
    "coupon_follow_up": ("פולואפ לעוקבים אחרי קוד (\"הקוד עבד?\")", "the follow-up to followers after a code"),
}


def _rule_line(r: Any, rule: dict[str, Any]) -> str:
    he, en = _RULE_NAMES.get(str(rule.get("trigger")), (rule.get("trigger"), rule.get("trigger")))
    days = int(rule.get("days") or 0)
    if not rule.get("active", True):
        state = _t(r.lang, "כבוי", "off")
    elif rule.get("trigger") == "coupon_follow_up":
        state = _t(r.lang, f"{days} ימים אחרי שהקוד הוצג", f"{days} days after the code was shown")
    elif str(rule.get("trigger")).endswith("overdue"):
        state = _t(r.lang, f"{days} ימים אחרי המועד", f"{days} days after the date")
    else:
        state = _t(r.lang, f"{days} ימים לפני", f"{days} days before")
    return f"{_t(r.lang, str(he), str(en))}: {state}"


def _rule_set(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {"headline": _t(r.lang, "עדכנתי ✅", "Updated ✅"), "lines": [_rule_line(r, data)]}


def _rules(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {"headline": _t(r.lang, "התזכורות שלך:", "Your reminders:"),
            "lines": [_rule_line(r, rule) for rule in data.get("rules") or []]}


TEAM_RENDERERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "add_manager": _added,
    "remove_manager": _removed,
    "list_managers": _managers,
    "list_conversations": _conversations,
    "list_issues": _issues,
    "console_link": _console,
    "set_rule": _rule_set,
    "list_rules": _rules,
}
