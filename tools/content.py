"""Content: search the influencer's posts, collaboration Q&A and FAQ, citing each source."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import knowledge
from knowledge.relevance import is_relevant
from store import coupons as coupon_store
from store import events as event_store
from store import partnerships as partnership_store
from store.records import PUBLIC_STATUSES
from tools._brands import tenant_today
from tools.coupons import coupon_state
from tools.registry import FOLLOWER, OWNER, ToolContext, tool
from tools.support import mask

__all__ = ["search_knowledge"]


class SearchKnowledgeArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    query: str = Field(min_length=1, max_length=500)
    k: int = Field(default=4, ge=1, le=10)


def _hidden_codes(ctx: ToolContext) -> list[str]:
    """Codes of this tenant that may not be offered today (expired, inactive, not started)."""
    today = tenant_today(ctx)
    rows = coupon_store.list_coupons(session=ctx.session, tenant_id=ctx.tenant_id)
    return [c.code for c in rows if coupon_state(c, today) != "ok"]


def _scrub(text: str, codes: list[str]) -> str:
    # An old post may still say "use SHIRA10": an expired code is never offered, not even quoted.
    for code in codes:
        text = re.sub(rf"(?i)(?<![\w]){re.escape(code)}(?![\w])", "•••", text)
    return text


def _citation(hit: Any, partnership_names: dict[str, str]) -> dict[str, Any]:
    source_type = getattr(hit, "source_type", "") or ""
    ref = getattr(hit, "source_ref", "") or ""
    meta = getattr(hit, "meta", None) or {}
    brand_ref = None
    if source_type.startswith("partnership"):  # refs look like "olivia" or "olivia/faq/<hash>"
        brand_ref = meta.get("partnership") or ref.split("/", 1)[0]
    return {
        "source_type": source_type,
        "url": getattr(hit, "url", None),
        "title": getattr(hit, "title", None),
        "brand": partnership_names.get(brand_ref) if brand_ref else None,
        "brand_ref": brand_ref,
    }


@tool("search_knowledge", roles={FOLLOWER, OWNER}, args=SearchKnowledgeArgs)
def search_knowledge(ctx: ToolContext, args: SearchKnowledgeArgs) -> dict[str, Any]:
    """Search the influencer's posts, collaboration Q&A and FAQ for an answer; each hit carries its source
    (post link, brand or FAQ) so the reply can cite it, and whether it answers the question. A question
    nothing answers is passed on to the influencer (an event)."""
    embedder = ctx.services.get("embedder") or knowledge.get_embedder()
    hits = knowledge.search(ctx.session, tenant_id=ctx.tenant_id, query=args.query, k=args.k, embedder=embedder)
    close = getattr(embedder, "meaning_similarity", None)  # the embedder's own "means the same" line
    all_partnerships = partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)
    public = {p.ref for p in all_partnerships if p.status in PUBLIC_STATUSES or ctx.role == OWNER}
    names = {p.ref: p.brand for p in all_partnerships}
    hidden = _hidden_codes(ctx)
    out = []
    for hit in hits:
        citation = _citation(hit, names)
        if citation["brand_ref"] and citation["brand_ref"] in names and citation["brand_ref"] not in public:
            continue  # a deal still in negotiation is not the follower's to read about
        out.append(
            {
                "text": _scrub(hit.text, hidden),
                "score": float(hit.score),
                "source_type": citation["source_type"],
                "source_ref": getattr(hit, "source_ref", None),
                "url": citation["url"],
                "title": _scrub(citation["title"], hidden) if citation["title"] else None,
                "brand": citation["brand"],
                "meta": dict(getattr(hit, "meta", None) or {}),
                "similarity": getattr(hit, "similarity", None),  # cosine, when found by meaning
                "meaning_similarity": close,
                "lexical": getattr(hit, "lexical", None),  # text rank, when found by words
            }
        )
    for found in out:
        found["relevant"] = is_relevant(found, args.query)
    answered = any(found["relevant"] for found in out)
    if not answered and ctx.role != OWNER:
        # The reply says "I don't know, I'll pass it on": this is the passing on.
        event_store.record(session=ctx.session, tenant_id=ctx.tenant_id, kind="question_unanswered",
                           payload={"question": mask(args.query)}, conversation_id=ctx.conversation_id,
                           contact_id=ctx.contact_id, at=ctx.now)
        ctx.session.flush()
    return {
        "query": args.query,
        "hits": out,
        "top_score": out[0]["score"] if out else 0.0,
        "answered": answered,
    }
