"""The owner's inbox: follower conversations waiting for or held by a human, by per-tenant number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from store.locks import next_number
from store.models import Contact, Conversation, Handoff, Message, OutboundMessage, SupportIssue

__all__ = ["Waiting", "Listed", "STATES", "number_of", "by_number", "waiting", "recent_messages", "last_inbound",
           "follower_language", "conversations", "state_of", "fingerprint", "quoted_number", "issues", "ISSUE_STATUSES"]

STATES = ("waiting", "human", "bot", "closed", "all")  # the inbox's tabs
ISSUE_STATUSES = ("open", "closed", "all")


@dataclass(frozen=True)
class Waiting:
    """One conversation in the inbox."""

    number: int
    conversation_id: str
    channel: str
    state: str  # waiting | active (a human holds it)
    name: str | None
    since: dt.datetime
    last_message: str | None
    last_at: dt.datetime | None


def number_of(*, session: Session, conversation: Conversation) -> int:
    """The conversation's per-tenant number, given on first need ("#12")."""
    if conversation.number is None:
        conversation.number = next_number(session, Conversation.number, Conversation.tenant_id,
                                          conversation.tenant_id)
        session.flush()
    return conversation.number


def by_number(*, session: Session, tenant_id: int, number: int) -> Conversation | None:
    """The tenant's follower conversation with this number."""
    return session.scalars(select(Conversation).where(
        Conversation.tenant_id == tenant_id, Conversation.number == number, Conversation.role == "follower")).first()


def last_inbound(*, session: Session, tenant_id: int, conversation_id: str) -> Message | None:
    """The follower's latest message in the conversation."""
    return session.scalars(select(Message).where(
        Message.tenant_id == tenant_id, Message.conversation_id == conversation_id, Message.direction == "in")
        .order_by(Message.id.desc())).first()


def follower_language(*, session: Session, tenant_id: int, conversation_id: str, default: str) -> str:
    """The language of the follower's latest message, else `default`."""
    last = last_inbound(session=session, tenant_id=tenant_id, conversation_id=conversation_id)
    return (last.language if last is not None else None) or default


def waiting(*, session: Session, tenant_id: int) -> list[Waiting]:
    """Conversations waiting for a human or held by one, oldest request first."""
    rows = session.execute(
        select(Handoff, Conversation, Contact)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Handoff.tenant_id == tenant_id, Handoff.status.in_(("waiting", "active")))
        .order_by(Handoff.created_at)
    ).all()
    out: list[Waiting] = []
    seen: set[str] = set()
    for handoff, conv, contact in rows:
        if conv.id in seen:
            continue
        seen.add(conv.id)
        last = last_inbound(session=session, tenant_id=tenant_id, conversation_id=conv.id)
        name = (contact.attributes or {}).get("name") if contact is not None else None
        out.append(Waiting(number_of(session=session, conversation=conv), conv.id, conv.channel, handoff.status,
                           str(name) if name else None, handoff.created_at,
                           last.content if last else None, last.created_at if last else None))
    return out


def recent_messages(*, session: Session, tenant_id: int, conversation_id: str, limit: int = 8) -> list[Message]:
    """The conversation's latest messages, oldest first (content is stored masked)."""
    rows = list(session.scalars(select(Message).where(
        Message.tenant_id == tenant_id, Message.conversation_id == conversation_id)
        .order_by(Message.id.desc()).limit(limit)))
    return list(reversed(rows))


@dataclass(frozen=True)
class Listed:
    """One follower conversation in an inbox tab."""

    number: int
    conversation_id: str
    channel: str
    state: str  # waiting | human | bot | closed
    name: str | None
    last_message: str | None
    last_direction: str | None
    last_at: dt.datetime


