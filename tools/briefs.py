"""A brief becomes a partnership and its tasks, after the owner saw what will be written (issue 14).

`read_brief` shows what the extractor read; `create_from_brief` asks first (its confirmation sentence is
the proposal: "Lumi Cosmetics, Dec 1–20, 12,000 ILS + VAT, 3 TikTok videos due Dec 5/12/19, 5 Instagram
stories — create it?") and on yes writes the partnership (a proposal, or a contract when the brief says
it is signed), one task per dated deliverable item and one per undated deliverable, and keeps the brief's
text (personal data masked). A brief for a brand with an open partnership updates that one instead.
Corrections given with the brief (fee, currency, dates, brand) win over what was read. A signed contract
(for a new brand or one she already works with) also drafts its invoices from the payment terms. Tasks and
invoices are written through create_task / create_invoice, so each is audited like one made by chat.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from pydantic import Field, model_validator

from knowledge.briefs.extract import Brief, extract_brief
from knowledge.briefs.merge import merge
from knowledge.text import detect_language
from store import partnerships as partnership_store
from store.privacy import mask_pii
from store.records import Partnership
from tools._brief_invoices import day_label, drafts_line, plan_drafts
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.dates import local_today
from tools.invoices import CreateInvoiceArgs, create_invoice
from tools.registry import ToolContext, ToolError, tool
from tools.tasks import CreateTaskArgs, create_task

__all__ = ["read_brief", "create_from_brief", "describe"]

_KIND = {"en": {"reel": "Reel", "story": "story", "post": "post", "live": "Live", "short": "Short", "video": "video"},
         "he": {"reel": "רילס", "story": "סטורי", "post": "פוסט", "live": "לייב", "short": "שורט", "video": "סרטון"}}
_PLATFORM = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "facebook": "Facebook", "ugc": "UGC"}


class BriefArgs(OwnerArgs):
    text: str = Field(..., min_length=20, max_length=60_000, description="the brief's text as the brand sent it")
    brand: str | None = Field(None, max_length=200, description="a correction: the brand")
    fee: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="a correction: the fee")
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> BriefArgs:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


def _read(ctx: ToolContext, args: BriefArgs) -> Brief:
    today = local_today(ctx.now, ctx.timezone)
    brief = extract_brief(args.text, today=today, influencer=ctx.handle.split(".")[0])
    reader = ctx.services.get("read_brief_model")  # a model, when one is configured: only the rules' gaps
    if reader is not None:
        text = mask_pii(args.text)
        fields = reader(text, today)
        if fields:
            brief, filled = merge(brief, fields, text=text, today=today)
            brief.model_filled = filled
    for field, value in (("brand", args.brand), ("fee", args.fee), ("start", args.start_date),
                         ("end", args.end_date)):
        if value is not None:
            setattr(brief, field, value)
    if args.currency:
        brief.currency = args.currency.upper()
    if not brief.brand:  # a brand she already works with, named anywhere in the brief's opening
        brief.brand = _named_partner(ctx, args.text[:800])
    return brief


def _named_partner(ctx: ToolContext, head: str) -> str | None:
    folded = head.casefold()
    for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id):
        for name in (p.brand, *(p.brand_aliases or [])):
            if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", folded):
                return p.brand
    return None


def _existing(ctx: ToolContext, brand: str | None) -> Partnership | None:
    if not brand:
        return None
    wanted = brand.casefold()
    for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id):
        names = [p.brand.casefold(), *(a.casefold() for a in p.brand_aliases or [])]
        if p.status not in ("completed", "cancelled") and wanted in names:
            return p
    return None


def _item_label(item: dict[str, Any], he: bool) -> str:
    kind = _KIND["he" if he else "en"][item["kind"]]
    platform = _PLATFORM.get(item["platform"], item["platform"])
    if he:
        return f"{item['count']} {kind} ב{platform}" if item["count"] != 1 else f"{kind} ב{platform}"
    if item["count"] == 1:
        return f"{platform} {kind}"
    return f"{item['count']} {platform} " + {"story": "stories", "Live": "Lives"}.get(kind, kind + "s")


def describe(brief: Brief, existing: Partnership | None, *, he: bool,
             drafts: list[dict[str, Any]] | None = None) -> str:
    """The proposal in one sentence, in the brief's language (a brief naming no brand asks for it)."""
    parts = [brief.brand or ("מותג לא ידוע" if he else "unknown brand")]
    if brief.start or brief.end:
        start = day_label(brief.start, he) if brief.start else "?"
        end = day_label(brief.end, he) if brief.end else "?"
        parts.append(f"{start}–{end}")
    if brief.fee is not None:
        vat = {"plus": " + מע\"מ" if he else " + VAT", "included": " כולל מע\"מ" if he else " incl. VAT"}.get(
            brief.vat or "", "")
        parts.append(f"{brief.fee:,.0f} {brief.currency or 'ILS'}{vat}")
    for item in brief.deliverables:
        due = "/".join(day_label(d, he) for d in item["due"])
        parts.append(_item_label(item, he) + (f" ({'עד' if he else 'due'} {due})" if due else ""))
    if brief.signed:
        parts.append("חתום" if he else "signed")
    if drafts:
        parts.append(drafts_line(drafts, he=he))
    if not brief.brand:
        question = ("לאיזה מותג זה? (למשל: המותג הוא ...)" if he
                    else "which brand is it for? (say: brand is ...)")
    elif existing is not None:
        question = (f"לעדכן את שיתוף הפעולה הקיים עם {existing.brand} ({existing.status})?" if he
                    else f"update the open {existing.brand} partnership ({existing.status}) with it?")
    else:
        question = "ליצור?" if he else "create it?"
    return ", ".join(parts) + " — " + question


