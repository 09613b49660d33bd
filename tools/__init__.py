"""The tools the agent offers, listed here: one module per business area, one registry.

A tool is described where it is written (`@tool(...)` in its area's module) and offered only by
being listed below; nothing registers itself on import.
"""

from tools import (
    analytics,
    audience,
    brand_notes,
    brands,
    briefs,
    calendar,
    content,
    coupons,
    export,
    inbox,
    invoices,
    model_use,
    money,
    partnerships,
    payment_docs,
    privacy,
    profit,
    projects,
    report,
    rules,
    support,
    tasks,
    team,
)
from tools.registry import FOLLOWER, OWNER, Registry, ToolContext, ToolError, ToolResult, ToolSpec

__all__ = [
    "FOLLOWER",
    "FOLLOWER_TOOLS",
    "OWNER",
    "OWNER_TOOLS",
    "PERSONAL_TOOLS",
    "REGISTRY",
    "Registry",
    "ToolContext",
    "ToolError",
    "ToolResult",
    "ToolSpec",
]

# Every follower tool may be called by the owner too; owner tools only by the owner.
FOLLOWER_TOOLS: tuple[ToolSpec, ...] = (
    coupons.find_coupons,
    brands.list_brands,
    content.search_knowledge,
    support.open_support_issue,
    support.request_handoff,
    support.record_feedback,
    support.set_consent,
)

# A follower's own data (erase, export, their details, whether they follow): followers only.
PERSONAL_TOOLS: tuple[ToolSpec, ...] = (
    privacy.erase_my_data,
    privacy.export_my_data,
    audience.save_my_details,
    audience.record_follows,
)

OWNER_TOOLS: tuple[ToolSpec, ...] = (
    partnerships.list_partnerships,
    partnerships.create_partnership,
    partnerships.update_partnership,
    tasks.list_tasks,
    tasks.create_task,
    tasks.update_task,
    coupons.list_coupons,
    coupons.create_coupon,
    coupons.update_coupon,
    invoices.list_invoices,
    invoices.create_invoice,
    invoices.update_invoice,
    analytics.coupon_stats,
    analytics.conversation_stats,
    analytics.daily_digest,
    money.earnings,
    money.record_redemptions,
    profit.profit,
    profit.top_products,
    export.export_table,
    projects.project_summary,
    payment_docs.payment_request,
    payment_docs.receipt,
    report.monthly_report,
    inbox.list_waiting,
    inbox.list_conversations,
    inbox.list_issues,
    inbox.show_conversation,
    inbox.reply_to_follower,
    inbox.hand_back,
    inbox.close_issue,
    team.add_manager,
    team.remove_manager,
    team.list_managers,
    team.console_link,
    calendar.calendar_link,
    rules.set_rule,
    rules.list_rules,
    model_use.model_usage_report,
    briefs.read_brief,
    brand_notes.log_brand_note,
    brand_notes.list_brand_notes,
    brand_notes.close_brand_note,
    briefs.create_from_brief,
    model_use.set_model_budget,
    rules.set_follower_limits,
    rules.set_retention,
    privacy.erase_follower_data,
    privacy.export_follower_data,
)

REGISTRY = Registry(FOLLOWER_TOOLS + PERSONAL_TOOLS + OWNER_TOOLS)
