"""Facts of a message beyond its intent (data/message_facts.yaml): whether consent is taken back, the
kind of a support issue, a closing "thanks, bye", a hello, a plain yes. The understanding node adds them as
entities, so the decision and the reply read entities and never parse the text again."""

from __future__ import annotations

import functools
import re
import unicodedata

from agent.engines.offline.vocabulary import load, text

__all__ = ["withdraws_consent", "support_kind", "is_closing", "is_yes", "facts"]

_FILE = "message_facts"


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(text(_FILE, name), re.IGNORECASE)


@functools.cache
def _kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((str(kind), re.compile(str(pattern), re.IGNORECASE)) for kind, pattern in load(_FILE)["support_kinds"])


@functools.cache
def _yes() -> frozenset[str]:
    return frozenset(str(word) for word in load(_FILE)["plain_yes"])


def withdraws_consent(message: str) -> bool:
    """True when a consent message takes consent back ("stop", "תמחקו אותי")."""
    return bool(_pattern("withdraw").search(message or ""))


def support_kind(message: str) -> str:
    """code_not_working | damaged | refund | order_missing | other."""
    return next((kind for kind, pattern in _kinds() if pattern.search(message or "")), "other")


def is_closing(message: str) -> bool:
    """True when the message closes the chat ("thanks!", "ביי")."""
    return bool(_pattern("closing").search(message or ""))


def is_yes(message: str) -> bool:
    """True when the message is a plain yes (Hebrew or English), nothing more."""
    cleaned = unicodedata.normalize("NFKC", message or "").strip().lower()
    if cleaned in _yes():
        return True
    cleaned = re.sub(r"[^\w\s\u0590-\u05ff]", " ", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip() in _yes()


def facts(message: str, intent: str | None) -> dict[str, object]:
    """The entities these facts add to an understanding of `intent`."""
    out: dict[str, object] = {"closing": is_closing(message), "greets": bool(_pattern("greets").search(message or ""))}
    if intent == "support_issue":
        out["support_kind"] = support_kind(message)
    if intent == "consent":
        out["consent_withdrawn"] = withdraws_consent(message)
    return out
