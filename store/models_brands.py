"""The business tables added in the third wave (issues 13, 14): brand communications and tracking links.
Kept apart from store.models to keep files small; store.records re-exports them like every row type, and
everything that walks the metadata imports this module too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, TenantOwned, utcnow

__all__ = ["BrandNote", "TrackingLink"]


class BrandNote(TenantOwned, Base):
    """A communication with a brand, by type, open until closed (issue 14); text masked."""

    __tablename__ = "brand_notes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="other")  # financial|legal|issue|creative|other
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open|closed
    due_date: Mapped[dt.date | None] = mapped_column(Date)  # "they will pay by Dec 10"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TrackingLink(TenantOwned, Base):
    """A short link to a shop, per coupon and channel (issue 13): /l/{slug} redirects and counts the click."""

    __tablename__ = "tracking_links"
    __table_args__ = (UniqueConstraint("tenant_id", "coupon_id", "channel", "target", name="uq_tracking_link"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
