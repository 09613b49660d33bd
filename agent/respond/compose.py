"""The respond node: the reply in the persona's voice and the user's language, from the turn's results.

`render_offline(state)` is the template reply (the offline engine, and the model path's fallback):
it plans segments (situation + context) from the decision and the tool results
(agent/_reply_plan.py), renders each from agent/templates/<language>/<situation>.j2 in one sandboxed
Jinja2 environment with StrictUndefined, then adds the voice: a greeting on the first turn, an
emoji at the persona's rate, a sign-off on first and closing turns. Wording varies by
(conversation, turn), never at random, and never repeats the previous reply word for word.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader, StrictUndefined, pass_context
from jinja2.sandbox import SandboxedEnvironment

from agent.respond.format import clean_spaces, join_names
from agent.respond.plan import Plan, Segment, plan_reply, reply_language
from agent.respond.voice import SERIOUS, Chooser, Voice
from knowledge.text import is_hebrew
from store.records import DEFAULT_TIMEZONE

__all__ = ["respond", "render_offline", "environment", "TEMPLATES"]

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
_GREETINGS = {"he": ("היי!", "הי!", "היי היי!"), "en": ("Hi!", "Hey!", "Hi there!")}
_CLOSING = frozenset({"feedback", "consent_withdrawn", "handoff"})
_NO_GREETING = frozenset({"greeting", "feedback", "consent_granted", "consent_withdrawn", "small_talk", "erased",
                          "exported"})
_NO_SIGN_OFF = SERIOUS - {"handoff", "support"} | {"clarify", "confirm", "owner_result"}


def _prefix(context: Any, name: Any, letter: str) -> str:
    """A Hebrew prefix letter on a name: glued to Hebrew ("לאוליביה"), hyphenated before Latin ("ל-Zara")."""
    name = str(name or "")
    if context.get("language") != "he" or not name:
        return name
    return f"{letter}{name}" if is_hebrew(name[:1]) else f"{letter}-{name}"


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The one sandboxed template environment (StrictUndefined: a missing value is an error, not "")."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pre"] = pass_context(lambda ctx, name, letter: _prefix(ctx, name, letter))
    env.filters["join_names"] = pass_context(
        lambda ctx, names, conjunction="and": join_names(
            list(names), ctx.get("language"), conjunction=conjunction
        )
    )
    env.filters["capitalize_first"] = lambda text: (text[:1].upper() + text[1:]) if text else text
    return env


def _render(segment: Segment, language: str, chooser: Chooser, common: dict[str, Any]) -> str:
    template = environment().get_template(f"{language}/{segment.situation}.j2")
    text = template.render(
        **common, **segment.context, language=language, pick=chooser.pick, choose=chooser.index
    )
    return clean_spaces(text)


def _with_emoji(text: str, emoji: str) -> str:
    if not emoji or not text or emoji in text:
        return text
    lines = text.split("\n")
    first = lines[0]
    if "http" in first.rsplit(" ", 1)[-1]:  # never glue an emoji to a link
        return f"{text} {emoji}"
    lines[0] = f"{first} {emoji}"
    return "\n".join(lines)


def _today(state: dict[str, Any]) -> dt.date:
    raw = state.get("now")
    now = dt.datetime.fromisoformat(raw) if raw else dt.datetime.now(dt.UTC)
    now = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
    zone = (state.get("tenant") or {}).get("timezone") or DEFAULT_TIMEZONE
    try:
        return now.astimezone(ZoneInfo(zone)).date()
    except Exception:  # an unknown zone name: the UTC day is the honest fallback
        return now.date()


def _previous_replies(state: dict[str, Any]) -> list[str]:
    return [h.get("text") or "" for h in state.get("history") or [] if h.get("role") == "assistant"]


def _compose(state: dict[str, Any], plan: Plan, turn: int) -> str:
    tenant = state.get("tenant") or {}
    persona = state.get("persona") or {}
    language = plan.language
    situation = plan.segments[0].situation if plan.segments else "fallback"
    chooser = Chooser(state.get("conversation_id") or tenant.get("handle") or "", situation, turn=turn)
    voice = Voice(
        language,
        persona,
        tenant.get("display_name") or tenant.get("handle") or "",
        chooser,
        style=dict(state.get("style") or {}),
    )
    follower = state.get("role", "follower") != "owner"
    closing = situation in _CLOSING or any(s.context.get("closing") for s in plan.segments)
    # "Hi!" opens a first answer, not a thank-you, a goodbye or bad news.
    greeted = follower and plan.first_turn and situation not in SERIOUS | _NO_GREETING and not closing
    common = {
        "name": voice.name,
        "detailed": voice.detailed,
        "length": voice.length,
        "hello": voice.greeting(_GREETINGS[language]),
        "first": plan.first_turn,
        "greeted": greeted,
    }
    parts = [
        _render(segment, language, chooser, {**common, **plan.extras(voice)}) for segment in plan.segments
    ]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    if greeted:
        parts[0] = f"{common['hello']} {parts[0]}"
    if follower:
        parts[0] = _with_emoji(parts[0], voice.emoji(situation))
    if follower and (plan.first_turn or closing) and situation not in _NO_SIGN_OFF:
        sign_off = voice.sign_off()
        if sign_off and sign_off not in parts[-1]:
            parts.append(sign_off)
    return "\n\n".join(parts).strip()


def render_offline(state: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The template reply and its cards (coupon cards for the widget) for this turn's state."""
    reply, cards, _ = _render_offline(state)
    return reply, cards


def _render_offline(state: dict[str, Any]) -> tuple[str, list[dict[str, Any]], Plan]:
    language = reply_language(state)
    plan = plan_reply(state, language=language, today=_today(state))
    previous = _previous_replies(state)
    turn = int(state.get("turn") or (len(previous) + 1))
    reply = _compose(state, plan, turn)
    for bump in range(1, 4):  # the same words as a recent reply read like a machine: vary once more
        if not reply or reply not in previous[-3:]:
            break
        reply = _compose(state, plan, turn + bump)
    return reply, plan.cards, plan


_SAFE_REPLY = {
    "he": "אופס, משהו השתבש אצלי. אפשר לנסות שוב בעוד רגע?",
    "en": "Oops, something went wrong on my side. Could you try again in a moment?",
}


def respond(state: dict[str, Any]) -> dict[str, Any]:
    """The respond node: reply, language and cards (plus a trace note of the situations rendered)."""
    try:
        reply, cards, plan = _render_offline(state)
    except Exception as exc:  # a template bug must not cost the follower an answer
        log.exception("respond: template rendering failed")
        language = reply_language(state)
        return {
            "reply": _SAFE_REPLY[language],
            "language": language,
            "cards": [],
            "events": [{"node": "respond", "event": "render_error", "error": type(exc).__name__}],
        }
    return {
        "reply": reply,
        "language": plan.language,
        "cards": cards,
        "events": [
            {
                "node": "respond",
                "event": "reply",
                "situations": [s.situation for s in plan.segments],
                "language": plan.language,
            }
        ],
    }
