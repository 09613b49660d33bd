"""Tracking links: one unguessable slug per (coupon, channel, target), found again by its slug."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from store.models_brands import TrackingLink

__all__ = ["link_for", "by_slug"]


def link_for(*, session: Session, tenant_id: int, coupon_id: int | None, channel: str, target: str,
             at: dt.datetime, partnership_id: int | None = None) -> TrackingLink:
    """The stable link of this coupon (or partnership) and channel to this target (made once; 96 random
    bits)."""
    query = select(TrackingLink).where(TrackingLink.tenant_id == tenant_id, TrackingLink.channel == channel,
                                       TrackingLink.target == target)
    query = query.where(TrackingLink.coupon_id.is_(None) if coupon_id is None else TrackingLink.coupon_id == coupon_id)
    found = session.scalars(query).first()
    if found is not None:
        return found
    session.execute(insert(TrackingLink).values(
        tenant_id=tenant_id, slug=secrets.token_urlsafe(12), coupon_id=coupon_id, partnership_id=partnership_id,
        channel=channel, target=target, created_at=at).on_conflict_do_nothing(constraint="uq_tracking_link"))
    return session.scalars(query.order_by(TrackingLink.id)).first()  # type: ignore[return-value]


def by_slug(*, session: Session, slug: str) -> TrackingLink | None:
    """The link with this slug, whichever influencer's (an operator session: the slug is the only key)."""
    return session.scalars(select(TrackingLink).where(TrackingLink.slug == slug)).first()
