"""The model's structured understanding (a pydantic schema per role) and its conversion to the
engine's Understanding dict: brands resolved against the tenant's catalog, everything else checked.

Nothing the model says is trusted as data: a brand it names that is not in this tenant's catalog
is dropped, codes are normalised, dates that do not parse are dropped, the confidence is clamped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.engines.offline.types import FOLLOWER_INTENTS, OWNER_INTENTS, Catalog
from knowledge.text import detect_language, normalize, token_variants

__all__ = [
    "FollowerUnderstanding",
    "OwnerUnderstanding",
    "INTENT_HELP",
    "schema_for",
    "resolve_brands",
    "to_understanding",
    "detect_language",
]

FollowerIntent = Literal[FOLLOWER_INTENTS]  # type: ignore[valid-type]
AnyIntent = Literal[FOLLOWER_INTENTS + OWNER_INTENTS]  # type: ignore[valid-type]

# One line per intent: what the model reads in its instructions.
INTENT_HELP = {
    "greeting": "hello / hi / good morning, nothing else asked",
    "coupon_request": "asks for a discount code, coupon or deal (for a brand or in general), "
    "or whether a code is valid",
    "product_question": "asks about a product or what to buy/use (a brand's product, a recommendation)",
    "content_question": "asks about the influencer's content: a recipe, a post, a tip, a video, "
    "where something was shown",
    "partnership_question": "asks which brands the influencer works with, or about a collaboration itself",
    "support_issue": "a problem around a collaboration: order never arrived, code does not work, "
    "damaged item, refund",
    "human_request": "wants to talk to the influencer or a human, not the bot",
    "feedback": "thanks, praise or a complaint about the answers or the experience",
    "small_talk": "chit-chat: how are you, compliments, personal questions to the influencer",
    "consent": "agrees to or withdraws consent to be contacted / to store their details",
    "abuse": "insults, harassment, profanity aimed at the influencer or the bot",
    "off_topic": "anything unrelated to the influencer, their content or their collaborations",
    "owner_query": "(influencer only) reads business data: partnerships, tasks, invoices, "
    "coupon or chat statistics, digest",
    "owner_command": "(influencer only) changes business data: add/update a task, partnership, "
    "coupon or invoice",
}


class _Amount(BaseModel):
    value: str = Field(description="the number as written, digits only, e.g. '200' or '49.90'")
    currency: str = Field(description="ISO code (ILS, USD, EUR) or '' when none was given")


class _Base(BaseModel):
    language: Literal["he", "en"] = Field(
        description="'he' when the message is written mainly in Hebrew, else 'en'"
    )
    brands: list[str] = Field(
        description="refs of the catalog brands the message names (or, for a follow-up, means)"
    )
    ambiguous_brands: list[str] = Field(
        description="refs when one mention could be several catalog brands, else []"
    )
    coupon_codes: list[str] = Field(description="coupon codes the user typed, exactly as typed, else []")
    products: list[str] = Field(description="product names mentioned, else []")
    order_ids: list[str] = Field(description="order numbers mentioned, else []")
    dates: list[str] = Field(description="dates mentioned, as YYYY-MM-DD resolved against today, else []")
    amounts: list[_Amount] = Field(description="money amounts mentioned, else []")
    sentiment: Literal["negative", "neutral", "positive"]
    confidence: float = Field(description="0.0-1.0: how sure the intent is right")
    followup: bool = Field(
        description="true when the message continues the previous turn ('is there a code for it?')"
    )


class FollowerUnderstanding(_Base):
    """The understanding of one follower message."""

    intent: FollowerIntent = Field(description="the one intent that best fits the message")


class OwnerUnderstanding(_Base):
    """The understanding of one message from the influencer (owner)."""

    intent: AnyIntent = Field(description="the one intent that best fits the message")  # type: ignore[valid-type]


def schema_for(role: str) -> type[_Base]:
    """The structured-output schema for a role (followers cannot even be labelled with owner intents)."""
    return OwnerUnderstanding if role == "owner" else FollowerUnderstanding


def _keys(text: str) -> set[str]:
    """Lookup forms of a brand mention: normalised, without spaces/dashes, without Hebrew prefixes."""
    base = normalize(text).strip().strip("@#\"'")
    out = {base, re.sub(r"[\s\-_.]+", "", base)}
    if " " not in base:
        out.update(token_variants(base))
    return {k for k in out if k}


def resolve_brands(mentions: list[str], catalog: Catalog, *, fuzzy: Any = None) -> list[str]:
    """Catalog refs for the model's brand mentions (by ref, name or alias); unknown mentions are dropped.

    `fuzzy(mention) -> list[ref]` is tried for a mention nothing matched exactly (the offline
    engine's brand finder: typos, transliteration); its refs come from the same catalog.
    """
    index: dict[str, str] = {}
    for entry in catalog.brands:
        for form in (entry.ref, entry.name, *entry.aliases):
            for key in _keys(form):
                index.setdefault(key, entry.ref)
    refs: list[str] = []
    for mention in mentions:
        found = next((index[k] for k in _keys(str(mention)) if k in index), None)
        candidates = [found] if found else list(fuzzy(str(mention)) if fuzzy else [])
        for ref in candidates:
            if ref in index.values() and ref not in refs:
                refs.append(ref)
    return refs


def _dates(values: list[str]) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(dt.date.fromisoformat(str(value).strip()[:10]).isoformat())
        except ValueError:
            continue  # a date the model could not resolve is no date at all
    return out


def _amounts(values: list[Any]) -> list[dict[str, str]]:
    out = []
    for item in values:
        raw = item.model_dump() if isinstance(item, BaseModel) else dict(item or {})
        number = re.sub(r"[^\d.]", "", str(raw.get("value") or "").replace(",", "."))
        if number and re.fullmatch(r"\d+(\.\d+)?", number):
            out.append({"value": number, "currency": str(raw.get("currency") or "").upper()[:3]})
    return out


def _strings(values: list[Any], *, upper: bool = False, limit: int = 10) -> list[str]:
    out: list[str] = []
    for value in values or []:
        text = str(value).strip()[:80]
        text = text.upper() if upper else text
        if text and text not in out:
            out.append(text)
    return out[:limit]


def to_understanding(
    parsed: Any, *, role: str, catalog: Catalog, text: str, fuzzy: Any = None
) -> dict[str, Any]:
    """The engine's Understanding dict from the model's parsed output (a schema instance or a dict)."""
    schema = schema_for(role)
    model: Any = (
        parsed
        if isinstance(parsed, schema)
        else schema.model_validate(parsed.model_dump() if isinstance(parsed, BaseModel) else parsed)
    )
    intent = model.intent
    confidence = min(max(float(model.confidence), 0.0), 1.0)
    # The letters decide when they are unambiguous: a model label never sends a Hebrew speaker English.
    language = detect_language(text) or model.language
    brands = resolve_brands(model.brands, catalog, fuzzy=fuzzy)
    ambiguous = resolve_brands(model.ambiguous_brands, catalog)
    return {
        "intent": intent,
        "confidence": round(confidence, 3),
        "language": language,
        "entities": {
            "brands": brands,
            "coupon_codes": _strings(model.coupon_codes, upper=True),
            "products": _strings(model.products),
            "order_ids": _strings(model.order_ids),
            "dates": _dates(model.dates),
            "times": [],
            "amounts": _amounts(model.amounts),
        },
        "sentiment": model.sentiment,
        "ambiguous_brands": ambiguous if len(ambiguous) > 1 else [],
        "followup": bool(model.followup),
        "scores": {intent: round(confidence, 3)},
    }
