"""The owner's notification rules by chat and API: "remind me 3 days before any invoice is due", "stop the
coupon follow-ups", "תזכירי לי יום לפני כל דדליין", "quiet hours 22 to 8", "keep messages 90 days";
and what the rules are now."""

from __future__ import annotations

import string
from typing import Literal

from pydantic import Field, model_validator

from store import rules as rule_store
from store import tenants as tenant_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.registry import ToolContext, tool

__all__ = ["set_rule", "list_rules", "set_follower_limits", "set_retention"]

Trigger = Literal["task_due", "task_overdue", "invoice_due", "invoice_overdue", "proposal_open",
                  "partnership_start", "partnership_end", "issue_open", "satisfaction_low", "coupon_follow_up",
                  "non_follower_invite", "brand_note_open", "brand_note_overdue", "tasks", "invoices", "partnerships"]
GROUPS = {"tasks": ("task_due", "task_overdue"), "invoices": ("invoice_due", "invoice_overdue"),
          "partnerships": ("partnership_start", "partnership_end")}  # "stop the invoice reminders": both


class SetRuleArgs(OwnerArgs):
    trigger: Trigger = Field(..., description=", ".join(rule_store.TRIGGERS) + "; tasks, invoices or partnerships "
                                                "for both of theirs (on/off only)")
    days: int | None = Field(None, ge=0, le=60, description="days before the date (or after a code was shown, "
                                                             "or a proposal has stood)")
    hours: int | None = Field(None, ge=1, le=720, description="hours an issue stays open before a reminder")
    active: bool | None = Field(None, description="false stops this reminder or follow-up; true turns it on")
    repeat: Literal["none", "daily", "weekly"] | None = Field(None, description="again while it still applies")
    channel: Literal["whatsapp", "web", "all"] | None = Field(None, description="where a follower rule may reach")
    template: str | None = Field(None, max_length=500, description="the message in the owner's words; "
                                                                   "'' for the built-in one")
    threshold: int | None = Field(None, ge=1, le=4, description="satisfaction at or below this opens an issue")

    @model_validator(mode="after")
    def _fits(self) -> SetRuleArgs:
        given = {k for k in rule_store.EDITABLE if getattr(self, k) is not None}
        if not given:
            raise ValueError("say how many days ahead, or whether to stop or start it")
        if self.trigger in GROUPS:
            if given != {"active"}:
                raise ValueError(f"{self.trigger} together can only be stopped or started; name one reminder")
            return self
        unknown = sorted(given - set(rule_store.DEFAULTS[self.trigger]))
        if unknown:
            raise ValueError(f"{self.trigger} has no {', '.join(unknown)}")
        if self.template:
            names = {n for _, n, _, _ in string.Formatter().parse(self.template) if n is not None}
            allowed = set(rule_store.PLACEHOLDERS[self.trigger])
            if names - allowed:
                raise ValueError(f"the template may use {', '.join('{' + a + '}' for a in sorted(allowed))} only")
        return self


@tool("set_rule", roles=OWNER_ONLY, args=SetRuleArgs)
@atomic
def set_rule(ctx: ToolContext, args: SetRuleArgs) -> dict:
    """Change a reminder or follow-up rule: how long ahead, repeat, channel, own words, or stop/start it."""
    changed = {k: getattr(args, k) for k in rule_store.EDITABLE}
    if changed["active"] is None and any(changed[k] is not None for k in ("days", "hours", "threshold")):
        changed["active"] = True  # "remind me 2 days before" turns a stopped reminder back on
    results = []
    for trigger in GROUPS.get(args.trigger, (args.trigger,)):
        before, after = rule_store.set_rule(session=ctx.session, tenant_id=ctx.tenant_id, trigger=trigger, **changed)
        audit(ctx, action="update", resource="rule", resource_id=trigger, before=before, after=after)
        results.append({"trigger": trigger, **after})
    return results[0] if len(results) == 1 else {"trigger": args.trigger, "rules": results}


class ListRulesArgs(OwnerArgs):
    pass


@tool("list_rules", roles=OWNER_ONLY, args=ListRulesArgs)
def list_rules(ctx: ToolContext, args: ListRulesArgs) -> dict:
    """My reminder and follow-up rules: each trigger, how long ahead, on or off; quiet hours, weekly cap,
    how long messages are kept."""
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    settings = tenant.settings if tenant else None
    rules = rule_store.rules_of(settings)
    return {"rules": [{"trigger": t, **values} for t, values in rules.items()],
            "follower_limits": rule_store.limits_of(settings), "retention_days": rule_store.retention_of(settings)}


class LimitsArgs(OwnerArgs):
    quiet_from: int | None = Field(None, ge=0, le=23, description="hour quiet time starts (the influencer's time)")
    quiet_until: int | None = Field(None, ge=0, le=23, description="hour quiet time ends")
    weekly: int | None = Field(None, ge=0, le=14, description="most follow-ups a follower gets in a week")

    @model_validator(mode="after")
    def _something(self) -> LimitsArgs:
        if self.quiet_from is None and self.quiet_until is None and self.weekly is None:
            raise ValueError("say the quiet hours (from, until) or the weekly limit")
        return self


@tool("set_follower_limits", roles=OWNER_ONLY, args=LimitsArgs)
@atomic
def set_follower_limits(ctx: ToolContext, args: LimitsArgs) -> dict:
    """When followers never get a message (quiet hours) and how many follow-ups a week at most."""
    before, after = rule_store.set_limits(session=ctx.session, tenant_id=ctx.tenant_id, quiet_from=args.quiet_from,
                                          quiet_until=args.quiet_until, weekly=args.weekly)
    audit(ctx, action="update", resource="follower_limits", resource_id="follower_limits", before=before, after=after)
    return after


class RetentionArgs(OwnerArgs):
    days: int | None = Field(None, ge=1, le=3650, description="days message contents are kept; none keeps them")


def _confirm_retention(ctx: ToolContext, args: RetentionArgs) -> str | None:
    if args.days is None:
        return None  # keeping more never loses anything
    return f"Keep message contents {args.days} days: older ones become placeholders for good"


@tool("set_retention", roles=OWNER_ONLY, args=RetentionArgs, confirm=_confirm_retention)
@atomic
def set_retention(ctx: ToolContext, args: RetentionArgs) -> dict:
    """How long followers' message contents are kept (older ones become placeholders; counts hold)."""
    before, after = rule_store.set_retention(session=ctx.session, tenant_id=ctx.tenant_id, days=args.days)
    audit(ctx, action="update", resource="retention", resource_id="retention_days",
          before={"days": before}, after={"days": after})
    return {"retention_days": after}
