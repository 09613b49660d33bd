"""Contacts: the people who write to a tenant, one per (channel, sender id)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from store.models import Contact, utcnow

__all__ = ["upsert", "get", "touch_inbound", "set_consent", "last_inbound_at"]

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
    """Remember when the contact last wrote (the WhatsApp 24-hour window depends on it)."""
    contact = session.get(Contact, contact_id)  # usually already in the session: no query
    if contact is not None and contact.tenant_id == tenant_id:
        contact.last_inbound_at = at


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
