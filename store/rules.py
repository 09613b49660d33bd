"""Notification rules per influencer: which reminders and follow-ups run, when, how often, where, in
whose words; and the limits on messages to followers (quiet hours, a weekly cap).

Kept in the tenant's settings (`settings["rules"]`, `settings["follower_limits"]`), merged over the
defaults, so every influencer has working rules from the first import and only what an owner changed is
stored. Each rule: trigger, `days` (or `hours`), `repeat` (none | daily | weekly, while it still
applies), audience (fixed by the trigger), `channel` (whatsapp | web | all), `template` (the owner's own
words with {placeholders}, or none for the built-in text), `active`; a threshold where the trigger has one.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from store.models import Tenant

__all__ = ["DEFAULTS", "TRIGGERS", "EDITABLE", "REPEATS", "CHANNELS", "PLACEHOLDERS", "LIMITS",
           "rules_of", "rule_of", "set_rule", "limits_of", "set_limits", "retention_of", "set_retention"]

REPEATS = ("none", "daily", "weekly")
CHANNELS = ("whatsapp", "web", "all")
_OWNER = {"audience": "owner", "active": True, "repeat": "none", "channel": "whatsapp", "template": None}
_FOLLOWER = {"audience": "follower", "active": True, "repeat": "none", "channel": "all", "template": None}

DEFAULTS: dict[str, dict[str, Any]] = {
    "task_due": {**_OWNER, "days": 1},  # the day before a task is due
    "task_overdue": {**_OWNER, "days": 1},  # the day after it was due, still open
    "invoice_due": {**_OWNER, "days": 3},
    "invoice_overdue": {**_OWNER, "days": 1},  # with a drafted payment reminder to the brand
    "proposal_open": {**_OWNER, "days": 7},  # a proposal with no change for a week
    "partnership_start": {**_OWNER, "days": 2},
    "partnership_end": {**_OWNER, "days": 7},  # with a renewal suggestion when its results were good
    "issue_open": {**_OWNER, "hours": 24},  # a follower's issue still open a day later
    "brand_note_open": {**_OWNER, "days": 7},  # a brand communication (legal, financial...) open a week
    "brand_note_overdue": {**_OWNER, "days": 1},  # a financial item still open the day after its date
    "satisfaction_low": {**_OWNER, "threshold": 2},  # an answer this low opens an issue, tells the owner
    "coupon_follow_up": {**_FOLLOWER, "days": 3},  # "did the code work? 1-5" after a code was shown
    "non_follower_invite": {**_FOLLOWER},  # once, to a contact who said they do not follow
}
TRIGGERS = tuple(DEFAULTS)
EDITABLE = ("days", "hours", "active", "repeat", "channel", "template", "threshold")
# what a template may say, per trigger family; anything else in braces is refused when it is set
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "task_due": ("title", "due"), "task_overdue": ("title", "due"),
    "invoice_due": ("title", "due"), "invoice_overdue": ("title", "due"),
    "proposal_open": ("title", "days"), "partnership_start": ("title", "due"),
    "partnership_end": ("title", "due"), "issue_open": ("title", "hours"), "brand_note_open": ("title", "days"),
    "brand_note_overdue": ("title", "due"),
    "satisfaction_low": ("title",), "coupon_follow_up": ("code", "brand"), "non_follower_invite": ("handle",),
}
LIMITS: dict[str, Any] = {"quiet_from": 21, "quiet_until": 9, "weekly": 2}


def rules_of(settings: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The tenant's rules: the defaults with the owner's changes on top."""
    stored = (settings or {}).get("rules") or {}
    merged = copy.deepcopy(DEFAULTS)
    for trigger, values in stored.items():
        if trigger in merged and isinstance(values, dict):
            merged[trigger].update({k: v for k, v in values.items() if k in EDITABLE and k in merged[trigger]})
    return merged


def rule_of(*, session: Session, tenant_id: int, trigger: str) -> dict[str, Any]:
    """One rule of a tenant as it stands (the default when the tenant is gone). Reads the settings column
    only (a follower's coupon turn asks; the whole tenant row carries the FAQ)."""
    table = cast(Table, Tenant.__table__)
    settings = session.execute(select(table.c.settings).where(table.c.id == tenant_id)).scalar()
    return rules_of(settings)[trigger]


def _tenant(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError("no such influencer")
    return tenant


def set_rule(*, session: Session, tenant_id: int, trigger: str,
             **change: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change one rule (fields of EDITABLE the trigger has; None leaves one as it is); (before, after)."""
    tenant = _tenant(session, tenant_id)
    settings = dict(tenant.settings or {})
    before = rules_of(settings)[trigger]
    stored = dict(settings.get("rules") or {})
    current = dict(stored.get(trigger) or {})
    current.update({k: v for k, v in change.items() if k in EDITABLE and k in before and v is not None})
    if change.get("template") == "":  # "" puts the built-in text back
        current.pop("template", None)
    stored[trigger] = current
    tenant.settings = {**settings, "rules": stored}  # a new dict: the JSON column sees the change
    session.flush()
    return before, rules_of(tenant.settings)[trigger]


def limits_of(settings: dict[str, Any] | None) -> dict[str, Any]:
    """Quiet hours (from, until: hours of the influencer's day) and the weekly cap of follower messages."""
    stored = (settings or {}).get("follower_limits") or {}
    return {**LIMITS, **{k: v for k, v in stored.items() if k in LIMITS and isinstance(v, int)}}


def set_limits(*, session: Session, tenant_id: int, **change: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    tenant = _tenant(session, tenant_id)
    settings = dict(tenant.settings or {})
    before = limits_of(settings)
    stored = {**(settings.get("follower_limits") or {}),
              **{k: v for k, v in change.items() if k in LIMITS and v is not None}}
    tenant.settings = {**settings, "follower_limits": stored}
    session.flush()
    return before, limits_of(tenant.settings)


def retention_of(settings: dict[str, Any] | None) -> int | None:
    """Days message contents are kept (None: kept until erased)."""
    days = (settings or {}).get("retention_days")
    return days if isinstance(days, int) and not isinstance(days, bool) and days >= 1 else None


def set_retention(*, session: Session, tenant_id: int, days: int | None) -> tuple[int | None, int | None]:
    tenant = _tenant(session, tenant_id)
    settings = dict(tenant.settings or {})
    before = retention_of(settings)
    if days is None:
        settings.pop("retention_days", None)
    else:
        settings["retention_days"] = days
    tenant.settings = settings
    session.flush()
    return before, retention_of(tenant.settings)
