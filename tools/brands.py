"""Brands: the influencer's collaborations as followers and the owner may see them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from tools._brands import brand_summary, visible_partnerships
from tools.coupons import valid_coupons
from tools.registry import FOLLOWER, OWNER, ToolContext, tool

__all__ = ["list_brands"]


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
