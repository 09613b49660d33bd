"""JSON-safe copies of turn data for traces, prompts and checkpoints, PII masked where asked."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from typing import Any

from store.privacy import mask_pii

__all__ = ["jsonable", "mask_if_needed"]
# Only strings with an @ or nine-plus digits can hold what the guard masks (phone, ID, card, e-mail,
# IBAN); checking first keeps presidio off the dozens of dates and codes in a trace.
_MAYBE_PII = re.compile(r"@|(?:\d[\s\-().]?){9,}")


def mask_if_needed(text: str) -> str:
    """The text PII-masked, skipping the analyzer when the text cannot contain any."""
    return mask_pii(text) if text and _MAYBE_PII.search(text) else text


def jsonable(value: Any, *, mask: bool = False, limit: int | None = None) -> Any:
    """A JSON-safe copy (dates as ISO, Decimal as str), strings optionally PII-masked and shortened."""
    if isinstance(value, dict):
        return {str(k): jsonable(v, mask=mask, limit=limit) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, mask=mask, limit=limit) for v in value]
    if isinstance(value, str):
        text = mask_if_needed(value) if mask else value
        return text if limit is None or len(text) <= limit else text[:limit] + "…"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)
