"""State checks after a case: count the tenant's rows of a resource that match `where`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, case, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from store import models as m
from store.models_brands import BrandNote

__all__ = ["RESOURCE_MODELS", "check_where_keys", "count_rows"]

RESOURCE_MODELS: dict[str, type[m.Base]] = {
    "partnerships": m.Partnership,
    "coupons": m.Coupon,
    "coupon_events": m.CouponEvent,
    "tasks": m.Task,
    "invoices": m.Invoice,
    "conversations": m.Conversation,
    "messages": m.Message,
    "support_issues": m.SupportIssue,
    "handoffs": m.Handoff,
    "events": m.Event,
    "contacts": m.Contact,
    "outbound_messages": m.OutboundMessage,
    "scheduled_jobs": m.ScheduledJob,
    "surveys": m.Survey,
    "brand_notes": BrandNote,
}

# Names from the bundle format that map onto our columns.
_ALIASES: dict[str, dict[str, str]] = {
    "tasks": {"due": "due_date"},
    "coupons": {},
    "invoices": {},
    "messages": {"text": "content"},
    "outbound_messages": {"content": "body"},
}
_PARTNERSHIP_FIELDS = {"partnership": m.Partnership.ref, "brand": m.Partnership.brand}
_HIDDEN = {"tenant_id"}


def _columns(resource: str) -> dict[str, Any]:
    model = RESOURCE_MODELS[resource]
    cols = {c.key: getattr(model, c.key) for c in model.__table__.columns if c.key not in _HIDDEN}
    for alias, real in _ALIASES.get(resource, {}).items():
        cols[alias] = cols[real]
    if "partnership_id" in cols:  # a row tied to a partnership can be matched by its ref or brand
        cols.update(_PARTNERSHIP_FIELDS)
    if resource == "coupon_events":
        cols["code"] = m.Coupon.code
    if resource == "outbound_messages":  # the template's name: the purpose of a message sent as a template
        cols["template"] = m.OutboundMessage.purpose
        # a template's body is its variables as JSON (non-Latin letters escaped): read through jsonb, which
        # gives them back as written, so `content_contains: "להעביר"` finds a Hebrew reminder too
        body = m.OutboundMessage.body
        cols["content"] = cols["body"] = case(
            (m.OutboundMessage.content_sid.isnot(None), cast(cast(body, JSONB), Text)), else_=body)
    return cols


def check_where_keys(resource: str, where: dict[str, Any]) -> None:
    """Raise ValueError naming the first key that is not a field of the resource."""
    cols = _columns(resource)
    for key in where:
        base = key[: -len("_contains")] if key.endswith("_contains") else key
        if base not in cols and resource != "contacts":  # a contact's collected fields are open-ended
            known = ", ".join(sorted(cols))
            raise ValueError(f"where.{key}: {resource} has no field {base!r} (fields: {known})")


def _coerce(column: Any, value: Any) -> Any:
    kind = column.type
    if value is None:
        return None
    try:
        if isinstance(kind, DateTime) and isinstance(value, str):
            return dt.datetime.fromisoformat(value)
        if isinstance(kind, Date) and isinstance(value, str):
            return dt.date.fromisoformat(value)
        if isinstance(kind, Numeric) and not isinstance(kind, Integer):
            return Decimal(str(value))
    except (ValueError, InvalidOperation):
        return value
    return value


def count_rows(session: Session, *, tenant_id: int, resource: str, where: dict[str, Any]) -> int:
    """Rows of `resource` in this tenant matching every condition (equality or FIELD_contains)."""
    model = RESOURCE_MODELS[resource]
    cols = _columns(resource)
    if resource == "contacts":  # any other key is a collected field, kept in attributes
        for key in where:
            base = key.removesuffix("_contains")
            if base not in cols:
                cols[base] = m.Contact.attributes[base].as_string()
    stmt = select(func.count()).select_from(model).where(model.tenant_id == tenant_id)  # type: ignore[attr-defined]
    if resource == "outbound_messages" and any(k.startswith("template") for k in where):
        stmt = stmt.where(m.OutboundMessage.content_sid.isnot(None))
    joins_partnership = model is not m.Partnership
    if joins_partnership and any(k.removesuffix("_contains") in _PARTNERSHIP_FIELDS for k in where):
        stmt = stmt.outerjoin(m.Partnership, m.Partnership.id == model.partnership_id)  # type: ignore[attr-defined]
    if resource == "coupon_events" and any(k.startswith("code") for k in where):
        stmt = stmt.join(m.Coupon, m.Coupon.id == m.CouponEvent.coupon_id)
    for key, value in where.items():
        if key.endswith("_contains"):
            col = cols[key[: -len("_contains")]]
            text_col = col if isinstance(col.type, String | Text) else cast(col, Text)
            stmt = stmt.where(func.lower(text_col).contains(str(value).lower()))
            continue
        col = cols[key]
        if value is None:
            stmt = stmt.where(col.is_(None))
        elif isinstance(col.type, DateTime) and isinstance(value, str) and len(value) == 10:
            stmt = stmt.where(func.date(col) == dt.date.fromisoformat(value))
        elif isinstance(col.type, Boolean):
            stmt = stmt.where(col.is_(bool(value)))
        elif isinstance(col.type, String | Text) and not isinstance(value, str):
            stmt = stmt.where(col == str(value))
        else:
            stmt = stmt.where(col == _coerce(col, value))
    return int(session.execute(stmt).scalar_one())
