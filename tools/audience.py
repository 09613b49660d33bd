"""What a follower tells about themselves: their name, e-mail and interests (kept only with their consent,
the e-mail masked), and whether they follow the influencer (asked once; a follower who does not gets one
invite to follow, when the owner's rule allows it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from store import contacts as contact_store
from store import events as event_store
from store import rules as rule_store
from store import tenants as tenant_store
from store.privacy import mask_email, mask_pii
from tools.registry import FOLLOWER, ToolContext, ToolError, tool

__all__ = ["save_my_details", "record_follows"]


class DetailsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str | None = Field(None, max_length=60, description="the follower's first name, as they gave it")
    email: str | None = Field(None, max_length=200, description="their e-mail (kept masked)")
    interests: list[str] | None = Field(None, max_length=8, description="what they are into, a few words each")

    @field_validator("interests")
    @classmethod
    def _short(cls, value: list[str] | None) -> list[str] | None:
        return [v.strip()[:40] for v in value if v.strip()] if value else None


def _contact(ctx: ToolContext) -> Any:
    contact = contact_store.get(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id or 0)
    if contact is None:
        raise ToolError("there is no contact to keep details for", code="no_contact")
    return contact


@tool("save_my_details", roles={FOLLOWER}, args=DetailsArgs)
def save_my_details(ctx: ToolContext, args: DetailsArgs) -> dict[str, Any]:
    """Keep the name, e-mail (masked) and interests a follower gave, only if they consented."""
    contact = _contact(ctx)
    if contact.consent != "granted":
        raise ToolError("I keep personal details only with your consent", code="no_consent")
    changes: dict[str, Any] = {}
    if args.name:
        changes["name"] = mask_pii(args.name.strip())[:60]
    if args.email:
        masked = mask_email(args.email) or (args.email if "•••@" in args.email else None)
        if masked is None:
            raise ToolError("that does not look like an e-mail address", field="email")
        changes["email"] = masked
    if args.interests:
        known = list((contact.attributes or {}).get("interests") or [])
        changes["interests"] = list(dict.fromkeys([*known, *(mask_pii(i) for i in args.interests)]))[:12]
    if not changes:
        raise ToolError("nothing to keep: a name, an e-mail or interests", code="empty")
    changes["details_at"] = ctx.now.isoformat()
    contact_store.update_attributes(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact.id,
                                    changes=changes)
    event_store.record(session=ctx.session, tenant_id=ctx.tenant_id, kind="details_saved", contact_id=contact.id,
                       conversation_id=ctx.conversation_id, payload={"fields": sorted(changes)}, at=ctx.now)
    return {k: v for k, v in changes.items() if k != "details_at"}


class FollowsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    follows: bool


@tool("record_follows", roles={FOLLOWER}, args=FollowsArgs)
def record_follows(ctx: ToolContext, args: FollowsArgs) -> dict[str, Any]:
    """Record whether the follower follows the influencer; one invite to follow for one who does not."""
    contact = _contact(ctx)
    already_invited = bool((contact.attributes or {}).get("invited_at"))
    contact_store.set_follows(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact.id,
                              follows=args.follows, at=ctx.now)
    invite = None
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    rule = rule_store.rule_of(session=ctx.session, tenant_id=ctx.tenant_id, trigger="non_follower_invite")
    if not args.follows and not already_invited and rule["active"] and tenant is not None:
        invite = {"handle": tenant.handle, "url": f"https://instagram.com/{tenant.handle}",
                  "template": (rule.get("template") or "").replace("{handle}", f"@{tenant.handle}") or None}
        contact_store.update_attributes(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact.id,
                                        changes={"invited_at": ctx.now.isoformat()})
    return {"follows": args.follows, "invite": invite}
