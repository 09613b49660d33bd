"""Content repository: the tenant's posts and persona row, read for the knowledge index and the voice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from store.models import Persona, Post

__all__ = ["posts_for_index", "recent_captions", "persona_row", "save_persona"]


def posts_for_index(*, session: Session, tenant_id: int) -> list[Post]:
    """Every post of the tenant, oldest first, without the raw scraped item (kilobytes a post)."""
    query = (
        select(Post)
        .where(Post.tenant_id == tenant_id)
        .order_by(Post.id)
        .options(defer(Post.raw), defer(Post.likes), defer(Post.comments))
    )
    return list(session.scalars(query))


def recent_captions(*, session: Session, tenant_id: int, limit: int) -> list[tuple[str | None, list[str] | None]]:
    """(caption, hashtags) of the newest posts."""
    rows = session.execute(
        select(Post.caption, Post.hashtags)
        .where(Post.tenant_id == tenant_id)
        .order_by(Post.posted_at.desc().nulls_last(), Post.id)
        .limit(limit)
    )
    return [(caption, tags) for caption, tags in rows]


def persona_row(*, session: Session, tenant_id: int) -> Persona | None:
    """The tenant's stored persona, if built."""
    return session.scalars(select(Persona).where(Persona.tenant_id == tenant_id)).first()


def save_persona(*, session: Session, tenant_id: int, data: dict[str, Any]) -> Persona:
    """Store the built persona; an unchanged one keeps its row (and its voice description) as it was."""
    row = persona_row(session=session, tenant_id=tenant_id)
    if row is None:
        row = Persona(tenant_id=tenant_id, data=data)
        session.add(row)
    elif row.data != data:
        row.data = data
        row.voice_description = None
    return row
