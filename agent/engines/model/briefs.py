"""A brief read by the model with a JSON schema (issue 14), for the gaps the offline rules leave.

`BriefReader` is lent to the tools as the service `read_brief_model`: (masked text, today) -> the model's
fields as a plain dict, or None on any failure (the rules' reading stands). Every field is loosely typed
here and checked one by one in knowledge.briefs.merge, like user input: a field the model got wrong is
dropped, never the whole reading. Results are kept in Redis for a day by the text's hash, so the proposal
and the "yes" that writes it read the same (one call per brief, whichever process answers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

__all__ = ["BriefFields", "BriefReader"]

log = logging.getLogger(__name__)
_TTL = 86_400


class DeliverableFields(BaseModel):
    count: int | None = Field(None, description="how many")
    kind: str | None = Field(None, description="reel | story | post | live | short | video")
    platform: str | None = Field(None, description="instagram | tiktok | youtube | facebook | ugc")
    due: list[str] = Field(default_factory=list, description="due dates, YYYY-MM-DD")


class BriefFields(BaseModel):
    brand: str | None = Field(None, description="the brand's name as written")
    contact: str | None = Field(None, description="the brand's contact person's name as written")
    campaign: str | None = Field(None, description="the campaign's name as written")
    start_date: str | None = Field(None, description="YYYY-MM-DD")
    end_date: str | None = Field(None, description="YYYY-MM-DD")
    fee: str | None = Field(None, description="the total fee as written, digits only")
    currency: str | None = Field(None, description="ILS | USD | EUR | GBP")
    vat: str | None = Field(None, description="plus | included | null")
    payment_days: int | None = Field(None, description="net days")
    deliverables: list[DeliverableFields] = Field(default_factory=list)
    usage_months: int | None = None
    exclusivity_months: int | None = None
    hashtags: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list, description="discount codes the brand asks her to use")


def _messages(text: str, today: dt.date) -> list[Any]:
    return [SystemMessage(content=(
        "You read a brand's brief or contract for an influencer and extract its facts. Today is "
        f"{today.isoformat()}; resolve relative dates to YYYY-MM-DD. Copy names, amounts, hashtags and codes "
        "exactly as written; leave out (null or empty) anything the text does not say. Never guess.")),
        HumanMessage(content=text[:12_000])]


class BriefReader:
    """The model's reading of a brief, cached by the text's hash (Redis when there is one)."""

    def __init__(self, engine: Any, redis: Any = None) -> None:
        self.engine = engine
        self.redis = redis

    def __call__(self, text: str, today: dt.date) -> dict[str, Any] | None:
        key = "brief-model:" + hashlib.sha256(f"{today.isoformat()}\n{text}".encode()).hexdigest()
        cached = self._get(key)
        if cached is not None:
            return cached
        if not getattr(self.engine, "available", lambda: True)():  # the model is cooling down after an outage
            return None
        try:
            parsed, _ = self.engine.structured.invoke(BriefFields, _messages(text, today))
        except Exception as exc:  # any failure: the rules' reading stands
            log.warning("the model could not read the brief: %s", type(exc).__name__)
            return None
        if parsed is None:
            return None
        fields = parsed.model_dump() if isinstance(parsed, BaseModel) else dict(parsed)
        self._put(key, fields)
        return fields

    def _get(self, key: str) -> dict[str, Any] | None:
        if self.redis is None:
            return None
        try:
            raw = self.redis.get(key)
        except Exception:  # a cache that is down is no cache
            return None
        return json.loads(raw) if raw else None

    def _put(self, key: str, fields: dict[str, Any]) -> None:
        if self.redis is not None:
            try:
                self.redis.set(key, json.dumps(fields, ensure_ascii=False), ex=_TTL)
            except Exception:
                log.warning("the brief cache could not be written")
