"""Owner tools for the brand pipeline: list, create and update partnerships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from store import partnerships as partnership_store
from store import tasks as task_store
from store.records import OPEN_PARTNERSHIP_STATUSES, PARTNERSHIP_STATUSES, Partnership
from tools._owner_common import (
    OWNER_ONLY,
    OwnerArgs,
    atomic,
    audit,
    find_partnerships,
    jsonable,
    money,
    resolve_partnership,
    snapshot,
)
from tools.dates import local_today
from tools.registry import ToolContext, ToolError, tool

__all__ = ["partnership_out", "PIPELINE_RULE"]

Status = Literal["lead", "proposal", "negotiation", "contract", "active", "completed", "cancelled"]
_FIELDS = (
    "ref",
    "brand",
    "brand_aliases",
    "status",
    "start_date",
    "end_date",
    "compensation_amount",
    "compensation_currency",
    "deliverables",
    "brief",
    "link",
    "next_follow_up",
)
_RANK = {s: i for i, s in enumerate(PARTNERSHIP_STATUSES)}
PIPELINE_RULE = (
    "open stages (lead, proposal, negotiation, contract) may move to any stage; active may move "
    "to completed or cancelled; completed and cancelled are final"
)
_STATUS_SYNONYMS = {
    "negotiating": "negotiation",
    "signed": "contract",
    "live": "active",
    "done": "completed",
    "canceled": "cancelled",
    "closed": "completed",
    "proposed": "proposal",
}


def _status(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower().replace(" ", "_")
    return _STATUS_SYNONYMS.get(value, value)


def _currency(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if len(value) != 3 or not value.isalpha():
        raise ValueError("a currency is a 3-letter ISO code such as ILS, USD or EUR")
    return value


def partnership_out(p: Partnership, *, open_tasks: int | None = None) -> dict:
    """A partnership as JSON-ready data."""
    out = {
        "ref": p.ref,
        "brand": p.brand,
        "aliases": list(p.brand_aliases or []),
        "status": p.status,
        "start_date": jsonable(p.start_date),
        "end_date": jsonable(p.end_date),
        "compensation": (
            {"amount": jsonable(p.compensation_amount), "currency": p.compensation_currency}
            if p.compensation_amount is not None
            else None
        ),
        "deliverables": list(p.deliverables or []),
        "next_follow_up": jsonable(p.next_follow_up),
        "link": p.link,
    }
    if open_tasks is not None:
        out["open_tasks"] = open_tasks
    return out


class ListPartnershipsArgs(OwnerArgs):
    status: str | None = Field(
        None, description="one pipeline stage, or 'open' for lead/proposal/negotiation/contract"
    )
    brand: str | None = Field(None, description="brand name, alias or ref")
    open: bool = Field(False, description="only open deals (lead, proposal, negotiation, contract)")

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        value = _status(value)
        if value is not None and value != "open" and value not in PARTNERSHIP_STATUSES:
            raise ValueError(f"{value!r} is not one of open, {', '.join(PARTNERSHIP_STATUSES)}")
        return value


@tool("list_partnerships", roles=OWNER_ONLY, args=ListPartnershipsArgs)
def list_partnerships(ctx: ToolContext, args: ListPartnershipsArgs) -> dict:
    """List the brand partnerships, optionally only open ones, one stage, or one brand."""
    statuses: tuple[str, ...] | None = None
    if args.open or args.status == "open":
        statuses = OPEN_PARTNERSHIP_STATUSES
    elif args.status:
        statuses = (args.status,)
    rows = partnership_store.list_partnerships(
        session=ctx.session, tenant_id=ctx.tenant_id, statuses=statuses
    )
    if args.brand:
        wanted = {
            p.id
            for p in find_partnerships(ctx, args.brand)
        }
        rows = [p for p in rows if p.id in wanted]
    open_tasks = task_store.list_tasks(
        session=ctx.session, tenant_id=ctx.tenant_id, statuses=task_store.OPEN_TASK_STATUSES
    )
    counts: dict[int, int] = {}
    for t in open_tasks:
        if t.partnership_id:
            counts[t.partnership_id] = counts.get(t.partnership_id, 0) + 1
    today = local_today(ctx.now, ctx.timezone)
    items = [partnership_out(p, open_tasks=counts.get(p.id, 0)) for p in rows]
    for item, p in zip(items, rows, strict=True):
        item["follow_up_due"] = bool(
            p.next_follow_up and p.next_follow_up <= today and p.status in OPEN_PARTNERSHIP_STATUSES
        )
    return {
        "partnerships": items,
        "count": len(items),
        "filters": {"status": "open" if args.open else args.status, "brand": args.brand},
    }


class _PartnershipFieldArgs(OwnerArgs):
    """Status and currency written the way people write them, for creating and updating alike."""

    @field_validator("status", mode="before", check_fields=False)
    @classmethod
    def _norm_status(cls, value: str | None) -> str | None:
        return _status(value)

    @field_validator("compensation_currency", check_fields=False)
    @classmethod
    def _norm_currency(cls, value: str | None) -> str | None:
        return _currency(value)


class CreatePartnershipArgs(_PartnershipFieldArgs):
    brand: str = Field(..., min_length=1, max_length=200)
    ref: str | None = Field(
        None, pattern=r"^[a-z0-9][a-z0-9._-]{0,99}$", description="stable key; from the brand if empty"
    )
    brand_aliases: list[str] = Field(default_factory=list)
    status: Status = "lead"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    compensation_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    compensation_currency: str | None = None
    deliverables: list[str] = Field(default_factory=list)
    brief: str | None = None
    link: str | None = Field(None, pattern=r"^https?://\S+$")
    next_follow_up: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> CreatePartnershipArgs:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


@tool("create_partnership", roles=OWNER_ONLY, args=CreatePartnershipArgs)
@atomic
def create_partnership(ctx: ToolContext, args: CreatePartnershipArgs) -> dict:
    """Add a brand to the pipeline (a lead by default) with dates, compensation and deliverables."""
    existing = [
        p
        for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)
        if p.brand.casefold() == args.brand.casefold() and p.status not in ("completed", "cancelled")
    ]
    if existing:
        raise ToolError(
            f"{existing[0].brand} already has a partnership ({existing[0].status}); update it instead",
            field="brand",
            code="conflict",
        )
    if args.ref and partnership_store.get_by_ref(session=ctx.session, tenant_id=ctx.tenant_id, ref=args.ref):
        raise ToolError(f"the ref {args.ref!r} is taken", field="ref", code="conflict")
    fields = args.model_dump()
    fields["ref"] = args.ref or partnership_store.unique_ref(
        session=ctx.session, tenant_id=ctx.tenant_id, brand=args.brand
    )
    if fields["compensation_amount"] is not None and not fields["compensation_currency"]:
        fields["compensation_currency"] = "ILS"
    fields["created_at"] = fields["updated_at"] = ctx.now  # the app's clock: "open 7 days" counts from here
    row = partnership_store.create(session=ctx.session, tenant_id=ctx.tenant_id, fields=fields)
    audit(
        ctx,
        action="create_partnership",
        resource="partnership",
        resource_id=row.ref,
        before=None,
        after=snapshot(row, _FIELDS),
    )
    return {"partnership": partnership_out(row), "created": True}


class UpdatePartnershipArgs(_PartnershipFieldArgs):
    partnership: str = Field(..., min_length=1, description="ref, brand name or alias")
    status: Status | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    compensation_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    compensation_currency: str | None = None
    deliverables: list[str] | None = Field(None, description="replaces the list")
    add_deliverables: list[str] = Field(default_factory=list)
    brief: str | None = None
    link: str | None = Field(None, pattern=r"^https?://\S+$")
    next_follow_up: dt.date | None = None

    @model_validator(mode="after")
    def _something_changes(self) -> UpdatePartnershipArgs:
        if not (self.model_fields_set - {"partnership"}):
            raise ValueError(
                "nothing to change: give a status, dates, compensation, deliverables or a follow-up"
            )
        return self


def _check_move(p: Partnership, new: str) -> None:
    if new == p.status:
        return
    if p.status in ("completed", "cancelled"):
        raise ToolError(
            f"{p.brand} is {p.status}; {PIPELINE_RULE}", field="status", code="invalid_transition"
        )
    if p.status == "active" and new not in ("completed", "cancelled"):
        raise ToolError(f"{p.brand} is active; {PIPELINE_RULE}", field="status", code="invalid_transition")


def confirm_update_partnership(ctx: ToolContext, args: UpdatePartnershipArgs) -> str | None:
    """Cancelling a partnership is confirmed first."""
    if args.status != "cancelled":
        return None
    try:
        p = resolve_partnership(ctx, args.partnership)
    except ToolError:
        return None
    if p.status == "cancelled":
        return None
    comp = (
        f", {money(p.compensation_amount, p.compensation_currency)}"
        if p.compensation_amount is not None
        else ""
    )
    return f"Cancel the partnership with {p.brand} (now {p.status}{comp})"


@tool("update_partnership", roles=OWNER_ONLY, args=UpdatePartnershipArgs, confirm=confirm_update_partnership)
@atomic
def update_partnership(ctx: ToolContext, args: UpdatePartnershipArgs) -> dict:
    """Move a partnership along the pipeline or change its dates, compensation, deliverables or follow-up."""
    p = resolve_partnership(ctx, args.partnership)
    before = snapshot(p, _FIELDS)
    if args.status:
        _check_move(p, args.status)
        today = local_today(ctx.now, ctx.timezone)
        if args.status == "active" and p.start_date is None and args.start_date is None:
            p.start_date = today
        if args.status == "completed" and p.end_date is None and args.end_date is None:
            p.end_date = today
        p.status = args.status
    for name in (
        "start_date",
        "end_date",
        "compensation_amount",
        "compensation_currency",
        "brief",
        "link",
        "next_follow_up",
    ):
        if name in args.model_fields_set:
            setattr(p, name, getattr(args, name))
    if p.compensation_amount is not None and not p.compensation_currency:
        p.compensation_currency = "ILS"
    if args.deliverables is not None:
        p.deliverables = list(args.deliverables)
    if args.add_deliverables:
        p.deliverables = [*(p.deliverables or []), *args.add_deliverables]
    if p.start_date and p.end_date and p.end_date < p.start_date:
        raise ToolError("end_date is before start_date", field="end_date")
    p.updated_at = ctx.now
    ctx.session.flush()
    after = snapshot(p, _FIELDS)
    audit(
        ctx,
        action="update_partnership",
        resource="partnership",
        resource_id=p.ref,
        before=before,
        after=after,
    )
    changed = sorted(k for k in after if after[k] != before[k])
    return {
        "partnership": partnership_out(p),
        "changed": changed,
        "previous": {k: before[k] for k in changed},
    }
