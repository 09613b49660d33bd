"""Model tokens per tenant and calendar month (Redis hash counters), and the tenant's monthly budget.

Counters live in Redis: every model turn adds to them, and a row in PostgreSQL updated by every turn of
a tenant would serialise that tenant's turns on one lock. A month's counters expire after 400 days.
The budget is a tenant setting (`model_budget`: soft and hard monthly token limits, each optional):
over the soft limit replies are kept short, over the hard one the tenant is served offline only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from store.models import Tenant

__all__ = ["add", "of", "budget_of", "set_budget", "state_of"]

_TTL = 400 * 24 * 3600
_FIELDS = ("calls", "input_tokens", "output_tokens", "turns", "fallbacks")


def _key(tenant_id: int, month: str) -> str:
    return f"model_usage:{tenant_id}:{month}"


def month_of(at: dt.datetime) -> str:
    """YYYY-MM of a datetime, in UTC (one month boundary for the counters whoever reads them)."""
    return (at.astimezone(dt.UTC) if at.tzinfo else at).strftime("%Y-%m")


def add(redis: Any, *, tenant_id: int, at: dt.datetime, usage: dict[str, Any]) -> None:
    """Add one turn's model use (calls, tokens, a fallback when a stage failed)."""
    key = _key(tenant_id, month_of(at))
    pipe = redis.pipeline()
    for name in ("calls", "input_tokens", "output_tokens"):
        pipe.hincrby(key, name, int(usage.get(name) or 0))
    pipe.hincrby(key, "turns", 1)
    pipe.hincrby(key, "fallbacks", 1 if usage.get("failed") else 0)
    pipe.expire(key, _TTL)
    pipe.execute()


def of(redis: Any, *, tenant_id: int, month: str) -> dict[str, int]:
    """A month's counters (zeros when nothing was used)."""
    raw = redis.hgetall(_key(tenant_id, month)) or {}
    values = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}
    return {name: values.get(name, 0) for name in _FIELDS}


def budget_of(settings: dict[str, Any] | None) -> dict[str, int | None]:
    """The monthly token budget: {"soft": n | None, "hard": n | None} (None: no limit)."""
    stored = (settings or {}).get("model_budget") or {}
    return {k: v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None
            for k, v in (("soft", stored.get("soft")), ("hard", stored.get("hard")))}


def set_budget(*, session: Session, tenant_id: int, soft: int | None, hard: int | None) -> dict[str, int | None]:
    """Replace the budget (None or 0 removes a limit)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"no tenant {tenant_id}")
    tenant.settings = {**(tenant.settings or {}), "model_budget": {"soft": soft or None, "hard": hard or None}}
    session.flush()
    return budget_of(tenant.settings)


def state_of(used: dict[str, int], budget: dict[str, int | None]) -> str:
    """"ok", "soft" (over the soft limit: short replies) or "hard" (over the hard limit: offline only)."""
    tokens = used.get("input_tokens", 0) + used.get("output_tokens", 0)
    if budget.get("hard") and tokens >= int(budget["hard"] or 0):
        return "hard"
    if budget.get("soft") and tokens >= int(budget["soft"] or 0):
        return "soft"
    return "ok"
