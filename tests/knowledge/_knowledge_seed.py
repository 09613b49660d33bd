"""Load the sample bundle's tenant, posts, partnerships and FAQ straight into the tables (no importer)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from store.models import Partnership, Post, Tenant


def _post(tenant_id: int, item: dict[str, Any]) -> Post:
    return Post(
        tenant_id=tenant_id,
        post_id=item["id"],
        short_code=item.get("shortCode"),
        type=item.get("type"),
        caption=item.get("caption") or "",
        hashtags=item.get("hashtags") or [],
        mentions=item.get("mentions") or [],
        tagged_users=[t["username"] for t in item.get("taggedUsers") or []],
        url=item.get("url"),
        posted_at=dt.datetime.fromisoformat(item["timestamp"].replace("Z", "+00:00")),
        likes=item.get("likesCount"),
        comments=item.get("commentsCount"),
        is_sponsored=bool(item.get("isSponsored")),
        raw={},
    )


def load(session: Session, path: Path, *, handle: str | None = None, post_id_prefix: str = "") -> Tenant:
    """Insert the bundle's tenant with its posts, partnerships and FAQ; returns the tenant."""
    data = json.loads(path.read_text(encoding="utf-8"))
    who = data["influencer"]
    tenant = Tenant(
        handle=handle or who["handle"],
        display_name=who["display_name"],
        languages=who["languages"],
        timezone=who.get("timezone", "Asia/Jerusalem"),
        settings={},
        faq=data.get("faq") or [],
    )
    session.add(tenant)
    session.flush()
    for item in data["instagram"]["posts"]:
        post = _post(tenant.id, item)
        post.post_id = post_id_prefix + post.post_id
        session.add(post)
    for p in data.get("partnerships") or []:
        session.add(
            Partnership(
                tenant_id=tenant.id,
                ref=p["ref"],
                brand=p["brand"],
                brand_aliases=p.get("brand_aliases") or [],
                status=p["status"],
                brief=p.get("brief"),
                link=p.get("link"),
                deliverables=p.get("deliverables") or [],
                faq=p.get("faq") or [],
            )
        )
    session.flush()
    return tenant
