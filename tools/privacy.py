"""A follower's own data: erase it (the agent asks to confirm first) or get what is held about them.

Erasing keeps the counts (messages become placeholders, copies and issues stay without the person) and
drops the conversation's saved state; the next message starts fresh. The export is what is stored,
which is already masked.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from store import erasure as erasure_store
from tools.registry import FOLLOWER, ToolContext, ToolError, tool

__all__ = ["erase_my_data", "export_my_data"]


class _NoArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _confirm_erase(ctx: ToolContext, args: _NoArgs) -> str:
    return "Delete your details and the messages of our conversations for good"


@tool("erase_my_data", roles={FOLLOWER}, args=_NoArgs, confirm=_confirm_erase)
def erase_my_data(ctx: ToolContext, args: _NoArgs) -> dict[str, Any]:
    """Erase everything that identifies the follower and what they wrote (after they confirmed)."""
    if not ctx.contact_id:
        raise ToolError("there is nothing stored about you to erase", code="no_contact")
    done = erasure_store.erase_contact(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id,
                                       at=ctx.now)
    ctx.session.flush()
    return {"erased": True, "messages": done["messages"], "conversations": done["conversations"]}


@tool("export_my_data", roles={FOLLOWER}, args=_NoArgs)
def export_my_data(ctx: ToolContext, args: _NoArgs) -> dict[str, Any]:
    """What is stored about the follower: their details, consent, messages (masked) and survey answers."""
    if not ctx.contact_id:
        raise ToolError("nothing is stored about you", code="no_contact")
    data = erasure_store.export_contact(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id)
    link = ctx.services.get("export_link")
    return {"summary": {"messages": len(data.get("messages") or []), "consent": data.get("contact", {}).get("consent"),
                        "details": sorted((data.get("contact", {}).get("details") or {}).keys()),
                        "surveys": len(data.get("surveys") or [])},
            "url": str(link(data)) if link else None}
