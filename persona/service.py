"""Rebuild and read a tenant's persona (one row per tenant in `personas`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from persona.build import PersonaSource, build_persona
from persona.voice import describe_voice
from store import content as content_store
from store import tenants as tenant_store
from store.records import Persona

__all__ = ["rebuild", "get", "source_for"]

_MAX_POSTS = 200


def source_for(session: Session, *, tenant_id: int) -> PersonaSource:
    """What the persona of the tenant is built from: its profile, newest captions and notes."""
    tenant = tenant_store.get(session=session, tenant_id=tenant_id)
    if tenant is None:
        raise LookupError(f"no tenant with id {tenant_id}")
    profile: dict[str, Any] = tenant.instagram_profile or {}
    posts = content_store.recent_captions(session=session, tenant_id=tenant_id, limit=_MAX_POSTS)
    return PersonaSource(
        handle=tenant.handle,
        display_name=tenant.display_name,
        languages=list(tenant.languages or []),
        full_name=str(profile.get("fullName") or ""),
        biography=str(profile.get("biography") or ""),
        captions=[caption or "" for caption, _ in posts],
        hashtags=[list(tags or []) for _, tags in posts],
        persona_notes=tenant.persona_notes,
    )


def _with_voice(row: Persona) -> dict:
    data = dict(row.data or {})
    # JSONB does not keep key order: give the language shares back largest first, as they were built.
    shares = data.get("language_shares") or {}
    data["language_shares"] = dict(sorted(shares.items(), key=lambda item: -item[1]))
    data["voice_description"] = row.voice_description
    return data


def rebuild(session: Session, *, tenant_id: int) -> dict:
    """Build the persona again from the stored posts, profile and notes; store and return it."""
    source = source_for(session, tenant_id=tenant_id)
    data = build_persona(source)
    row = content_store.save_persona(session=session, tenant_id=tenant_id, data=data)
    if row.voice_description is None:
        row.voice_description = describe_voice(data, source.captions)
    session.flush()
    return _with_voice(row)


def get(session: Session, *, tenant_id: int) -> dict:
    """The stored persona of the tenant, built first when there is none yet."""
    row = content_store.persona_row(session=session, tenant_id=tenant_id)
    if row is None:
        return rebuild(session, tenant_id=tenant_id)
    return _with_voice(row)
