"""What the web chat reads and writes besides the turn itself: conversations, history, client events."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from agent.guard import mask_pii
from channels.problems import Problem
from store import contacts as contact_store
from store import conversations as conversation_store
from store import coupons as coupon_store
from store import events as event_store
from store import messages as message_store
from store import tenants as tenant_store
from store.records import Message, Tenant
from store.tenancy import bind, tenant_of_conversation

__all__ = [
    "WebConversation",
    "HEBREW",
    "text_dir",
    "lang_dir",
    "load_tenant",
    "create_conversation",
    "load_conversation",
    "stored_turn",
    "history",
    "updates",
    "record_client_event",
]

HEBREW = re.compile(r"[\u0590-\u05ff]")
_LATIN = re.compile(r"[A-Za-z]")
_CONVERSATION_ID = re.compile(r"^[0-9a-fA-F-]{8,36}$")


def text_dir(text: str) -> str:
    """'rtl' when the first strong letter is Hebrew, else 'ltr'."""
    for ch in text or "":
        if HEBREW.match(ch):
            return "rtl"
        if _LATIN.match(ch):
            return "ltr"
    return "ltr"


def lang_dir(language: str | None, text: str = "") -> str:
    """The direction of a message: from its language, else from its text."""
    if language in ("he", "iw", "ar", "yi"):
        return "rtl"
    if language == "en":
        return "ltr"
    return text_dir(text)


@dataclass(frozen=True)
class WebConversation:
    """A web conversation with what a request needs of its tenant and contact."""

    id: str
    tenant: Tenant
    sender_id: str
    contact_id: int | None


def load_tenant(db: Any, handle: str) -> Tenant:
    """The influencer by handle; Problem 404 naming `influencer` when there is none."""
    with db.session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle or "")
        if tenant is None:
            raise Problem(
                404, "no influencer with this handle", field="influencer", code="unknown_influencer"
            )
        return tenant


def create_conversation(
    db: Any, tenant: Tenant, *, visitor_id: str | None, now: dt.datetime
) -> WebConversation:
    """A new web conversation for a visitor (a new visitor id when none is given)."""
    visitor_id = visitor_id or uuid.uuid4().hex
    with db.session(tenant_id=tenant.id) as session:
        contact = contact_store.upsert(
            session=session, tenant_id=tenant.id, channel="web", external_id=visitor_id
        )
        conv = conversation_store.create(
            session=session,
            tenant_id=tenant.id,
            contact_id=contact.id,
            channel="web",
            role="follower",
            at=now,
        )
        return WebConversation(conv.id, tenant, visitor_id, contact.id)


def load_conversation(db: Any, conversation_id: str) -> WebConversation:
    """A web follower conversation by id; Problem 404 naming `conversation_id` for anything else."""
    missing = Problem(404, "no such conversation", field="conversation_id", code="unknown_conversation")
    if not _CONVERSATION_ID.match(conversation_id or ""):
        raise missing
    with db.session() as session:
        tenant_id = tenant_of_conversation(session, conversation_id)  # the id is all a visitor holds
        if tenant_id is None:
            raise missing
        bind(session, tenant_id)
        # One round trip for the three rows (this runs before every web turn).
        conv, tenant, contact = conversation_store.with_tenant_and_contact(session=session,
                                                                          conversation_id=conversation_id)
        # Only web follower conversations: an id of a WhatsApp or owner thread is not reachable here.
        if conv is None or tenant is None or conv.channel != "web" or conv.role != "follower":
            raise missing
        sender = contact.external_id if contact is not None else f"conversation:{conv.id}"
        return WebConversation(conv.id, tenant, sender, conv.contact_id)


def stored_turn(db: Any, tenant_id: int, channel_message_id: str) -> dict[str, Any]:
    """The stored inbound message and its reply for a channel message id (ids, text, cards)."""
    with db.session(tenant_id=tenant_id) as session:
        inbound = message_store.find_inbound(
            session=session, tenant_id=tenant_id, channel="web", channel_message_id=channel_message_id
        )
        if inbound is None:
            return {}
        reply = message_store.reply_to(session=session, tenant_id=tenant_id, inbound=inbound)
        return {
            "message_id": inbound.id,
            "reply_id": reply.id if reply is not None else None,
            "reply": reply.content if reply is not None else "",
            "language": reply.language if reply is not None else inbound.language,
            "cards": list((reply.meta or {}).get("cards") or []) if reply is not None else [],
        }


def _client_id(message: Message) -> str | None:
    cmid = message.channel_message_id or ""
    prefix = f"{message.conversation_id}:"
    return cmid[len(prefix) :] if cmid.startswith(prefix) else None


def _shown(m: Message) -> dict[str, Any]:
    meta = m.meta or {}
    out = m.direction == "out"
    return {
        "id": m.id,
        "role": "user" if not out else "assistant",
        # who wrote an outbound message: the bot, the influencer (or their team) or the system
        "by": None if not out else ("person" if meta.get("by") in ("owner", "manager") else meta.get("by") or "bot"),
        "text": m.content,
        "language": m.language,
        "dir": lang_dir(m.language, m.content) if out else text_dir(m.content),
        "cards": list(meta.get("cards") or []) if out else [],
        "client_message_id": _client_id(m) if not out else None,
        "reply_to": meta.get("reply_to") if out else None,
        "created_at": m.created_at.isoformat() if m.created_at else None,
    }


def history(db: Any, conv: WebConversation, *, limit: int) -> list[dict[str, Any]]:
    """The conversation's last messages, oldest first, as the widget shows them (PII masked)."""
    with db.session(tenant_id=conv.tenant.id) as session:
        rows = message_store.recent(
            session=session, tenant_id=conv.tenant.id, conversation_id=conv.id, limit=limit
        )
        return [_shown(m) for m in rows]


