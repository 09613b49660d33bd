"""Owner tools: importing this module registers every tool the influencer (owner role) can call."""

from __future__ import annotations

from tools import analytics, coupon_admin, invoices, partnerships, tasks
from tools.registry import OWNER, all_specs

__all__ = ["OWNER_TOOLS", "owner_tool_names"]

# Tool modules, imported for their registrations.
_MODULES = (partnerships, tasks, coupon_admin, invoices, analytics)

OWNER_TOOLS = (
    "list_partnerships",
    "create_partnership",
    "update_partnership",
    "list_tasks",
    "create_task",
    "update_task",
    "list_coupons",
    "create_coupon",
    "update_coupon",
    "list_invoices",
    "create_invoice",
    "update_invoice",
    "coupon_stats",
    "conversation_stats",
    "daily_digest",
)


def owner_tool_names() -> list[str]:
    """Names of the registered tools only an owner may call."""
    return sorted(name for name, spec in all_specs().items() if spec.roles == frozenset({OWNER}))
