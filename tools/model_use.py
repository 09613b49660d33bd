"""The model's tokens this month and the tenant's monthly budget (owner only)."""

from __future__ import annotations

import re

from pydantic import Field, ValidationInfo, field_validator

from store import model_usage
from store import tenants as tenant_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.registry import ToolContext, ToolError, tool

__all__ = ["model_usage_report", "set_model_budget"]


class UsageArgs(OwnerArgs):
    month: str | None = Field(None, description="YYYY-MM; this month when not given")

    @field_validator("month")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", value.strip()):
            raise ValueError("a month is YYYY-MM, e.g. 2026-12")
        return value.strip() if value else None


@tool("model_usage", roles=OWNER_ONLY, args=UsageArgs)
def model_usage_report(ctx: ToolContext, args: UsageArgs) -> dict:
    """Model calls, tokens in and out, turns and fallbacks this month, against the monthly budget."""
    redis = ctx.services.get("redis")
    if redis is None:
        raise ToolError("usage counters are not reachable right now", code="unavailable")
    month = args.month or model_usage.month_of(ctx.now)
    used = model_usage.of(redis, tenant_id=ctx.tenant_id, month=month)
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    budget = model_usage.budget_of(tenant.settings if tenant else None)
    return {"month": month, **used, "tokens": used["input_tokens"] + used["output_tokens"], "budget": budget,
            "state": model_usage.state_of(used, budget)}


class BudgetArgs(OwnerArgs):
    soft: int | None = Field(None, ge=0, le=10**10, description="tokens a month, then short replies; 0: none")
    hard: int | None = Field(None, ge=0, le=10**10, description="tokens a month, then offline only; 0: none")

    @field_validator("hard")
    @classmethod
    def _order(cls, hard: int | None, info: ValidationInfo) -> int | None:
        soft = info.data.get("soft")
        if hard and soft and soft > hard:
            raise ValueError("the hard limit must be at least the soft one")
        return hard


@tool("set_model_budget", roles=OWNER_ONLY, args=BudgetArgs)
@atomic
def set_model_budget(ctx: ToolContext, args: BudgetArgs) -> dict:
    """The monthly model token budget: over soft, short replies; over hard, offline only."""
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    before = model_usage.budget_of(tenant.settings if tenant else None)
    after = model_usage.set_budget(session=ctx.session, tenant_id=ctx.tenant_id, soft=args.soft, hard=args.hard)
    audit(ctx, action="update", resource="model_budget", resource_id="model_budget", before=before, after=after)
    return {"budget": after}
