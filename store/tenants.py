"""Tenants (one per influencer): lookup by handle or id, and by an owner's phone or token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from store import owners as owner_store
from store.models import Tenant
from store.tenancy import bind

__all__ = [
    "normalize_handle",
    "get",
    "get_by_handle",
    "for_turn",
    "TurnTenant",
    "list_all",
    "owner_tenant_for_phone",
    "owner_tenant_for_token", "by_whatsapp_number", "the_only_one", "set_shop",
    "set_calendar_digest", "by_calendar_digest"]


def normalize_handle(handle: str) -> str:
    """The handle as stored: no leading '@', no spaces around, lower case."""
    return (handle or "").strip().lstrip("@").strip().lower()


def _scoped(session: Session, tenant: Tenant | None) -> Tenant | None:
    # Finding a tenant scopes the session to it: row-level security then shows its rows only.
    if tenant is not None:
        bind(session, tenant.id)
    return tenant


def get(*, session: Session, tenant_id: int) -> Tenant | None:
    """The tenant with this id (the session is then scoped to it), or None."""
    return _scoped(session, session.get(Tenant, tenant_id))


def get_by_handle(*, session: Session, handle: str) -> Tenant | None:
    """The tenant with this Instagram handle ('@' and case ignored; the session is then scoped to it)."""
    return _scoped(session, session.scalars(select(Tenant).where(Tenant.handle == normalize_handle(handle))).first())


@dataclass(frozen=True)
class TurnTenant:
    """What a turn reads of its tenant: the wide columns (FAQ, Instagram profile, notes) are not loaded."""

    id: int
    handle: str
    display_name: str
    languages: list[str]
    timezone: str
    settings: dict[str, Any]
    created_at: dt.datetime | None


def for_turn(*, session: Session, handle: str) -> TurnTenant | None:
    """The tenant with this handle as a turn needs it (the session is then scoped to it), or None.
    One Core SELECT of seven columns: no ORM object, no FAQ decoded on every message."""
    t = cast(Table, Tenant.__table__)
    row = session.execute(select(t.c.id, t.c.handle, t.c.display_name, t.c.languages, t.c.timezone, t.c.settings,
                                 t.c.created_at).where(t.c.handle == normalize_handle(handle))).first()
    if row is None:
        return None
    bind(session, row.id)
    return TurnTenant(int(row.id), row.handle, row.display_name, list(row.languages or []), row.timezone,
                      dict(row.settings or {}), row.created_at)


def list_all(*, session: Session) -> list[Tenant]:
    """Every tenant, by handle."""
    return list(session.scalars(select(Tenant).order_by(Tenant.handle)))


def owner_tenant_for_phone(*, session: Session, phone: str) -> Tenant | None:
    """The tenant a WhatsApp phone has owner rights over, or None."""
    return owner_store.tenant_for_phone(session=session, phone=phone)


def owner_tenant_for_token(*, session: Session, token: str) -> Tenant | None:
    """The tenant an owner token belongs to, or None."""
    return owner_store.tenant_for_token(session=session, token=token)


def by_whatsapp_number(*, session: Session, number: str) -> Tenant | None:
    """The tenant whose WhatsApp number this is (settings.whatsapp_number, E.164)."""
    return session.scalars(select(Tenant).where(Tenant.settings["whatsapp_number"].as_string() == number)).first()


def the_only_one(*, session: Session) -> Tenant | None:
    """The tenant, when there is exactly one."""
    tenants = session.scalars(select(Tenant).limit(2)).all()
    return tenants[0] if len(tenants) == 1 else None


def set_shop(*, session: Session, tenant_id: int, platform: str, sealed_secret: str, at: str) -> None:
    """Connect a shop platform to the tenant: its webhook secret, sealed by the caller."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError("no such influencer")
    settings = dict(tenant.settings or {})
    shops = dict(settings.get("shops") or {})
    shops[platform] = {"secret": sealed_secret, "connected_at": at}
    tenant.settings = {**settings, "shops": shops}
    session.flush()


def set_calendar_digest(*, session: Session, tenant_id: int, digest: str) -> None:
    """The sha256 of the tenant's calendar feed token (a new one replaces the old: old links stop)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError("no such influencer")
    tenant.settings = {**(tenant.settings or {}), "calendar_token_sha256": digest}
    session.flush()


def by_calendar_digest(*, session: Session, digest: str) -> Tenant | None:
    """The tenant whose calendar feed token has this sha256."""
    return session.scalars(select(Tenant).where(
        Tenant.settings["calendar_token_sha256"].as_string() == digest)).first()
