"""Owner commands about the team: add a manager (name and phone), remove one, list them.
Patterns in data/owner_words.yaml (TEAM_*); the phone is masked in the text the parser sees, so the
owner flow fills it in from the message itself. Private to agent.engines.offline.owner_commands."""

from __future__ import annotations

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import OwnerCommand, _command
from agent.engines.offline.vocabulary import regex

__all__ = ["team_command", "rule_command"]

_FILE = "owner_words"


def team_command(msg: Message) -> OwnerCommand | None:
    """The team command the message is, or None."""
    raw = msg.text.strip()
    added = regex(_FILE, "TEAM_ADD").match(raw)
    if added:
        name = next((g for g in added.groups() if g), "").strip(" ,.:()")
        return _command(msg, "add_manager", {"name": name or None}, confidence=0.95)
    if regex(_FILE, "TEAM_SWITCH").match(raw):  # the channel has switched; show who waits there
        return _command(msg, "list_waiting", {}, confidence=0.95)
    if regex(_FILE, "TEAM_CONSOLE").match(raw):
        return _command(msg, "console_link", {}, confidence=0.95)
    if regex(_FILE, "TEAM_LIST").search(msg.low):
        return _command(msg, "list_managers", {}, confidence=0.95)
    removed = regex(_FILE, "TEAM_REMOVE").match(raw)
    if removed and "[" not in raw:
        name = next((g for g in removed.groups() if g), "").strip(" ,.:()")
        if name and len(name) <= 60:
            return _command(msg, "remove_manager", {"name": name}, confidence=0.9)
    return None


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "יום": 1, "יומיים": 2, "שלושה ימים": 3, "ארבעה ימים": 4, "חמישה ימים": 5, "שבוע": 7}
_SUBJECT = {"invoice": "invoice_due", "payment": "invoice_due", "task": "task_due", "deadline": "task_due",
            "חשבונית": "invoice_due", "חשבוניות": "invoice_due", "תשלום": "invoice_due", "משימה": "task_due",
            "משימות": "task_due", "דדליין": "task_due", "דדליינים": "task_due"}
_STOPPED = {"coupon": "coupon_follow_up", "follow": "coupon_follow_up", "פולו": "coupon_follow_up",
            "מעקבים": "coupon_follow_up", "invoice": "invoice_due", "חשבוניות": "invoice_due", "task": "task_due",
            "deadline": "task_due", "משימות": "task_due", "דדליינים": "task_due"}
_ON = ("resume", "turn on", "restart", "start", "תחזירי", "תפעילי", "הפעילי")


def rule_command(msg: Message) -> OwnerCommand | None:
    """A notification rule the message sets or asks about, or None."""
    raw = msg.text.strip()
    before = regex(_FILE, "RULE_BEFORE").search(raw)
    if before:
        groups = [g for g in before.groups() if g]
        amount, subject = groups[0].lower().strip(), groups[1].lower().rstrip("s")
        days = int(amount.split()[0]) if amount.split()[0].isdigit() else _NUMBERS.get(amount)
        trigger = _SUBJECT.get(subject) or _SUBJECT.get(groups[1])
        if days is not None and trigger:
            return _command(msg, "set_rule", {"trigger": trigger, "days": days}, confidence=0.95)
    stop = regex(_FILE, "RULE_STOP").match(raw)
    if stop:
        verb, what = [g for g in stop.groups() if g][:2]
        trigger = next((t for key, t in _STOPPED.items() if key in what.lower()), None)
        if trigger:
            return _command(msg, "set_rule", {"trigger": trigger, "active": verb.lower() in _ON}, confidence=0.95)
    if regex(_FILE, "RULE_LIST").search(msg.low):
        return _command(msg, "list_rules", {}, confidence=0.95)
    return None
