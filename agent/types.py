"""The agent's public message types: what a channel hands in and what it gets back from a turn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_MESSAGE_CHARS", "CHANNELS", "ROLES", "InboundMessage", "TurnResult"]

MAX_MESSAGE_CHARS = 2000
CHANNELS = ("web", "whatsapp", "cli")
ROLES = ("follower", "owner")


@dataclass
class InboundMessage:
    """One message from a channel. `role` comes from the channel identity, never from the text."""

    handle: str
    channel: str
    sender_id: str
    text: str
    role: str = "follower"
    message_id: str | None = None
    conversation_id: str | None = None
    media: tuple[dict[str, Any], ...] | list[dict[str, Any]] = ()
    now: dt.datetime | str | None = None
    quoted: str | None = None  # the channel's id of the message this one answers (WhatsApp: a quoted message)
    # A file the owner sent, read by the channel: {"filename", "text"} or {"filename", "problem", "problem_he",
    # "code"}. Only the owner's turns read it, as a brief; it lives in the turn, never in the checkpoint raw.
    document: dict[str, Any] | None = None


@dataclass
class TurnResult:
    """What a channel needs after a turn (and the trace for --json, the API and evals)."""

    conversation_id: str
    reply: str
    language: str
    intent: str | None
    action: str
    tools: list[str] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    trace: dict[str, Any] = field(default_factory=dict)
    ms: float = 0.0
    duplicate: bool = False
    message_id: int | None = None  # the stored inbound message (channels need not look it up again)
    reply_id: int | None = None  # the stored reply, when there is one
