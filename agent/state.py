"""The typed state of one conversation turn, checkpointed in Postgres by thread (= conversation).

Per-turn keys are set afresh by `Agent.handle` at the start of every turn (see `turn_input`), so
nothing of the previous turn leaks into the next except the keys under "persisted across turns".
Reducer keys (timings, events) reset when the turn input sets them to None.

`decision` (written by the decision node, read by act and respond):
    action: respond | clarify | confirm | handoff | refuse | rate_limited
    tool_calls: [{name, args}]        the tools act runs, in order
    question: str | None              clarify / confirm: what to ask (already in the user's language
                                      when it comes from the owner command parser)
    reason: str                       why (for the trace)
    note: str | None                  extra signal for respond: "paused" (a human has the
                                      conversation; say "X will answer soon" once), "paused_silent"
                                      (say nothing), "confirmed", "cancelled", "expired" (the
                                      answer to a pending confirmation), "offer_human" (support)
    options: [str]                    clarify: the choices (e.g. brand names)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypedDict

__all__ = ["TurnState", "HISTORY_TURNS", "keep_recent", "merge_or_reset", "add_or_reset", "PER_TURN_KEYS", "turn_now"]

HISTORY_TURNS = 12  # messages kept in the checkpoint for follow-ups


def keep_recent(old: list[dict[str, Any]] | None, new: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Reducer for the history: append, keep the last HISTORY_TURNS messages."""
    return ((old or []) + (new or []))[-HISTORY_TURNS:]


def merge_or_reset(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """Reducer: merge dicts within a turn; None (the turn input) starts again from empty."""
    if new is None:
        return {}
    return {**(old or {}), **new}


def add_or_reset(old: list[Any] | None, new: list[Any] | None) -> list[Any]:
    """Reducer: append within a turn; None (the turn input) starts again from empty."""
    if new is None:
        return []
    return (old or []) + list(new)


class TurnState(TypedDict, total=False):
    """State keys. Per-turn keys are reset by the turn input; the rest persist across turns."""

    # --- input of the turn (set by Agent.handle) ---
    handle: str
    channel: str  # web | whatsapp | cli
    role: str  # follower | owner — decided by the channel identity, never by the message
    sender_id: str
    text: str  # the raw inbound text (persist stores it PII-masked; cleared before the checkpoint)
    message_id: str | None  # the channel's message id (idempotency)
    media: list[dict[str, Any]]
    now: str  # ISO datetime of the turn's clock (frozen in evals)
    conversation_id: str

    # --- context node ---
    tenant: dict[str, Any]  # {id, handle, display_name, timezone, languages}
    contact_id: int | None
    persona: dict[str, Any]
    catalog: list[dict[str, Any]]  # brands: [{ref, name, aliases, coupon_codes, products, status}]
    paused: bool  # a human has taken over this conversation

    # --- understanding node ---
    understanding: dict[str, Any]  # Understanding as dict (intent, confidence, language, entities, ...)
    masked_text: str
    pii: list[dict[str, Any]]  # [{kind, start, end}] — never the values

    # --- policy node ---
    policy: dict[str, Any]  # {verdict: allow|redact|refuse|handoff|rate_limited, reasons: [..], risks: [..]}

    # --- decision node ---
    decision: dict[str, Any]  # see the module docstring

    # --- experiment node ---
    variants: dict[str, str]  # experiment key -> variant name
    style: dict[str, Any]  # merged reply style from the variants (e.g. {"length": "short", "cta": "..."})

    # --- act node ---
    tool_results: list[dict[str, Any]]  # ToolResult.as_dict()

    # --- respond node ---
    reply: str
    language: str
    cards: list[dict[str, Any]]  # e.g. {"type": "coupon", "code", "brand", "terms", "url", "expires"}
    engine: str  # offline | model | model->offline (fallback)

    # --- persisted across turns ---
    history: Annotated[list[dict[str, Any]], keep_recent]  # [{role: user|assistant, text(masked), intent, entities}]
    last_understanding: dict[str, Any] | None  # for follow-ups ("is there a code for it?")
    pending_action: dict[str, Any] | None  # owner confirmation: {tool, args, description, expires_at}
    pending_question: dict[str, Any] | None  # owner clarification: {tool, text, missing, expires_at}
    paused_notice_sent: bool  # the "X will answer you soon" line was said in this pause
    turn: int  # turns so far in this conversation (lets respond vary its wording)

    # --- trace ---
    timings: Annotated[dict[str, float], merge_or_reset]  # node -> ms
    events: Annotated[list[dict[str, Any]], add_or_reset]  # trace notes (fallbacks, errors)


# Keys that describe one turn only: the turn input resets them, so a stale value never leaks.
PER_TURN_KEYS: dict[str, Any] = {
    "tenant": None,
    "contact_id": None,
    "persona": None,
    "catalog": None,
    "paused": False,
    "understanding": None,
    "masked_text": "",
    "pii": [],
    "policy": None,
    "decision": None,
    "variants": {},
    "style": {},
    "tool_results": [],
    "reply": "",
    "language": "",
    "cards": [],
    "engine": "",
    "timings": None,
    "events": None,
}


def turn_now(state: Mapping[str, Any]) -> dt.datetime:
    """The turn's clock as an aware datetime."""
    raw = state.get("now")
    if not raw:
        return dt.datetime.now(dt.UTC)
    value = dt.datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
