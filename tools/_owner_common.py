"""Shared by the owner tools: JSON-ready values, money wording, the audit trail, brand lookup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from knowledge.matching import best_matches
from store import audit as audit_store
from store import partnerships as partnership_store
from store.records import Partnership
from tools.registry import OWNER, ToolContext, ToolError

OWNER_ONLY = frozenset({OWNER})


class OwnerArgs(BaseModel):
    """Base of owner tool arguments: unknown fields are refused by name, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def jsonable(value: Any) -> Any:
    """Decimal -> "7000.00", dates and datetimes -> ISO, recursively through dicts and lists."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def money(amount: Decimal | float | int | None, currency: str | None) -> str:
    """'7,000.00 ILS' — how amounts appear in confirmations."""
    if amount is None:
        return "no amount"
    return f"{Decimal(str(amount)):,.2f} {currency or ''}".strip()


def snapshot(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named columns of a row, JSON-ready (for before/after in the audit log)."""
    return {name: jsonable(getattr(row, name)) for name in fields}


def audit(
    ctx: ToolContext,
    *,
    action: str,
    resource: str,
    resource_id: str | int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Record the change in the audit log: who (ctx.actor), where (ctx.channel), when (ctx.now)."""
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    audit_store.record(
        session=ctx.session,
        tenant_id=ctx.tenant_id,
        actor=ctx.actor or f"{ctx.role}:{ctx.channel}",
        channel=ctx.channel,
        action=action,
        resource=resource,
        resource_id=resource_id,
        before=before,
        after=after,
        at=ctx.now,
    )


def find_partnerships(ctx: ToolContext, query: str) -> list[Partnership]:
    """Partnerships the words name: by ref, brand or alias, Hebrew prefixes and small typos tolerated."""
    text = (query or "").strip()
    if not text:
        return []
    exact = partnership_store.get_by_ref(session=ctx.session, tenant_id=ctx.tenant_id, ref=text)
    if exact is not None:
        return [exact]
    rows = partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)
    folded = text.casefold()
    same_name = [
        p for p in rows if folded in {p.brand.casefold(), *(a.casefold() for a in p.brand_aliases or [])}
    ]
    if same_name:
        return same_name
    return [p for p in best_matches(text, [(p, [p.brand, p.ref, *(p.brand_aliases or [])]) for p in rows])]


def resolve_partnership(ctx: ToolContext, text: str, *, field: str = "partnership") -> Partnership:
    """The one partnership the words name, or a ToolError saying none or which ones."""
    found = find_partnerships(ctx, text)
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(
            p.brand for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)
        )
        hint = f"; known brands: {known}" if known else ""
        raise ToolError(f"no partnership matches {text!r}{hint}", field=field, code="not_found")
    names = " or ".join(f"{p.brand} ({p.ref})" for p in found)
    raise ToolError(f"{text!r} could be {names}; which one?", field=field, code="ambiguous")


def partnership_names(ctx: ToolContext, ids: list[int | None]) -> dict[int, Partnership]:
    """Partnerships by id for labelling rows."""
    return partnership_store.by_ids(session=ctx.session, tenant_id=ctx.tenant_id, ids=[i for i in ids if i])


def brand_of(partnerships: dict[int, Partnership], partnership_id: int | None) -> dict[str, str] | None:
    """{ref, brand} of a row's partnership, for the data a tool returns."""
    p = partnerships.get(partnership_id or 0)
    return {"ref": p.ref, "brand": p.brand} if p else None


def atomic(fn):
    """Run a writing tool inside a savepoint, so a ToolError half-way leaves nothing changed."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx: ToolContext, args: Any) -> Any:
        with ctx.session.begin_nested():
            return fn(ctx, args)

    return wrapper


def name_in(display_name: str | None, he: bool) -> str:
    """Her name in a message's language ("Maya Levi | מאיה לוי")."""
    parts = [p.strip() for p in (display_name or "").split("|") if p.strip()]
    hebrew = [p for p in parts if any("\u0590" <= ch <= "\u05ff" for ch in p)]
    other = [p for p in parts if p not in hebrew]
    return ((hebrew if he else other) or parts or [""])[0]
