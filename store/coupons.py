"""Coupons repository: codes per partnership, which are valid on a day, and their events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from store.models import Coupon, CouponEvent, Partnership

__all__ = ["list_coupons", "get", "brand_name", "get_by_code", "active_coupons", "offerable", "create", "events",
           "event_rows", "scoped",
           "record_events", "record_event", "last_event_in_conversation", "redeemed_orders", "add_redemption",
           "remove_redemptions"]


def _valid_on(on_date: dt.date) -> tuple[Any, ...]:
    # Active and within its dates on that day, both ends inclusive (as tools._coupon_views.coupon_state).
    return (
        Coupon.active.is_(True),
        or_(Coupon.starts.is_(None), Coupon.starts <= on_date),
        or_(Coupon.expires.is_(None), Coupon.expires >= on_date),
    )


def list_coupons(
    *,
    session: Session,
    tenant_id: int,
    partnership_ids: Sequence[int] | None = None,
    active: bool | None = None,
) -> list[Coupon]:
    """The tenant's coupons by code."""
    query = select(Coupon).where(Coupon.tenant_id == tenant_id)
    if partnership_ids is not None:
        query = query.where(Coupon.partnership_id.in_(list(partnership_ids)))
    if active is not None:
        query = query.where(Coupon.active.is_(active))
    return list(session.scalars(query.order_by(Coupon.code)))


def get(*, session: Session, tenant_id: int, coupon_id: int) -> Coupon | None:
    """The tenant's coupon by id."""
    return session.scalars(select(Coupon).where(Coupon.tenant_id == tenant_id, Coupon.id == coupon_id)).first()


def brand_name(*, session: Session, tenant_id: int, coupon: Coupon) -> str | None:
    """The brand of the coupon's partnership, if any."""
    if coupon.partnership_id is None:
        return None
    return session.scalar(select(Partnership.brand).where(Partnership.tenant_id == tenant_id,
                                                          Partnership.id == coupon.partnership_id))


def get_by_code(*, session: Session, tenant_id: int, code: str) -> Coupon | None:
    """One coupon by code, case-insensitive, only within the tenant."""
    return session.scalar(
        select(Coupon).where(Coupon.tenant_id == tenant_id, func.upper(Coupon.code) == code.strip().upper())
    )


def active_coupons(
    *,
    session: Session,
    tenant_id: int,
    on_date: dt.date,
    partnership_ids: Sequence[int] | None = None,
) -> list[Coupon]:
    """Coupons a follower may be given on `on_date` (the tenant's local day): active, within their dates
    (both ends inclusive), and not of a cancelled partnership."""
    query = (
        select(Coupon)
        .outerjoin(Partnership, Partnership.id == Coupon.partnership_id)
        .where(
            Coupon.tenant_id == tenant_id,
            *_valid_on(on_date),
            or_(Partnership.id.is_(None), Partnership.status != "cancelled"),
        )
    )
    if partnership_ids is not None:
        query = query.where(Coupon.partnership_id.in_(list(partnership_ids)))
    return list(session.scalars(query.order_by(Coupon.code)))


def create(*, session: Session, tenant_id: int, fields: dict[str, Any]) -> Coupon:
    """Add a coupon from validated fields; flushed so it has an id."""
    row = Coupon(tenant_id=tenant_id, **fields)
    session.add(row)
    session.flush()
    return row


def scoped(query: Any, *, tenant_id: int, coupon_ids: Sequence[int] | None, since: dt.datetime | None,
           until: dt.datetime | None) -> Any:
    """A query of coupon events narrowed to a tenant, some codes (None: all) and [since, until)."""
    query = query.where(CouponEvent.tenant_id == tenant_id)
    if coupon_ids is not None:
        query = query.where(CouponEvent.coupon_id.in_(list(coupon_ids)))
    if since is not None:
        query = query.where(CouponEvent.at >= since)
    if until is not None:
        query = query.where(CouponEvent.at < until)
    return query


def events(
    *,
    session: Session,
    tenant_id: int,
    coupon_ids: Sequence[int] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    kinds: Sequence[str] | None = None,
) -> list[CouponEvent]:
    """Coupon events in [since, until), oldest first."""
    query = scoped(select(CouponEvent), tenant_id=tenant_id, coupon_ids=coupon_ids, since=since, until=until)
    if kinds:
        query = query.where(CouponEvent.kind.in_(list(kinds)))
    return list(session.scalars(query.order_by(CouponEvent.at, CouponEvent.id)))


