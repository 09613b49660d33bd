"""Owner commands about the team: add a manager (name and phone), remove one, list them.
Patterns in data/owner_words.yaml (TEAM_*); the phone is masked in the text the parser sees, so the
owner flow fills it in from the message itself. Private to agent.engines.offline.owner_commands."""

from __future__ import annotations

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import OwnerCommand, _command
from agent.engines.offline.vocabulary import regex

__all__ = ["team_command"]

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
    if regex(_FILE, "TEAM_CALENDAR").search(msg.low):
        return _command(msg, "calendar_link", {}, confidence=0.95)
    if regex(_FILE, "TEAM_LIST").search(msg.low):
        return _command(msg, "list_managers", {}, confidence=0.95)
    removed = regex(_FILE, "TEAM_REMOVE").match(raw)
    if removed and "[" not in raw:
        name = next((g for g in removed.groups() if g), "").strip(" ,.:()")
        if name and len(name) <= 60:
            return _command(msg, "remove_manager", {"name": name}, confidence=0.9)
    return None
