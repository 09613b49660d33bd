"""Contacts: the people who write to a tenant, one per (channel, sender id)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from store.models import Contact, utcnow

__all__ = ["upsert", "get", "touch_inbound", "set_consent", "last_inbound_at", "update_attributes", "set_follows",
           "audience"]

CONSENT_VALUES = ("unknown", "granted", "withdrawn")


def upsert(*, session: Session, tenant_id: int, channel: str, external_id: str) -> Contact:
    """The contact for this sender on this channel, created on first contact (safe under concurrency)."""
    found = session.scalars(
        select(Contact).where(
            Contact.tenant_id == tenant_id, Contact.channel == channel, Contact.external_id == external_id
        )
    ).first()
    if found is not None:
        return found
    now = utcnow()
    # ON CONFLICT: two first messages from the same sender may race.
    stmt = (
        insert(Contact)
        .values(tenant_id=tenant_id, channel=channel, external_id=external_id, created_at=now, updated_at=now,
                consent="unknown", is_follower=False, attributes={})
        .on_conflict_do_nothing(constraint="uq_contact")
    )
    session.execute(stmt)
    return session.scalars(
        select(Contact).where(
            Contact.tenant_id == tenant_id, Contact.channel == channel, Contact.external_id == external_id
        )
    ).one()


def get(*, session: Session, tenant_id: int, contact_id: int) -> Contact | None:
    """One contact of this tenant, or None."""
    return session.scalars(select(Contact).where(Contact.tenant_id == tenant_id, Contact.id == contact_id)).first()


def touch_inbound(*, session: Session, tenant_id: int, contact_id: int, at: dt.datetime) -> None:
    """Remember when the contact last wrote (the WhatsApp 24-hour window depends on it); never moves back.

    One UPDATE, without loading the contact (a turn in a named conversation never loads it)."""
    table = cast(Table, Contact.__table__)  # Core, not the ORM's bulk update
    session.execute(
        update(table)
        .where(table.c.id == contact_id, table.c.tenant_id == tenant_id,
               or_(table.c.last_inbound_at.is_(None), table.c.last_inbound_at < at))
        .values(last_inbound_at=at, updated_at=utcnow())
    )
    loaded = session.identity_map.get(identity_key(Contact, contact_id))
    if isinstance(loaded, Contact) and (loaded.last_inbound_at is None or loaded.last_inbound_at < at):
        set_committed_value(loaded, "last_inbound_at", at)  # what the row now says, without a second UPDATE


def set_consent(*, session: Session, tenant_id: int, contact_id: int, consent: str, at: dt.datetime) -> Contact:
    """Record that the contact granted or withdrew consent to keep their data."""
    if consent not in CONSENT_VALUES:
        raise ValueError(f"consent must be one of {', '.join(CONSENT_VALUES)}")
    contact = get(session=session, tenant_id=tenant_id, contact_id=contact_id)
    if contact is None:
        raise LookupError(f"no contact {contact_id}")
    contact.consent = consent
    contact.consent_at = at
    return contact


def last_inbound_at(*, session: Session, tenant_id: int, channel: str, external_id: str) -> dt.datetime | None:
    """When this sender last wrote to this tenant on this channel."""
    return session.scalar(
        select(func.max(Contact.last_inbound_at)).where(
            Contact.tenant_id == tenant_id, Contact.channel == channel, Contact.external_id == external_id
        )
    )


def update_attributes(*, session: Session, tenant_id: int, contact_id: int, changes: dict[str, Any]) -> Contact:
    """Merge `changes` into the contact's attributes (a None value removes the key)."""
    contact = get(session=session, tenant_id=tenant_id, contact_id=contact_id)
    if contact is None:
        raise LookupError(f"no contact {contact_id}")
    attributes = {**(contact.attributes or {}), **changes}
    contact.attributes = {k: v for k, v in attributes.items() if v is not None}  # a new dict: the column sees it
    session.flush()
    return contact


def set_follows(*, session: Session, tenant_id: int, contact_id: int, follows: bool, at: dt.datetime) -> Contact:
    """Record whether the contact follows the influencer (their answer, timestamped)."""
    contact = update_attributes(session=session, tenant_id=tenant_id, contact_id=contact_id,
                                changes={"follows_answered_at": at.isoformat()})
    contact.is_follower = follows
    return contact


def audience(*, session: Session, tenant_id: int, contact_ids: list[int]) -> dict[int, str]:
    """Per contact: "follower", "not_follower" (they said so) or "unknown" (never answered)."""
    if not contact_ids:
        return {}
    rows = session.execute(select(Contact.id, Contact.is_follower, Contact.attributes).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(set(contact_ids)))).all()
    return {cid: "follower" if follows else "not_follower" if (attrs or {}).get("follows_answered_at") else "unknown"
            for cid, follows, attrs in rows}