def event_rows(
    *,
    session: Session,
    tenant_id: int,
    coupon_ids: Sequence[int] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[Any]:
    """The figures' columns of coupon events in [since, until), as plain rows (no ORM objects: a month of a
    busy influencer is thousands of them): coupon_id, kind, order_amount, currency, items, products,
    contact_id, at."""
    query = scoped(select(CouponEvent.coupon_id, CouponEvent.kind, CouponEvent.order_amount, CouponEvent.currency,
                          CouponEvent.items, CouponEvent.products, CouponEvent.contact_id, CouponEvent.at),
                   tenant_id=tenant_id, coupon_ids=coupon_ids, since=since, until=until)
    return list(session.execute(query.order_by(CouponEvent.at, CouponEvent.id)).all())


def offerable(
    *, session: Session, tenant_id: int, on_date: dt.date, partnership_ids: Sequence[int] | None = None
) -> list[tuple[Coupon, Partnership | None]]:
    """Active coupons within their dates on `on_date`, with their partnership, soonest expiry first."""
    query = (
        select(Coupon, Partnership)
        .outerjoin(Partnership, Partnership.id == Coupon.partnership_id)
        .where(Coupon.tenant_id == tenant_id, *_valid_on(on_date))
        .order_by(Coupon.expires.asc().nulls_last(), Coupon.code)
    )
    if partnership_ids is not None:
        query = query.where(Coupon.partnership_id.in_(list(partnership_ids)))
    return [(c, p) for c, p in session.execute(query)]


_RECORD_EVENTS = text(
    "insert into coupon_events (tenant_id, coupon_id, kind, conversation_id, contact_id, at, products) "
    "select :tenant, c, :kind, (select id from conversations where id = :conversation), "
    "(select id from contacts where id = :contact), :at, '[]' from unnest(cast(:ids as integer[])) with ordinality "
    "as ids(c, n) order by n")


def record_events(
    *,
    session: Session,
    tenant_id: int,
    coupon_ids: Sequence[int],
    kind: str,
    conversation_id: str | None,
    contact_id: int | None,
    at: dt.datetime,
) -> None:
    """One event per coupon; a conversation or contact that is not (or no longer) stored is left out.
    One statement, whatever the number of coupons (a turn showing codes paid two look-ups and a flush)."""
    if coupon_ids:
        session.execute(_RECORD_EVENTS, {"tenant": tenant_id, "ids": [int(i) for i in coupon_ids], "kind": kind,
                                         "conversation": conversation_id, "contact": contact_id, "at": at})


def last_event_in_conversation(
    *, session: Session, tenant_id: int, conversation_id: str, kind: str
) -> CouponEvent | None:
    """The conversation's latest coupon event of this kind."""
    return session.scalars(
        select(CouponEvent)
        .where(CouponEvent.tenant_id == tenant_id, CouponEvent.conversation_id == conversation_id,
               CouponEvent.kind == kind)
        .order_by(CouponEvent.at.desc())
    ).first()


def record_event(
    *, session: Session, tenant_id: int, coupon_id: int, kind: str, contact_id: int | None,
    conversation_id: str | None, at: dt.datetime,
) -> CouponEvent:
    """Record one coupon event (copied, link_clicked...) and return it with its id."""
    row = CouponEvent(tenant_id=tenant_id, coupon_id=coupon_id, kind=kind, contact_id=contact_id,
                      conversation_id=conversation_id, at=at)
    session.add(row)
    session.flush()
    return row


def redeemed_orders(*, session: Session, tenant_id: int, coupon_id: int,
                    order_ids: list[str]) -> dict[str, CouponEvent]:
    """The coupon's redemptions already recorded for these order ids, by order id."""
    if not order_ids:
        return {}
    rows = session.scalars(select(CouponEvent).where(
        CouponEvent.tenant_id == tenant_id, CouponEvent.coupon_id == coupon_id, CouponEvent.kind == "redeemed",
        CouponEvent.order_id.in_(order_ids)))
    return {str(r.order_id): r for r in rows}


def add_redemption(*, session: Session, tenant_id: int, coupon_id: int, fields: dict[str, Any]) -> CouponEvent:
    """Record one order made with a coupon (kind 'redeemed')."""
    row = CouponEvent(tenant_id=tenant_id, coupon_id=coupon_id, kind="redeemed", **fields)
    session.add(row)
    session.flush()
    return row


def remove_redemptions(*, session: Session, tenant_id: int, order_id: str) -> int:
    """Take back every redemption of an order (cancelled or refunded at the shop); how many."""
    rows = list(session.scalars(select(CouponEvent).where(
        CouponEvent.tenant_id == tenant_id, CouponEvent.kind == "redeemed", CouponEvent.order_id == order_id)))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
