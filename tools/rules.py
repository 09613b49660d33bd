"""The owner's notification rules by chat and API: "remind me 3 days before any invoice is due", "stop the
coupon follow-ups", "תזכירי לי יום לפני כל דדליין"; and what the rules are now."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from store import rules as rule_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.registry import ToolContext, tool

__all__ = ["set_rule", "list_rules"]

Trigger = Literal["task_due", "task_overdue", "invoice_due", "invoice_overdue", "coupon_follow_up"]


class SetRuleArgs(OwnerArgs):
    trigger: Trigger = Field(..., description="task_due, task_overdue, invoice_due, invoice_overdue, coupon_follow_up")
    days: int | None = Field(None, ge=0, le=60, description="days before the due date (or after a code was shown)")
    active: bool | None = Field(None, description="false stops this reminder or follow-up; true turns it on")

    @model_validator(mode="after")
    def _something(self) -> SetRuleArgs:
        if self.days is None and self.active is None:
            raise ValueError("say how many days ahead, or whether to stop or start it")
        return self


@tool("set_rule", roles=OWNER_ONLY, args=SetRuleArgs)
@atomic
def set_rule(ctx: ToolContext, args: SetRuleArgs) -> dict:
    """Change a reminder or follow-up rule: how many days ahead, or stop/start it."""
    active = True if args.days is not None and args.active is None else args.active
    before, after = rule_store.set_rule(session=ctx.session, tenant_id=ctx.tenant_id, trigger=args.trigger,
                                        days=args.days, active=active)
    audit(ctx, action="update", resource="rule", resource_id=args.trigger, before=before, after=after)
    return {"trigger": args.trigger, **after}


class ListRulesArgs(OwnerArgs):
    pass


@tool("list_rules", roles=OWNER_ONLY, args=ListRulesArgs)
def list_rules(ctx: ToolContext, args: ListRulesArgs) -> dict:
    """My reminder and follow-up rules: each trigger, how many days ahead, on or off."""
    from store import tenants as tenant_store

    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    rules = rule_store.rules_of(tenant.settings if tenant else None)
    return {"rules": [{"trigger": t, **values} for t, values in rules.items()]}