def _state(tenant_id: int) -> ColumnElement[str]:
    """The conversation's inbox state as SQL: closed, else waiting (a handoff nobody took), else human
    (a person holds it), else bot."""
    held = (select(Handoff.status).where(Handoff.tenant_id == tenant_id, Handoff.conversation_id == Conversation.id,
                                         Handoff.status.in_(("waiting", "active")))
            .order_by(case((Handoff.status == "waiting", 0), else_=1)).limit(1).scalar_subquery())
    return case(
        (Conversation.status == "closed", "closed"),
        (held == "waiting", "waiting"),
        ((held == "active") | Conversation.paused.is_(True), "human"),
        else_="bot",
    )


def conversations(*, session: Session, tenant_id: int, state: str = "all", limit: int = 50) -> list[Listed]:
    """The tenant's follower conversations in one state (waiting for a human, held by one, with the bot,
    closed, or all), latest activity first; each gets its per-tenant number."""
    state_of = _state(tenant_id)
    last = (select(Message.id).where(Message.tenant_id == tenant_id, Message.conversation_id == Conversation.id)
            .order_by(Message.id.desc()).limit(1).correlate(Conversation).scalar_subquery())
    query = (select(Conversation, state_of.label("state"), Contact, Message)
             .outerjoin(Contact, Contact.id == Conversation.contact_id)
             .outerjoin(Message, Message.id == last)
             .where(Conversation.tenant_id == tenant_id, Conversation.role == "follower"))
    if state != "all":  # on the CASE itself: WHERE cannot name a select-list alias
        query = query.where(state_of == state)
    rows = session.execute(query.order_by(Conversation.last_message_at.desc()).limit(limit)).all()
    out: list[Listed] = []
    for conv, conv_state, contact, message in rows:
        name = (contact.attributes or {}).get("name") if contact is not None else None
        out.append(Listed(number_of(session=session, conversation=conv), conv.id, conv.channel, conv_state,
                          str(name) if name else None, message.content if message is not None else None,
                          message.direction if message is not None else None, conv.last_message_at))
    return out


def issues(*, session: Session, tenant_id: int, status: str = "open",
           limit: int = 50) -> list[tuple[SupportIssue, int | None]]:
    """The tenant's support issues (open, closed or all), newest first, each with its conversation's number."""
    query = (select(SupportIssue, Conversation.number)
             .outerjoin(Conversation, Conversation.id == SupportIssue.conversation_id)
             .where(SupportIssue.tenant_id == tenant_id))
    if status != "all":
        query = query.where(SupportIssue.status == status)
    rows = session.execute(query.order_by(SupportIssue.number.desc().nulls_last(), SupportIssue.id.desc())
                           .limit(limit)).all()
    return [(issue, number) for issue, number in rows]


def state_of(*, session: Session, conversation: Conversation) -> str:
    """waiting | human | bot | closed, as the inbox's tabs name it."""
    return str(session.scalar(select(_state(conversation.tenant_id)).where(Conversation.id == conversation.id)))


def fingerprint(*, session: Session, tenant_id: int) -> str:
    """A short value that changes whenever the tenant's inbox does: a message, a handoff asked, taken or
    released, an issue opened or closed, a conversation closed (one round trip; the console's live updates
    poll it)."""
    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(model.tenant_id == tenant_id, *where).scalar_subquery()

    row = session.execute(select(
        select(func.max(Message.id)).where(Message.tenant_id == tenant_id).scalar_subquery(),
        count(Handoff, Handoff.status == "waiting"),
        count(Handoff, Handoff.status == "active"),
        count(SupportIssue, SupportIssue.status == "open"),
        count(Conversation, Conversation.status == "closed"),
        count(Conversation, Conversation.paused.is_(True)),
    )).one()
    return ":".join(str(v or 0) for v in row)


def quoted_number(*, session: Session, tenant_id: int, provider_id: str) -> int | None:
    """The number of the follower conversation a message we sent to the owner was about (a notification
    they quoted), or None."""
    return session.scalar(
        select(Conversation.number)
        .join(OutboundMessage, OutboundMessage.conversation_id == Conversation.id)
        .where(OutboundMessage.tenant_id == tenant_id, OutboundMessage.provider_id == provider_id,
               OutboundMessage.to_role == "owner", Conversation.tenant_id == tenant_id,
               Conversation.role == "follower")
    )
