"""Owner commands about the inbox: who waits, show #N, reply #N: text, hand #N back, close issue N.
Patterns in data/owner_words.yaml (INBOX_*). Private to agent.engines.offline.owner_commands."""

from __future__ import annotations

import re

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import OwnerCommand, _command
from agent.engines.offline.vocabulary import regex

__all__ = ["inbox_command"]

_FILE = "owner_words"


def _first_number(match: re.Match[str]) -> int | None:
    found = next((g for g in match.groups() if g and g.isdigit()), None)
    return int(found) if found else None


def inbox_command(msg: Message) -> OwnerCommand | None:
    """The inbox command the message is, or None."""
    raw = msg.text.strip()
    reply = regex(_FILE, "INBOX_REPLY").match(raw)
    if reply:  # the text keeps the owner's own case and punctuation
        groups = reply.groups()
        number = next((int(g) for g in groups[0::2] if g), None)
        body = next((g for g in groups[1::2] if g), "").strip()
        return _command(msg, "reply_to_follower", {"number": number, "text": body},
                        [] if body else [("text", "reply_text", ())], confidence=0.95)
    closing = regex(_FILE, "INBOX_CLOSE_ISSUE").match(raw)
    if closing:
        groups = closing.groups()
        number = next((int(g) for g in groups[0::2] if g), None)
        note = next((g for g in groups[1::2] if g), "").strip() or None
        return _command(msg, "close_issue", {"number": number, "note": note}, confidence=0.95)
    back = regex(_FILE, "INBOX_HAND_BACK").match(raw)
    if back:
        return _command(msg, "hand_back", {"number": _first_number(back)}, confidence=0.95)
    show = regex(_FILE, "INBOX_SHOW").match(raw)
    if show:
        return _command(msg, "show_conversation", {"number": _first_number(show)}, confidence=0.95)
    issues = regex(_FILE, "INBOX_ISSUES").match(raw)
    if issues:
        word = next((g for g in issues.groups() if g), "open").lower()
        status = {"סגורות": "closed", "פתוחות": "open"}.get(word, word)
        return _command(msg, "list_issues", {"status": status}, confidence=0.95)
    if regex(_FILE, "INBOX_WAITING").search(msg.low):
        return _command(msg, "list_waiting", {}, confidence=0.95)
    return None
