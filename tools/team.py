"""The influencer's team: managers who answer followers and run the business from their own WhatsApp.

A manager's phone may serve several influencers (an agency); on WhatsApp they pick one with "switch to
@handle" or by quoting a notification. They have the owner's tools; the audit log names who wrote. A
phone that is an owner's phone cannot also be a manager. Phones are shown masked.
"""

from __future__ import annotations

from pydantic import Field

from store import owners as owner_store
from store.privacy import mask_identity
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.registry import ToolContext, ToolError, tool

__all__ = ["add_manager", "remove_manager", "list_managers", "console_link"]


class AddManagerArgs(OwnerArgs):
    name: str = Field(..., min_length=1, max_length=60, description="what to call the manager (Noa)")
    phone: str = Field(..., min_length=7, max_length=32, description="their WhatsApp number, E.164 (+972501234567)")


@tool("add_manager", roles=OWNER_ONLY, args=AddManagerArgs)
@atomic
def add_manager(ctx: ToolContext, args: AddManagerArgs) -> dict:
    """Add a manager: a person who may answer followers and run the business for me from their WhatsApp."""
    try:
        identity, created = owner_store.add_manager(session=ctx.session, tenant_id=ctx.tenant_id, phone=args.phone,
                                                    name=args.name, region=_region(ctx))
    except owner_store.OwnerConflict as exc:
        raise ToolError(str(exc).replace(_digits(args.phone), mask_identity(args.phone)), field="phone",
                        code="conflict") from None
    except ValueError:
        raise ToolError("that is not a phone number with a country code (like +972501234567)",
                        field="phone") from None
    masked = mask_identity(identity.value)
    if created:
        audit(ctx, action="add", resource="manager", resource_id=args.name, before=None,
              after={"name": args.name, "phone": masked})
    return {"name": identity.label, "phone": masked, "created": created}


def _digits(phone: str) -> str:
    try:
        return owner_store.normalize_phone(phone, region="IL")
    except ValueError:
        return phone


def _region(ctx: ToolContext) -> str | None:
    """Where a national number ("050-…") is read from: Israel for a Hebrew-speaking influencer."""
    return "IL" if "he" in (ctx.languages or ()) else None


class RemoveManagerArgs(OwnerArgs):
    name: str = Field(..., min_length=1, max_length=60, description="the manager's name as added")


@tool("remove_manager", roles=OWNER_ONLY, args=RemoveManagerArgs)
@atomic
def remove_manager(ctx: ToolContext, args: RemoveManagerArgs) -> dict:
    """Remove a manager: their phone no longer answers for me."""
    removed = owner_store.remove_manager(session=ctx.session, tenant_id=ctx.tenant_id, name_or_phone=args.name)
    if removed is None:
        names = ", ".join(m.label or "?" for m in owner_store.managers(session=ctx.session, tenant_id=ctx.tenant_id))
        raise ToolError(f"no manager called {args.name!r}" + (f" (managers: {names})" if names else ""),
                        field="name", code="not_found")
    audit(ctx, action="remove", resource="manager", resource_id=removed.label or "", before={
        "name": removed.label, "phone": mask_identity(removed.value)}, after=None)
    return {"name": removed.label, "phone": mask_identity(removed.value), "removed": True}


class ListManagersArgs(OwnerArgs):
    pass


@tool("list_managers", roles=OWNER_ONLY, args=ListManagersArgs)
def list_managers(ctx: ToolContext, args: ListManagersArgs) -> dict:
    """My managers: name and phone (masked)."""
    return {"managers": [{"name": m.label, "phone": mask_identity(m.value)}
                         for m in owner_store.managers(session=ctx.session, tenant_id=ctx.tenant_id)]}


class ConsoleLinkArgs(OwnerArgs):
    pass


@tool("console_link", roles=OWNER_ONLY, args=ConsoleLinkArgs)
def console_link(ctx: ToolContext, args: ConsoleLinkArgs) -> dict:
    """A one-time link that signs me in to the web console (the inbox, conversations, issues); good for
    15 minutes and one sign-in."""
    issue = ctx.services.get("console_link")
    if issue is None:
        raise ToolError("the console is not served here; run influencer-os serve", code="unavailable")
    return {"url": str(issue(tenant_id=ctx.tenant_id, actor=f"link:{ctx.actor or 'owner'}")), "minutes": 15}
