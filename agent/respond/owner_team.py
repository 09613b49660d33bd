"""How the owner's team and inbox-list tools read in a chat: managers added, removed, listed; the
conversations of an inbox tab and the support issues. Registered by agent.respond.owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.respond.owner_notes import NOTES_RENDERERS

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


def _calendar(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    he = "הקישור ליומן שלך (משימות, תאריכי שיתופי פעולה וחשבוניות) – להוספה כמינוי ביומן בטלפון:"
    en = "Your calendar link (tasks, partnership dates, invoices) – add it as a subscription in your phone's calendar:"
    note = _t(r.lang, "קישור חדש מבטל את הקודם.", "A new link replaces the previous one.")
    return {"headline": _t(r.lang, he, en), "lines": [str(data.get("url")), note]}


def _console(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    he, en = "הקישור שלך לקונסולה (חד-פעמי, ל-15 דקות):", "Your console link (one sign-in, 15 minutes):"
    return {"headline": _t(r.lang, he, en), "lines": [str(data.get("url"))]}


_RULE_NAMES = {
    "task_due": ("תזכורת לפני דדליין של משימה", "a reminder before a task is due"),
    "task_overdue": ("תזכורת על משימה שעבר זמנה", "a reminder when a task is overdue"),
    "invoice_due": ("תזכורת לפני מועד תשלום חשבונית", "a reminder before an invoice is due"),
    "invoice_overdue": ("תזכורת על חשבונית שלא שולמה בזמן", "a reminder when an invoice is overdue"),
    "proposal_open": ("תזכורת על הצעה שמחכה", "a reminder about a proposal still open"),
    "partnership_start": ("תזכורת לפני תחילת שיתוף פעולה", "a reminder before a partnership starts"),
    "partnership_end": ("תזכורת לפני סוף שיתוף פעולה", "a reminder before a partnership ends"),
    "issue_open": ("תזכורת על פנייה פתוחה", "a reminder about an issue still open"),
    "brand_note_open": ("תזכורת על נושא פתוח מול מותג", "a reminder about a brand item still open"),
    "brand_note_overdue": ("תזכורת על תשלום ממותג שמועדו עבר", "a reminder about a brand payment past its date"),
    "satisfaction_low": ("פנייה על ציון שביעות רצון נמוך", "an issue on a low satisfaction score"),
    "coupon_follow_up": ("פולואפ לעוקבים אחרי קוד (\"הקוד עבד?\")", "the follow-up to followers after a code"),
    "non_follower_invite": ("הזמנה לעקוב למי שלא עוקב/ת", "an invite to follow, to non-followers"),
}
_REPEAT = {"daily": ("כל יום", "daily"), "weekly": ("כל שבוע", "weekly")}


def _rule_state(r: Any, rule: dict[str, Any]) -> str:
    trigger = str(rule.get("trigger"))
    days = int(rule.get("days") or 0)
    if trigger == "issue_open":
        return _t(r.lang, f"אחרי {rule.get('hours')} שעות", f"after {rule.get('hours')} hours")
    if trigger == "satisfaction_low":
        return _t(r.lang, f"ציון {rule.get('threshold')} ומטה", f"a score of {rule.get('threshold')} or less")
    if trigger == "non_follower_invite":
        return _t(r.lang, "פעם אחת", "once")
    if trigger == "coupon_follow_up":
        return _t(r.lang, f"{days} ימים אחרי שהקוד הוצג", f"{days} days after the code was shown")
    if trigger == "proposal_open":
        return _t(r.lang, f"אחרי {days} ימים בלי שינוי", f"after {days} days without a change")
    if trigger == "brand_note_open":
        return _t(r.lang, f"אחרי {days} ימים פתוח", f"after {days} days open")
    if trigger.endswith("overdue"):
        return _t(r.lang, f"{days} ימים אחרי המועד", f"{days} days after the date")
    return _t(r.lang, f"{days} ימים לפני", f"{days} days before")


def _rule_line(r: Any, rule: dict[str, Any]) -> str:
    he, en = _RULE_NAMES.get(str(rule.get("trigger")), (rule.get("trigger"), rule.get("trigger")))
    if not rule.get("active", True):
        return f"{_t(r.lang, str(he), str(en))}: {_t(r.lang, 'כבוי', 'off')}"
    extra = [_t(r.lang, *_REPEAT[rule["repeat"]])] if rule.get("repeat") in _REPEAT else []
    if rule.get("audience") == "follower" and rule.get("channel") in ("whatsapp", "web"):
        extra.append(_t(r.lang, f"רק ב-{rule['channel']}", f"{rule['channel']} only"))
    if rule.get("template"):
        extra.append(_t(r.lang, f"בנוסח שלך: \"{rule['template']}\"", f"in your words: \"{rule['template']}\""))
    return f"{_t(r.lang, str(he), str(en))}: {_rule_state(r, rule)}" + (f" · {' · '.join(extra)}" if extra else "")


def _limits_line(r: Any, limits: dict[str, Any]) -> str:
    return _t(r.lang, f"שעות שקטות לעוקבים {limits['quiet_from']}:00–{limits['quiet_until']}:00, "
                      f"עד {limits['weekly']} פולואפים בשבוע",
              f"quiet hours for followers {limits['quiet_from']}:00–{limits['quiet_until']}:00, "
              f"at most {limits['weekly']} follow-ups a week")


def _retention_line(r: Any, days: int | None) -> str:
    if days is None:
        return _t(r.lang, "תוכן ההודעות נשמר עד שנמחק", "message contents are kept until erased")
    return _t(r.lang, f"תוכן ההודעות נשמר {days} ימים", f"message contents are kept {days} days")


def _updated(r: Any, line: str) -> dict[str, Any]:
    return {"headline": _t(r.lang, "עדכנתי ✅", "Updated ✅"), "lines": [line]}


def _rule_set(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("rules"):  # a group: "stop the invoice reminders"
        return {"headline": _t(r.lang, "עדכנתי ✅", "Updated ✅"), "lines": [_rule_line(r, x) for x in data["rules"]]}
    return _updated(r, _rule_line(r, data))


def _rules(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    lines = [_rule_line(r, rule) for rule in data.get("rules") or []]
    if data.get("follower_limits"):
        lines.append(_limits_line(r, data["follower_limits"]))
    lines.append(_retention_line(r, data.get("retention_days")))
    return {"headline": _t(r.lang, "התזכורות שלך:", "Your reminders:"), "lines": lines}


def _limits_set(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    return _updated(r, _limits_line(r, data))


def _retention_set(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    return _updated(r, _retention_line(r, data.get("retention_days")))


TEAM_RENDERERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "add_manager": _added,
    "remove_manager": _removed,
    "list_managers": _managers,
    "list_conversations": _conversations,
    "list_issues": _issues,
    "console_link": _console,
    "calendar_link": _calendar,
    "set_rule": _rule_set,
    "list_rules": _rules,
    "set_follower_limits": _limits_set,
    "set_retention": _retention_set,
    **NOTES_RENDERERS,  # brand communications (agent/respond/owner_notes.py)
}
