"""A follower's own data: erase it (the agent asks to confirm first) or get what is held about them.

Erasing keeps the counts (messages become placeholders, copies and issues stay without the person) and
drops the conversation's saved state; the next message starts fresh. The export is what is stored,
which is already masked.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from store import checkpoints as checkpoint_store
from store import erasure as erasure_store
from store import inbox as inbox_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.registry import FOLLOWER, ToolContext, ToolError, tool

__all__ = ["erase_my_data", "export_my_data", "erase_follower_data", "export_follower_data"]


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


class FollowerArgs(OwnerArgs):
    number: int = Field(..., ge=1, description="the follower's conversation number (#12)")


def _follower(ctx: ToolContext, number: int) -> int:
    conv = inbox_store.by_number(session=ctx.session, tenant_id=ctx.tenant_id, number=number)
    if conv is None or conv.contact_id is None:
        raise ToolError(f"there is no follower conversation #{number}", field="number", code="not_found")
    return conv.contact_id


def _confirm_follower_erase(ctx: ToolContext, args: FollowerArgs) -> str:
    return f"Erase the details and messages of the follower of #{args.number} for good"


@tool("erase_follower_data", roles=OWNER_ONLY, args=FollowerArgs, confirm=_confirm_follower_erase)
@atomic
def erase_follower_data(ctx: ToolContext, args: FollowerArgs) -> dict[str, Any]:
    """Erase a follower's data on their request (conversation #N): details, messages, saved state."""
    contact_id = _follower(ctx, args.number)
    done = erasure_store.erase_contact(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact_id,
                                       at=ctx.now)
    checkpoint_store.delete(session=ctx.session, thread_ids=done["conversations"])  # their saved state too
    audit(ctx, action="erase", resource="contact", resource_id=args.number, before=None,
          after={"messages": done["messages"]})
    return {"number": args.number, "erased": True, "messages": done["messages"]}


@tool("export_follower_data", roles=OWNER_ONLY, args=FollowerArgs)
def export_follower_data(ctx: ToolContext, args: FollowerArgs) -> dict[str, Any]:
    """What is held about the follower of conversation #N (to answer their request), as JSON."""
    return erasure_store.export_contact(session=ctx.session, tenant_id=ctx.tenant_id,
                                        contact_id=_follower(ctx, args.number))
