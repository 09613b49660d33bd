"""Notification rules per influencer: which reminders and follow-ups run, and how many days ahead.

Kept in the tenant's settings (`settings["rules"]`), merged over the defaults, so every influencer has
working rules from the first import and only what an owner changed is stored.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm import Session

from store.models import Tenant

__all__ = ["DEFAULTS", "TRIGGERS", "rules_of", "set_rule"]

# trigger -> {days (before the date, or after the code was shown), active, audience}
DEFAULTS: dict[str, dict[str, Any]] = {
    "task_due": {"days": 1, "active": True, "audience": "owner"},
    "task_overdue": {"days": 1, "active": True, "audience": "owner"},
    "invoice_due": {"days": 3, "active": True, "audience": "owner"},
    "invoice_overdue": {"days": 1, "active": True, "audience": "owner"},
    "coupon_follow_up": {"days": 3, "active": True, "audience": "follower"},
}
TRIGGERS = tuple(DEFAULTS)


def rules_of(settings: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The tenant's rules: the defaults with the owner's changes on top."""
    stored = (settings or {}).get("rules") or {}
    merged = copy.deepcopy(DEFAULTS)
    for trigger, values in stored.items():
        if trigger in merged and isinstance(values, dict):
            merged[trigger].update({k: v for k, v in values.items() if k in ("days", "active")})
    return merged


def set_rule(*, session: Session, tenant_id: int, trigger: str, days: int | None = None,
             active: bool | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change one rule; (before, after)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError("no such influencer")
    settings = dict(tenant.settings or {})
    before = rules_of(settings)[trigger]
    stored = dict(settings.get("rules") or {})
    change = dict(stored.get(trigger) or {})
    if days is not None:
        change["days"] = days
    if active is not None:
        change["active"] = active
    stored[trigger] = change
    tenant.settings = {**settings, "rules": stored}  # a new dict: the JSON column sees the change
    session.flush()
    return before, rules_of(tenant.settings)[trigger]
