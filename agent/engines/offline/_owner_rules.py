"""The owner command parser's shared parts: the command it returns, and how a rule builds one
(arguments, the slots still missing, confidence). Private to agent.engines.offline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.engines.offline._owner_message import STATUS_WORDS, Message
from agent.engines.offline._owner_words import (
    STATUS_TARGET,
)


@dataclass
class OwnerCommand:
    """The owner tool a message asks for, its arguments, and what is still missing."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    question: str | None = None  # one short question in the user's language when something is missing
    confidence: float = 0.9
    language: str = "en"
    guessed: bool = False  # by the trained classifier, not a rule: a change it implies is confirmed first


Missing = Sequence[tuple[str, str, Sequence[str]]]  # (field, question key, options)


def _first(msg: Message, table: list[tuple[str, str]]) -> str | None:
    return next((name for pattern, name in table if msg.has(pattern)), None)


def _command(
    msg: Message, tool: str, args: dict[str, Any], missing: Missing = (), confidence: float = 0.9
) -> OwnerCommand:
    question = msg.ask(missing[0][1], missing[0][2]) if missing else None
    return OwnerCommand(
        tool,
        {k: v for k, v in args.items() if v is not None},
        [m[0] for m in missing],
        question,
        0.6 if missing else confidence,
        msg.lang,
    )


def _brand_or_missing(msg: Message) -> tuple[str | None, list[tuple[str, str, Sequence[str]]]]:
    ref, options = msg.brand()
    if ref:
        return ref, []
    return None, [("partnership", "brand_pick", options) if options else ("partnership", "partnership", ())]


def _iso(value: dt.date | dt.time | None) -> str | None:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value.isoformat() if value else None


def _status_target(msg: Message) -> tuple[str | None, tuple[int, int] | None]:
    for pattern in STATUS_TARGET:
        m = msg.has(pattern)
        if m:
            word = re.sub(r"\s+", " ", m.group(1))
            return STATUS_WORDS.get(word, STATUS_WORDS.get(word.rstrip("s"), None)), m.span(1)
    return None, None


# ---------------------------------------------------------------- rules, in order