def _hebrew(text: str) -> bool:
    return detect_language(text) == "he"


def _today(ctx: ToolContext) -> dt.date:
    return local_today(ctx.now, ctx.timezone)


def _confirm(ctx: ToolContext, args: BriefArgs) -> str:
    brief = _read(ctx, args)
    return describe(brief, _existing(ctx, brief.brand), he=_hebrew(args.text),
                    drafts=plan_drafts(ctx, brief, today=_today(ctx)))


@tool("read_brief", roles=OWNER_ONLY, args=BriefArgs)
def read_brief(ctx: ToolContext, args: BriefArgs) -> dict:
    """What a brief says (brand, dates, fee, deliverables with due dates...), nothing written."""
    brief = _read(ctx, args)
    existing = _existing(ctx, brief.brand)
    drafts = plan_drafts(ctx, brief, today=_today(ctx))
    return {"brief": brief.as_dict(), "existing": existing.ref if existing else None,
            "invoice_drafts": [_draft_out(d) for d in drafts],
            "proposal": describe(brief, existing, he=_hebrew(args.text), drafts=drafts)}


def _draft_out(draft: dict[str, Any]) -> dict[str, Any]:
    return {"amount": str(draft["amount"]), "currency": draft["currency"], "due": draft["due"].isoformat()}


def _tasks(ctx: ToolContext, brief: Brief, partnership: Partnership, he: bool) -> list[dict[str, Any]]:
    today = local_today(ctx.now, ctx.timezone)
    made: list[dict[str, Any]] = []
    for item in brief.deliverables:
        label = _item_label({**item, "count": 1}, he)
        dated = [d for d in item["due"] if d >= today]
        rows: list[tuple[str, dt.date | None]] = (
            [(f"{brief.brand}: {label} {i}/{len(dated)}" if len(dated) > 1 else f"{brief.brand}: {label}", d)
             for i, d in enumerate(dated, 1)]
            if dated else [(f"{brief.brand}: {_item_label(item, he)}", brief.end if brief.end and brief.end >= today
                            else None)])
        for title, due in rows:
            out = create_task(ctx, CreateTaskArgs.model_validate({
                "title": title[:300], "type": "content_creation", "due_date": due, "partnership": partnership.ref}))
            made.append({"id": out["task"]["id"], "title": title[:300], "due_date": due.isoformat() if due else None})
    return made


@tool("create_from_brief", roles=OWNER_ONLY, args=BriefArgs, confirm=_confirm)
@atomic
def create_from_brief(ctx: ToolContext, args: BriefArgs) -> dict:
    """Create the partnership a brief describes (or update the brand's open one) and its deliverable tasks."""
    brief = _read(ctx, args)
    if not brief.brand:
        raise ToolError("no brand found in the brief: say which brand it is for", field="brand")
    if not brief.deliverables and brief.fee is None:
        raise ToolError("no deliverables or fee found: is this a brief?", field="text")
    he = _hebrew(args.text)
    deliverables = [_item_label(item, he) for item in brief.deliverables]
    fields: dict[str, Any] = {
        "start_date": brief.start, "end_date": brief.end, "brief": mask_pii(args.text)[:20_000],
        "compensation_amount": brief.fee, "compensation_currency": (brief.currency or "ILS") if brief.fee else None,
    }
    existing = _existing(ctx, brief.brand)
    if existing is not None:
        before = {"status": existing.status, "deliverables": list(existing.deliverables or [])}
        if existing.brief and fields["brief"] not in existing.brief:  # the contract after the brief: both kept
            fields["brief"] = (fields["brief"] + "\n\n---\n\n" + existing.brief)[:20_000]
        for key, value in fields.items():
            if value is not None:
                setattr(existing, key, value)
        existing.deliverables = list(existing.deliverables or []) + [d for d in deliverables
                                                                   if d not in (existing.deliverables or [])]
        if brief.signed and existing.status in ("lead", "proposal", "negotiation"):
            existing.status = "contract"
        existing.updated_at = ctx.now
        row, created = existing, False
        ctx.session.flush()
        audit(ctx, action="update_partnership", resource="partnership", resource_id=row.ref, before=before,
              after={"status": row.status, "deliverables": list(row.deliverables or []), "from": "brief"})
    else:
        row = partnership_store.create(session=ctx.session, tenant_id=ctx.tenant_id, fields={
            **fields, "brand": brief.brand, "brand_aliases": [], "link": None, "next_follow_up": None,
            "ref": partnership_store.unique_ref(session=ctx.session, tenant_id=ctx.tenant_id, brand=brief.brand),
            "status": "contract" if brief.signed else "proposal", "deliverables": deliverables,
            "created_at": ctx.now, "updated_at": ctx.now})
        created = True
        audit(ctx, action="create_partnership", resource="partnership", resource_id=row.ref, before=None,
              after={"brand": row.brand, "status": row.status, "from": "brief"})
    tasks = _tasks(ctx, brief, row, he)
    invoices = [create_invoice(ctx, CreateInvoiceArgs.model_validate({
        "partnership": row.ref, "amount": d["amount"], "currency": d["currency"], "vat_rate": d["vat_rate"],
        "due": d["due"]}))["invoice"] for d in plan_drafts(ctx, brief, today=_today(ctx))]
    return {"partnership": {"ref": row.ref, "brand": row.brand, "status": row.status}, "created": created,
            "tasks": tasks, "invoices": invoices, "brief": brief.as_dict()}
