"""Partnerships repository: the brand pipeline of one tenant."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import PARTNERSHIP_STATUSES, PUBLIC_STATUSES, Coupon, CouponEvent, Partnership

__all__ = [
    "list_partnerships", "visible", "catalog", "get", "get_by_ref", "create", "unique_ref", "brand_index", "by_ids",
]


def list_partnerships(
    *,
    session: Session,
    tenant_id: int,
    statuses: Sequence[str] | None = None,
) -> list[Partnership]:
    """The tenant's partnerships in pipeline order, then by brand."""
    query = select(Partnership).where(Partnership.tenant_id == tenant_id)
    if statuses:
        query = query.where(Partnership.status.in_(list(statuses)))
    rows = list(session.scalars(query))
    order = {s: i for i, s in enumerate(PARTNERSHIP_STATUSES)}
    return sorted(rows, key=lambda p: (order.get(p.status, 99), p.brand.casefold()))


def visible(*, session: Session, tenant_id: int, public_only: bool) -> list[Partnership]:
    """The partnerships a caller may see, oldest first: all for the owner, public ones for followers."""
    query = select(Partnership).where(Partnership.tenant_id == tenant_id).order_by(Partnership.id)
    if public_only:
        query = query.where(Partnership.status.in_(PUBLIC_STATUSES))
    return list(session.scalars(query))


def get(*, session: Session, tenant_id: int, partnership_id: int) -> Partnership | None:
    """One partnership by id, only within the tenant."""
    return session.scalar(
        select(Partnership).where(Partnership.tenant_id == tenant_id, Partnership.id == partnership_id)
    )


def by_ids(*, session: Session, tenant_id: int, ids: Sequence[int]) -> dict[int, Partnership]:
    """Partnerships by id (missing ids left out), only within the tenant."""
    if not ids:
        return {}
    rows = session.scalars(
        select(Partnership).where(Partnership.tenant_id == tenant_id, Partnership.id.in_(list(set(ids))))
    )
    return {p.id: p for p in rows}


def get_by_ref(*, session: Session, tenant_id: int, ref: str) -> Partnership | None:
    """One partnership by its stable ref (case-insensitive)."""
    return session.scalar(
        select(Partnership).where(
            Partnership.tenant_id == tenant_id, func.lower(Partnership.ref) == ref.strip().lower()
        )
    )


def unique_ref(*, session: Session, tenant_id: int, brand: str) -> str:
    """A new ref for a brand: a lower-case slug, numbered when taken."""
    base = re.sub(r"[^a-z0-9]+", "-", brand.casefold()).strip("-")[:80]
    if not base:  # a Hebrew-only brand name
        base = "brand"
    taken = {p.ref for p in list_partnerships(session=session, tenant_id=tenant_id)}
    ref, n = base, 2
    while ref in taken:
        ref, n = f"{base}-{n}", n + 1
    return ref


def create(*, session: Session, tenant_id: int, fields: dict[str, Any]) -> Partnership:
    """Add a partnership from validated fields; flushed so it has an id."""
    row = Partnership(tenant_id=tenant_id, **fields)
    session.add(row)
    session.flush()
    return row


def brand_index(*, session: Session, tenant_id: int) -> list[tuple[str, str, list[str]]]:
    """(ref, brand, aliases) of every partnership, for understanding owner commands."""
    return [
        (p.ref, p.brand, list(p.brand_aliases or []))
        for p in list_partnerships(session=session, tenant_id=tenant_id)
    ]


def catalog(*, session: Session, tenant_id: int, public_only: bool) -> list[dict[str, Any]]:
    """The tenant's brands with aliases, coupon codes and known products (followers: public ones only)."""
    query = select(Partnership).where(Partnership.tenant_id == tenant_id).order_by(Partnership.id)
    if public_only:
        query = query.where(Partnership.status.in_(PUBLIC_STATUSES))
    partnerships = session.scalars(query).all()
    ids = [p.id for p in partnerships]
    codes: dict[int, list[str]] = {}
    products: dict[int, set[str]] = {}
    if ids:
        for pid, code in session.execute(
            select(Coupon.partnership_id, Coupon.code)
            .where(Coupon.tenant_id == tenant_id, Coupon.partnership_id.in_(ids))
        ):
            if pid is not None:
                codes.setdefault(pid, []).append(code)
        rows = session.execute(
            select(Coupon.partnership_id, CouponEvent.products)
            .join(Coupon, Coupon.id == CouponEvent.coupon_id)
            .where(CouponEvent.tenant_id == tenant_id, Coupon.partnership_id.in_(ids), CouponEvent.kind == "redeemed")
            .limit(2000)
        )
        for pid, names in rows:
            if pid is not None:
                products.setdefault(pid, set()).update(str(n) for n in (names or []) if n)
    return [
        {
            "ref": p.ref,
            "name": p.brand,
            "aliases": list(p.brand_aliases or []),
            "coupon_codes": codes.get(p.id, []),
            "products": sorted(products.get(p.id, ())),
            "status": p.status,
        }
        for p in partnerships
    ]
