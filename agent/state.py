"""The typed state of one conversation turn, checkpointed in Postgres by thread (= conversation)."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

__all__ = ["TurnState", "HISTORY_TURNS", "keep_recent"]

HISTORY_TURNS = 12  # messages kept in the checkpoint for follow-ups


def keep_recent(old: list[dict[str, Any]] | None, new: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Reducer for the history: append, keep the last HISTORY_TURNS messages."""
    return ((old or []) + (new or []))[-HISTORY_TURNS:]


class TurnState(TypedDict, total=False):
    """State keys. Per-turn keys are reset by the context node; the rest persist across turns."""

    # --- input of the turn (set by Agent.handle) ---
    handle: str
    channel: str  # web | whatsapp | cli
    role: str  # follower | owner — decided by the channel identity, never by the message
    sender_id: str
    text: str  # the raw inbound text (never stored; persist stores it PII-masked)
    message_id: str | None  # the channel's message id (idempotency)
    now: str  # ISO datetime of the turn's clock (frozen in evals)
    conversation_id: str

    # --- context node ---
    tenant: dict[str, Any]  # {id, handle, display_name, timezone, languages}
    contact_id: int | None
    persona: dict[str, Any]
    catalog: list[dict[str, Any]]  # brands: [{ref, name, aliases, coupon_codes, products}]
    paused: bool  # a human has taken over this conversation

    # --- understanding node ---
    understanding: dict[str, Any]  # Understanding as dict (intent, confidence, language, entities, ...)
    masked_text: str
    pii: list[dict[str, Any]]

    # --- policy node ---
    policy: dict[str, Any]  # {verdict: allow|redact|refuse|handoff|rate_limited, reasons: [..], risks: [..]}

    # --- decision node ---
    decision: dict[str, Any]  # {action, tool_calls: [{name, args}], question, reason}

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

    # --- trace ---
    timings: Annotated[dict[str, float], operator.or_]  # node -> ms
    events: Annotated[list[dict[str, Any]], operator.add]  # trace notes (fallbacks, errors)
