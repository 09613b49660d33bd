"""Owner identities: the WhatsApp phones and console tokens that get owner rights over a tenant."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import OwnerIdentity, Tenant
from store.tenancy import bind, tenant_of_owner, tenants_of_manager

__all__ = [
    "OwnerConflict",
    "normalize_phone",
    "is_e164",
    "hash_token",
    "add_phone",
    "create_token",
    "list_identities",
    "tenant_for_phone",
    "tenant_for_token", "phones", "add_manager", "remove_manager", "managers", "manager_phones",
    "tenants_for_manager"]

_E164 = re.compile(r"\+[1-9]\d{6,14}")
_TOKEN_PREFIX = "ios_"


class OwnerConflict(ValueError):
    """The phone already gives owner rights over another tenant."""


def is_e164(value: object) -> bool:
    """True for a phone written in E.164 ('+972541112233') whose length fits its country."""
    if not isinstance(value, str) or not _E164.fullmatch(value):
        return False
    import phonenumbers

    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        return False


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """The E.164 form of a phone written with spaces, dashes, '00' or a 'whatsapp:' prefix; with a
    `region` (ISO country, "IL"), a national number ("050-1234567") too."""
    text = (raw or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:") :].strip()
    compact = re.sub(r"[\s\-().]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if region and compact.startswith("0") and compact[1:].isdigit():
        import phonenumbers

        try:
            parsed = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is not None and phonenumbers.is_possible_number(parsed):
            compact = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not compact.startswith("+"):
        raise ValueError(f"{raw!r} has no country code; write it in E.164, like +972541112233")
    if not is_e164(compact):
        raise ValueError(f"{raw!r} is not a valid phone number in E.164 (like +972541112233)")
    return compact


def hash_token(token: str) -> str:
    """The sha256 (hex) under which a token is stored; the token itself is never stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_phone(*, session: Session, tenant_id: int, phone: str, label: str | None = None) -> OwnerIdentity:
    """Give a phone owner rights over the tenant (idempotent); OwnerConflict when another tenant has it."""
    value = normalize_phone(phone)
    holder = tenant_of_owner(session, kind="phone", value=value)  # across tenants: an id only
    if holder is not None and holder != tenant_id:
        other = session.get(Tenant, holder)
        raise OwnerConflict(f"{value} is already an owner phone of @{other.handle if other else '?'}")
    bind(session, tenant_id)
    existing = session.scalars(
        select(OwnerIdentity).where(OwnerIdentity.tenant_id == tenant_id, OwnerIdentity.kind == "phone",
                                    OwnerIdentity.value == value)
    ).first()
    if existing is not None:
        if label and existing.label != label:
            existing.label = label
        return existing
    identity = OwnerIdentity(tenant_id=tenant_id, kind="phone", value=value, label=label)
    session.add(identity)
    session.flush()
    return identity


def create_token(*, session: Session, tenant_id: int, label: str | None = None) -> str:
    """Create an owner token for the tenant and return it; only its hash is kept, so show it once."""
    token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
    bind(session, tenant_id)
    session.add(OwnerIdentity(tenant_id=tenant_id, kind="token", value=hash_token(token), label=label))
    session.flush()
    return token


def list_identities(*, session: Session, tenant_id: int) -> list[OwnerIdentity]:
    """The tenant's owner phones and tokens (tokens as hashes), oldest first."""
    bind(session, tenant_id)
    stmt = select(OwnerIdentity).where(OwnerIdentity.tenant_id == tenant_id).order_by(OwnerIdentity.id)
    return list(session.scalars(stmt))


def tenant_for_phone(*, session: Session, phone: str) -> Tenant | None:
    """The tenant this phone owns, or None (the phone may carry spaces or a 'whatsapp:' prefix)."""
    try:
        value = normalize_phone(phone)
    except ValueError:
        return None
    tenant_id = tenant_of_owner(session, kind="phone", value=value)  # across tenants: an id only
    if tenant_id is None:
        return None
    bind(session, tenant_id)
    return session.get(Tenant, tenant_id)


def tenant_for_token(*, session: Session, token: str) -> Tenant | None:
    """The tenant this owner token belongs to, or None."""
    if not token:
        return None
    digest = hash_token(token.strip())
    tenant_id = tenant_of_owner(session, kind="token", value=digest)  # across tenants: an id only
    if tenant_id is None:
        return None
    bind(session, tenant_id)
    identity = session.scalars(
        select(OwnerIdentity).where(OwnerIdentity.kind == "token", OwnerIdentity.value == digest)
    ).first()
    # The lookup is by hash already; compare_digest keeps the final check constant-time.
    if identity is None or not hmac.compare_digest(identity.value, digest):
        return None
    return session.get(Tenant, identity.tenant_id)


def phones(*, session: Session, tenant_id: int) -> list[str]:
    """The tenant's owner WhatsApp numbers (E.164), oldest first."""
    return list(
        session.scalars(
            select(OwnerIdentity.value)
            .where(OwnerIdentity.tenant_id == tenant_id, OwnerIdentity.kind == "phone")
            .order_by(OwnerIdentity.id)
        )
    )


def add_manager(*, session: Session, tenant_id: int, phone: str, name: str,
                region: str | None = None) -> tuple[OwnerIdentity, bool]:
    """Let a phone answer for the tenant as a manager (it may serve other influencers too): (the identity,
    True when new). OwnerConflict when that phone is an owner's phone; ValueError for a bad number."""
    value = normalize_phone(phone, region=region)
    holder = tenant_of_owner(session, kind="phone", value=value)
    if holder is not None:
        raise OwnerConflict(f"{value} is an owner's phone; a manager needs a phone of their own")
    bind(session, tenant_id)
    existing = session.scalars(select(OwnerIdentity).where(
        OwnerIdentity.tenant_id == tenant_id, OwnerIdentity.kind == "manager", OwnerIdentity.value == value)).first()
    if existing is not None:
        existing.label = name or existing.label
        return existing, False
    identity = OwnerIdentity(tenant_id=tenant_id, kind="manager", value=value, label=name or None)
    session.add(identity)
    session.flush()
    return identity, True


def remove_manager(*, session: Session, tenant_id: int, name_or_phone: str) -> OwnerIdentity | None:
    """Take a manager's rights over the tenant away, by name or phone; the removed identity, or None."""
    wanted = (name_or_phone or "").strip()
    for identity in managers(session=session, tenant_id=tenant_id):
        if (identity.label or "").casefold() == wanted.casefold() or identity.value == wanted.replace(" ", ""):
            session.delete(identity)
            session.flush()
            return identity
    return None


def managers(*, session: Session, tenant_id: int) -> list[OwnerIdentity]:
    """The tenant's managers, oldest first."""
    bind(session, tenant_id)
    return list(session.scalars(select(OwnerIdentity).where(
        OwnerIdentity.tenant_id == tenant_id, OwnerIdentity.kind == "manager").order_by(OwnerIdentity.id)))


def manager_phones(*, session: Session, tenant_id: int) -> list[str]:
    """The tenant's managers' WhatsApp numbers (E.164)."""
    return [m.value for m in managers(session=session, tenant_id=tenant_id)]


def tenants_for_manager(*, session: Session, phone: str) -> list[int]:
    """The tenants a manager's phone serves, in the order they were added (ids; across tenants)."""
    try:
        value = normalize_phone(phone)
    except ValueError:
        return []
    return tenants_of_manager(session, value)