def updates(db: Any, conv: WebConversation, *, after: int) -> list[dict[str, Any]]:
    """Messages to the visitor newer than message `after` that no turn of theirs streamed: the
    influencer's relayed replies and the notices (handed back, issue closed), oldest first."""
    with db.session(tenant_id=conv.tenant.id) as session:
        rows = message_store.unprompted_after(session=session, tenant_id=conv.tenant.id,
                                              conversation_id=conv.id, after_id=after)
        return [_shown(m) for m in rows]


def owner_token_for(db: Any, tenant_id: int, token: str) -> bool:
    """True when `token` is an owner token of this tenant."""
    with db.session() as session:
        tenant = tenant_store.owner_tenant_for_token(session=session, token=token)
        return tenant is not None and tenant.id == tenant_id


def record_client_event(
    db: Any, conv: WebConversation, *, kind: str, code: str | None, url: str | None, now: dt.datetime
) -> dict[str, Any]:
    """Record a copy or a click on a coupon this conversation was shown (once per conversation, code
    and kind, so nobody can inflate an owner's counts), or a click on a link (its URL masked)."""
    with db.session(tenant_id=conv.tenant.id) as session:
        coupon = None
        if code:
            coupon = coupon_store.get_by_code(session=session, tenant_id=conv.tenant.id, code=code)
            if coupon is None:
                raise Problem(
                    404, "no such coupon code for this influencer", field="code", code="unknown_code"
                )
        if coupon is not None:
            event_kind = "copied" if kind == "coupon_copied" else "link_clicked"
            # find_coupons records every code it shows a follower as a 'shown' event of the conversation.
            scope = {"session": session, "tenant_id": conv.tenant.id, "coupon_id": coupon.id,
                     "conversation_id": conv.id}
            if event_store.first_coupon_event(**scope, kind="shown") is None:
                raise Problem(409, "this code was not shown in this conversation", field="code",
                              code="code_not_shown")
            existing = event_store.first_coupon_event(**scope, kind=event_kind, lock=True)
            if existing is not None:
                return {"recorded": event_kind, "code": coupon.code, "id": existing, "already": True}
            row = coupon_store.record_event(session=session, tenant_id=conv.tenant.id, coupon_id=coupon.id,
                                            kind=event_kind, contact_id=conv.contact_id, conversation_id=conv.id,
                                            at=now)
            return {"recorded": row.kind, "code": coupon.code, "id": row.id}
        event = event_store.record(
            session=session,
            tenant_id=conv.tenant.id,
            kind="link_clicked",
            payload={"url": mask_pii(unquote(url or ""))[:500]},
            conversation_id=conv.id,
            contact_id=conv.contact_id,
            at=now,
        )
        session.flush()
        return {"recorded": "link_clicked", "code": None, "id": event.id}
