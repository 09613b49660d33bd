"""Follower-safe tools: read-only views of one tenant plus support, handoff, feedback and consent.

Importing this module registers every follower tool (find_coupons and the care tools live in
tools/coupons.py and tools/support.py).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

import tools.coupons  # noqa: F401  (registers find_coupons)
import tools.support  # noqa: F401  (registers open_support_issue, request_handoff, record_feedback, set_consent)
from store.models import Coupon, Event, Partnership
from tools._brands import PUBLIC_STATUSES, brand_summary, tenant_today, visible_partnerships
from tools.coupons import coupon_state, valid_coupons
from tools.registry import FOLLOWER, OWNER, ToolContext, ToolError, tool
from tools.relevance import is_relevant
from tools.support import mask

__all__ = ["list_brands", "search_knowledge"]


class ListBrandsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: Literal["active", "all"] = "active"


@tool("list_brands", roles={FOLLOWER, OWNER}, args=ListBrandsArgs)
def list_brands(ctx: ToolContext, args: ListBrandsArgs) -> dict[str, Any]:
    """List the brands the influencer works with (active collaborations by default, or all past ones too),
    with their shop links and whether a code is valid right now."""
    with_codes = {p.ref for _, p in valid_coupons(ctx) if p is not None}
    rows = visible_partnerships(ctx)
    if args.status == "active":
        rows = [p for p in rows if p.status == "active"]
    brands = []
    for p in rows:
        item = brand_summary(p, role=ctx.role) or {}
        item["has_code"] = p.ref in with_codes
        if ctx.role == OWNER:  # money of the business is the owner's alone
            item["compensation"] = (
                {"amount": format(p.compensation_amount, "f"), "currency": p.compensation_currency}
                if p.compensation_amount is not None
                else None
            )
        brands.append(item)
    return {"brands": brands, "status": args.status}


class SearchKnowledgeArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    query: str = Field(min_length=1, max_length=500)
    k: int = Field(default=4, ge=1, le=10)


def _hidden_codes(ctx: ToolContext) -> list[str]:
    """Codes of this tenant that may not be offered today (expired, inactive, not started)."""
    today = tenant_today(ctx)
    rows = ctx.session.scalars(select(Coupon).where(Coupon.tenant_id == ctx.tenant_id))
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
    try:
        import knowledge

        search = knowledge.search
    except (ImportError, AttributeError):
        raise ToolError("knowledge search is not available", code="unavailable") from None
    hits = search(
        ctx.session,
        tenant_id=ctx.tenant_id,
        query=args.query,
        k=args.k,
        embedder=ctx.services.get("embedder"),
    )
    all_partnerships = list(ctx.session.scalars(select(Partnership).where(Partnership.tenant_id == ctx.tenant_id)))
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
                "lexical": getattr(hit, "lexical", None),  # text rank, when found by words
            }
        )
    for hit in out:
        hit["relevant"] = is_relevant(hit, args.query)
    answered = any(hit["relevant"] for hit in out)
    if not answered and ctx.role != OWNER:
        # The reply says "I don't know, I'll pass it on": this is the passing on.
        ctx.session.add(
            Event(
                tenant_id=ctx.tenant_id,
                kind="question_unanswered",
                conversation_id=ctx.conversation_id,
                contact_id=ctx.contact_id,
                payload={"question": mask(args.query)},
                at=ctx.now,
            )
        )
        ctx.session.flush()
    return {
        "query": args.query,
        "hits": out,
        "top_score": out[0]["score"] if out else 0.0,
        "answered": answered,
    }
