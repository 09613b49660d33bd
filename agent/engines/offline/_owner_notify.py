"""Owner commands about notification rules: which reminder (a subject and its words: due, overdue,
starts, ends, open), how long ahead or after, daily or weekly, stopped or resumed; quiet hours and the
weekly cap of follower messages; how long message contents are kept. Vocabulary in
data/owner_rules.yaml. A message that is about reminders but names none gets one question back.
Private to agent.engines.offline.owner_commands."""

from __future__ import annotations

import re
from typing import Any

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import OwnerCommand, _command
from agent.engines.offline.vocabulary import load, pairs, regex

__all__ = ["notify_command"]

_FILE = "owner_rules"
_GENERAL = r"\b(?:any|every|all|each|my|the)\b|(?:^|\s)כל\s|(?:^|\s)ה\S"  # a kind of thing, not one thing


def _amount(low: str) -> tuple[int, int] | None:
    """(days, hours) the text names, or None ("every day" is a repeat, not an amount)."""
    low = regex(_FILE, "WEEKLY").sub(" ", regex(_FILE, "DAILY").sub(" ", low))
    m = regex(_FILE, "AMOUNT").search(low)
    if not m:
        return None
    numbers = load(_FILE)["NUMBERS"]
    if m.group(1):
        n = int(m.group(1)) if m.group(1).isdigit() else int(numbers.get(m.group(1).lower(), 1))
        unit = m.group(2).lower()
        return (n * 7, 0) if unit.startswith("week") else (0, n) if unit.startswith("h") else (n, 0)
    if m.group(3):
        n, unit = int(m.group(3)), m.group(4)
        return (n * 7, 0) if unit.startswith("שבוע") else (0, n) if unit.startswith("שע") else (n, 0)
    days, hours = load(_FILE)["HE_AMOUNTS"][m.group(5)]
    return int(days), int(hours)


def _trigger(msg: Message, family: str, repeat: str | None) -> str:
    low = msg.low
    if family in ("invoice", "task"):
        before = regex(_FILE, "BEFORE").search(low)
        overdue = regex(_FILE, "OVERDUE").search(low) or (repeat and not before)
        return f"{family}_overdue" if overdue else f"{family}_due"
    if family == "partnership":
        starting = regex(_FILE, "STARTING").search(low) and not regex(_FILE, "ENDING").search(low)
        return "partnership_start" if starting else "partnership_end"
    return {"proposal": "proposal_open", "issue": "issue_open", "brand_note": "brand_note_open"}.get(family, family)


def _limits(msg: Message) -> OwnerCommand | None:
    args: dict[str, Any] = {}
    quiet = regex(_FILE, "QUIET").search(msg.low)
    if quiet:
        args.update(quiet_from=int(quiet.group(1)) % 24, quiet_until=int(quiet.group(2)) % 24)
    cap = regex(_FILE, "WEEKLY_CAP").search(msg.low)
    if cap:
        word = cap.group(1)
        args["weekly"] = int(word) if word.isdigit() else int(load(_FILE)["NUMBERS"].get(word, 1))
    return _command(msg, "set_follower_limits", args, confidence=0.95) if args else None


def _retention(msg: Message) -> OwnerCommand | None:
    if regex(_FILE, "KEEP_FOREVER").search(msg.low):
        return _command(msg, "set_retention", {}, confidence=0.9)
    kept = regex(_FILE, "RETENTION").search(msg.low)
    if kept:
        days = next(int(g) for g in kept.groups() if g)
        return _command(msg, "set_retention", {"days": days}, confidence=0.9)
    return None


def notify_command(msg: Message) -> OwnerCommand | None:
    """A notification rule, follower limit or retention the message sets, or None."""
    found = _limits(msg) or _retention(msg)
    if found is not None:
        return found
    low = msg.low
    if regex(_FILE, "LIST").search(low):
        return _command(msg, "list_rules", {}, confidence=0.95)
    if not regex(_FILE, "CUE").search(low):
        return None
    family = next((f for pattern, f in pairs(_FILE, "SUBJECTS") if re.search(pattern, low, re.I)), None)
    stop, start = regex(_FILE, "STOP").search(low), regex(_FILE, "START").search(low)
    repeat = "daily" if regex(_FILE, "DAILY").search(low) else "weekly" if regex(_FILE, "WEEKLY").search(low) else None
    amount = _amount(low)
    if regex(_FILE, "ONE_TASK").search(low) and not (stop or repeat):
        return None  # "remind me to call Bari tomorrow" is a task
    if family is None:
        if stop or start or repeat or (amount and regex(_FILE, "BEFORE").search(low)):
            return _command(msg, "set_rule", {}, [("trigger", "rule", ())])
        return None
    if not (stop or start or repeat or amount or re.search(_GENERAL, low)):
        return None
    trigger = _trigger(msg, family, repeat)
    if (stop or start) and not (amount or repeat) and family in ("invoice", "task", "partnership") and not (
            regex(_FILE, "OVERDUE").search(low) or regex(_FILE, "BEFORE").search(low)
            or regex(_FILE, "ENDING").search(low) or regex(_FILE, "STARTING").search(low)):
        return _command(msg, "set_rule", {"trigger": f"{family}s", "active": not stop}, confidence=0.95)
    args: dict[str, Any] = {"trigger": trigger}
    if stop:
        args["active"] = False
    elif start:
        args["active"] = True
    if repeat and not stop:
        args["repeat"] = repeat
    if amount and not stop and trigger not in ("satisfaction_low", "non_follower_invite"):
        days, hours = amount
        if trigger == "issue_open":
            args["hours"] = days * 24 + hours
        else:
            args["days"] = days or max(1, -(-hours // 24))
    if len(args) == 1:  # "remind me about proposals": on, as it is
        args["active"] = True
    return _command(msg, "set_rule", args, confidence=0.95)
