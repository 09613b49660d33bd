"""The messages the model engine sends: understanding, tool choice and the reply in the persona's voice.

Everything that goes to the model passes `masked()` (personal data replaced by placeholders) even
when it was masked upstream: the prompt is built from state, persona and tool results, and any of
them could carry a phone number or an e-mail. Tool results are trimmed to what a reply needs.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agent.engines.model.schema import INTENT_HELP
from agent.engines.offline.types import FOLLOWER_INTENTS, OWNER_INTENTS, Catalog
from agent.jsonable import jsonable, mask_if_needed
from store.records import DEFAULT_TIMEZONE

__all__ = [
    "masked",
    "understanding_messages",
    "tools_messages",
    "reply_messages",
    "facts_json",
    "LANGUAGE_NAMES",
]

LANGUAGE_NAMES = {"he": "Hebrew", "en": "English"}
HISTORY_MESSAGES = 6
_FACTS_LIMIT = 6000
_HIT_TEXT_LIMIT = 700
_DROP_KEYS = {"id", "score", "similarity", "lexical", "meta", "source_ref", "partnership_ref"}


def masked(text: str) -> str:
    """The text with phones, e-mails, cards and ID numbers replaced by placeholders."""
    return mask_if_needed(text or "")


def _who(state: dict[str, Any]) -> tuple[str, str]:
    tenant = state.get("tenant") or {}
    return str(tenant.get("display_name") or tenant.get("handle") or ""), str(tenant.get("handle") or "")


def _history(state: dict[str, Any]) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for item in (state.get("history") or [])[-HISTORY_MESSAGES:]:
        text = masked(str(item.get("text") or ""))
        if text:
            out.append(HumanMessage(text) if item.get("role") == "user" else AIMessage(text))
    return out


def _user(state: dict[str, Any]) -> HumanMessage:
    return HumanMessage(masked(state.get("masked_text") or ""))


def _catalog_lines(catalog: Catalog) -> str:
    lines = []
    for entry in catalog.brands:
        aliases = f" (also: {', '.join(entry.aliases[:6])})" if entry.aliases else ""
        lines.append(f"- {entry.ref}: {entry.name}{aliases}")
    return "\n".join(lines) or "- (none)"


def _today(state: dict[str, Any]) -> str:
    from agent.state import turn_now

    tenant = state.get("tenant") or {}
    zone = tenant.get("timezone") or DEFAULT_TIMEZONE
    try:
        from zoneinfo import ZoneInfo

        local = turn_now(state).astimezone(ZoneInfo(zone))
    except Exception:  # an unknown zone: UTC is the honest fallback
        local = turn_now(state)
    return f"{local.date().isoformat()} ({local.strftime('%A')}, time zone {zone})"


def understanding_messages(state: dict[str, Any], catalog: Catalog) -> list[BaseMessage]:
    """System instructions (intents, the tenant's brands, today) + recent turns + the message."""
    name, handle = _who(state)
    role = state.get("role", "follower")
    intents = FOLLOWER_INTENTS + (OWNER_INTENTS if role == "owner" else ())
    sender = "the influencer themself (the owner)" if role == "owner" else "a follower"
    system = (
        f"You label one chat message sent to the assistant of {name} (@{handle}), an influencer. "
        f"The sender is {sender}.\n\nIntents:\n"
        + "\n".join(f"- {i}: {INTENT_HELP[i]}" for i in intents)
        + f"\n\nBrands this influencer works with (ref: name):\n{_catalog_lines(catalog)}\n\n"
        "Rules: brands and ambiguous_brands hold refs from this list only; a brand that is not on the list "
        "is not a brand of this influencer, leave it out. Hebrew prefix letters may be glued to a name "
        "(ל/ב/מ/ה/ו + name). Copy codes, order numbers and amounts exactly as the user wrote them; "
        "never add any. "
        f"Today is {_today(state)}.\n"
        "Text like [PHONE] or [EMAIL] is personal data that was masked."
    )
    return [SystemMessage(masked(system)), *_history(state), _user(state)]


def tools_messages(state: dict[str, Any], catalog: Catalog) -> list[BaseMessage]:
    """System instructions for choosing tools + recent turns + the message."""
    name, handle = _who(state)
    u = state.get("understanding") or {}
    owner = state.get("role") == "owner"
    audience = (
        "You help the influencer run their business: call the tools that read or change what they ask about."
        if owner
        else "You answer a follower. Call the tools whose results the answer needs: codes, brands and facts "
        "come only from tools, never from memory."
    )
    system = (
        f"You are the assistant of {name} (@{handle}). {audience}\n"
        f"Brands (ref: name):\n{_catalog_lines(catalog)}\n"
        f"Understood so far: intent {u.get('intent')}, "
        f"entities {json.dumps(u.get('entities') or {}, ensure_ascii=False)}.\n"
        "Use a brand's name or ref from the list as the brand argument. "
        "Arguments come from the user's words; "
        "never invent codes, order numbers or amounts. Call no tool when none is needed. "
        f"Today is {_today(state)}."
    )
    return [SystemMessage(masked(system)), *_history(state), _user(state)]


def _slim(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _DROP_KEYS or item in (None, "", [], {}):
                continue
            if key == "text" and isinstance(item, str):
                item = item[:_HIT_TEXT_LIMIT]
            out[key] = _slim(item)
        return out
    if isinstance(value, list):
        return [_slim(v) for v in value[:10]]
    return value


def facts_json(state: dict[str, Any]) -> str:
    """This turn's tool results as compact JSON (the only source of codes, prices, dates and links)."""
    results = [
        _slim({"tool": r.get("name"), "ok": r.get("ok"), "result": r.get("data"), "error": r.get("error")})
        for r in state.get("tool_results") or []
    ]
    text = json.dumps(jsonable(results), ensure_ascii=False, separators=(",", ":"))
    return text[:_FACTS_LIMIT]


def _voice(state: dict[str, Any], language: str) -> str:
    persona = state.get("persona") or {}

    def pick(key: str) -> str:
        value = persona.get(f"{key}s") if isinstance(persona.get(f"{key}s"), dict) else None
        return str((value or {}).get(language) or persona.get(key) or "")

    first_name = persona.get("first_name")
    first_name = first_name.get(language) if isinstance(first_name, dict) else first_name
    lines = [
        f"Tone: {', '.join(persona.get('tone') or []) or 'warm, friendly'}.",
        f"Voice: {persona['voice_description']}" if persona.get("voice_description") else "",
        f"Notes from the influencer: {persona['notes']}" if persona.get("notes") else "",
        f"Length: {persona.get('answer_length') or 'short'}, "
        f"at most {persona.get('max_sentences') or 3} sentences.",
        (
            f"Emoji: yes, sparingly; favourites {' '.join(persona.get('favourite_emojis') or [])}."
            if persona.get("uses_emoji")
            else "Emoji: none."
        ),
        f"Greeting on the first message of a conversation: {pick('greeting')}" if pick("greeting") else "",
        f"Sign-off on a first or closing message: {pick('sign_off')}" if pick("sign_off") else "",
        f"Your first name: {first_name}." if first_name else "",
        f"Avoid: {'; '.join(persona.get('avoid') or [])}." if persona.get("avoid") else "",
    ]
    return "\n".join(line for line in lines if line)


def reply_messages(state: dict[str, Any], *, draft: str, facts: str) -> list[BaseMessage]:
    """System instructions (voice, language, facts, the verified draft) + recent turns + the message."""
    name, handle = _who(state)
    language = state.get("language") or "he"
    decision = state.get("decision") or {}
    owner = state.get("role") == "owner"
    first = int(state.get("turn") or 1) <= 1
    system = (
        f"You are {name} (@{handle}) writing in your own chat, to "
        + ("yourself as the business owner (a concise assistant tone)" if owner else "a follower")
        + f". Write in {LANGUAGE_NAMES.get(language, language)} only.\n\n"
        f"{_voice(state, language) if not owner else ''}\n\n"
        f"This is {'the first message' if first else 'a later message'} of the conversation. "
        f"Situation: {decision.get('action') or 'respond'}"
        + (f" ({decision['note']})" if decision.get("note") else "")
        + ".\n\nFACTS (tool results of this turn, the ONLY source of coupon codes, prices, discounts, "
        "amounts, "
        f"dates and links):\n{facts or '[]'}\n\n"
        f"A correct draft of the answer (every fact in it is verified):\n{draft}\n\n"
        "Rewrite the draft in your voice. Rules: keep every code, link, number, amount and date of the draft, "
        "exactly as written (a reply that leaves one out is discarded), and never write one that is not "
        "there; when the facts do not answer the "
        "question, say honestly you don't know and will pass it on; no talk of tools, JSON or instructions; "
        "cite the source link when you answer from a post. Text like [PHONE] is masked personal data."
    )
    return [SystemMessage(masked(system)), *_history(state), _user(state)]
