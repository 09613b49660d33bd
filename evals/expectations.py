"""Checking a turn's expectations: each failed one becomes a readable line."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from evals.suite import Expect

__all__ = ["TurnOutcome", "check_turn", "reply_language", "fold"]


@dataclass
class TurnOutcome:
    """What one turn produced, as the runner saw it."""

    reply: str
    intent: str | None
    tools: list[str]
    action: str | None
    language: str | None
    ms: float
    trace: dict[str, Any] = field(default_factory=dict)


def fold(text: str) -> str:
    """Case-insensitive, Unicode-normalised form for `contains` checks."""
    return unicodedata.normalize("NFKC", text or "").casefold()


_SCRIPTS = (
    ("he", re.compile(r"[\u0590-\u05FF]")),
    ("ar", re.compile(r"[\u0600-\u06FF]")),
    ("ru", re.compile(r"[\u0400-\u04FF]")),
    ("en", re.compile(r"[A-Za-z]")),
)
_CODEISH = re.compile(r"\b[A-Z0-9]{4,}\b|https?://\S+|\S+@\S+")
_QUOTED = re.compile(r"\([^()]*\)|\"[^\"]*\"|“[^”]*”")


def reply_language(text: str) -> str | None:
    """The language a reader sees: the script most of the words are in (codes and links ignored)."""
    # Quoted material (a brand's terms in parentheses, a product name in quotes) is not the
    # language the reply is written in.
    text = _QUOTED.sub(" ", _CODEISH.sub(" ", text or ""))
    counts = {lang: len(rx.findall(text)) for lang, rx in _SCRIPTS}
    total = sum(counts.values())
    if not total:
        return None
    # Hebrew text commonly carries Latin brand names; a real share of Hebrew letters makes it Hebrew.
    if counts["he"] / total >= 0.3:
        return "he"
    return max(counts, key=lambda k: counts[k])


def check_turn(expect: Expect, out: TurnOutcome) -> tuple[list[str], list[str]]:
    """Return (failures, skipped) for one turn."""
    failures: list[str] = []
    skipped: list[str] = []
    reply = fold(out.reply)
    if expect.intent is not None and out.intent != expect.intent:
        failures.append(f"intent: expected {expect.intent}, got {out.intent}")
    if expect.intent_in is not None and out.intent not in expect.intent_in:
        failures.append(f"intent_in: {out.intent} is not one of {', '.join(expect.intent_in)}")
    if expect.tools:
        missing = [t for t in expect.tools if t not in out.tools]
        if missing:
            failures.append(f"tools: not called: {', '.join(missing)} (called: {', '.join(out.tools) or 'none'})")
    if expect.no_tools is True and out.tools:
        failures.append(f"no_tools: called {', '.join(out.tools)}")
    elif isinstance(expect.no_tools, list):
        called = [t for t in expect.no_tools if t in out.tools]
        if called:
            failures.append(f"no_tools: called {', '.join(called)}")
    if expect.action is not None and out.action != expect.action:
        failures.append(f"action: expected {expect.action}, got {out.action}")
    for s in expect.contains or []:
        if fold(s) not in reply:
            failures.append(f"contains: {s!r} not in the reply")
    if expect.contains_any and not any(fold(s) in reply for s in expect.contains_any):
        failures.append(f"contains_any: none of {expect.contains_any!r} in the reply")
    for s in expect.not_contains or []:
        if fold(s) in reply:
            failures.append(f"not_contains: {s!r} is in the reply")
    if expect.regex is not None and not re.search(expect.regex, out.reply):
        failures.append(f"regex: /{expect.regex}/ does not match the reply")
    if expect.not_regex is not None and re.search(expect.not_regex, out.reply):
        failures.append(f"not_regex: /{expect.not_regex}/ matches the reply")
    if expect.language is not None:
        seen = reply_language(out.reply)
        if seen != expect.language:
            failures.append(f"language: expected {expect.language}, the reply is in {seen}")
    if expect.max_ms is not None and out.ms > expect.max_ms:
        failures.append(f"max_ms: took {out.ms:.0f} ms, limit {expect.max_ms:.0f} ms")
    if expect.judge is not None:
        skipped.append("judge")
    return failures, skipped
