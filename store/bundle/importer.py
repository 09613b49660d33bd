"""Import a bundle in one transaction: validate all of it, then upsert every resource on its stable key."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.bundle import _convert as convert
from store.bundle.report import BundleInvalid, Counts, ImportReport
from store.bundle.validate import DEFAULT_TIMEZONE, check
from store.models import Coupon, CouponEvent, Invoice, OwnerIdentity, Partnership, Post, Task, Tenant, utcnow
from store.tenancy import bind, tenant_of_owner

__all__ = ["Derive", "import_bundle", "load_bundle"]

Derive = Callable[[Session, int, ImportReport], None]

log = logging.getLogger(__name__)


def load_bundle(path: str | Path) -> Any:
    """The parsed JSON of a bundle file; BundleInvalid when it cannot be read or is not JSON."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BundleInvalid([f"file: cannot read {str(path)!r}: {exc.strerror or exc}"]) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BundleInvalid(["file: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise BundleInvalid(
            [f"file: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None


def import_bundle(session: Session, data: Any, *, derive: Derive | None = None) -> ImportReport:
    """Validate the whole bundle, then create or update its rows in the session (the caller commits).

    Args:
        session: an open session; nothing is committed here, so the caller's rollback undoes it all.
        data: the parsed bundle.
        derive: called with (session, tenant id, report) after the rows are written, in the same
            transaction: what is computed from them (knowledge.bundles rebuilds persona and index).

    Returns:
        An ImportReport with created / updated / unchanged counts per resource.

    Raises:
        BundleInvalid: the bundle breaks the format, or names an owner phone of another tenant.
    """
    started = time.perf_counter()
    findings = check(data)
    if findings.errors:
        raise BundleInvalid(findings.errors, findings.warnings)
    inf = data["influencer"]
    _refuse_foreign_phones(session, inf)

    tenant, tenant_counts = _upsert_tenant(session, inf, data.get("instagram"))
    report = ImportReport(handle=tenant.handle, tenant_id=tenant.id, warnings=list(findings.warnings))
    report.counts["tenant"] = tenant_counts
    if data.get("faq") is not None:  # replaced as a whole; a bundle without one keeps the stored FAQ
        _faq(tenant, convert.faq_items(data["faq"]), report.counts["faq"])
    tz = tenant.timezone or DEFAULT_TIMEZONE
    _owner_phones(session, tenant, inf.get("owner_phones") or [], report.counts["owner_phones"])
    refs = _partnerships(session, tenant.id, data.get("partnerships") or [], report.counts["partnerships"])
    codes = _coupons(session, tenant.id, data.get("coupons") or [], refs, report.counts["coupons"])
    _redemptions(
        session,
        tenant.id,
        data.get("coupon_redemptions") or [],
        codes,
        tz,
        report.counts["coupon_redemptions"],
    )
    _tasks(session, tenant.id, data.get("tasks") or [], refs, tz, report.counts["tasks"])
    _invoices(session, tenant.id, data.get("invoices") or [], refs, report.counts["invoices"])
    _posts(session, tenant.id, convert.post_items(data.get("instagram")), report.counts["posts"])
    session.flush()
    if derive is not None:
        derive(session, tenant.id, report)
    report.seconds = time.perf_counter() - started
    return report


def _same(old: Any, new: Any) -> bool:
    return old == new and isinstance(old, bool) == isinstance(new, bool)


def _apply(row: Any, fields: dict[str, Any], counts: Counts) -> bool:
    """Set only the columns whose value differs, so an unchanged row gets no UPDATE (and keeps updated_at)."""
    changed = {k: v for k, v in fields.items() if not _same(getattr(row, k), v)}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        counts.updated += 1
    else:
        counts.unchanged += 1
    return bool(changed)


def _refuse_foreign_phones(session: Session, inf: dict) -> None:
    phones = list(dict.fromkeys(inf.get("owner_phones") or []))
    if not phones:
        return
    owners: dict[str, str] = {}
    for phone in phones:  # across tenants: the SECURITY DEFINER look-up gives the holder's id only
        holder = tenant_of_owner(session, kind="phone", value=phone)
        tenant = session.get(Tenant, holder) if holder is not None else None
        if tenant is not None and tenant.handle != inf["handle"]:
            owners[phone] = tenant.handle
    errors = [
        f"influencer.owner_phones[{i}]: {phone} is already an owner phone of @{owners[phone]}"
        for i, phone in enumerate(inf["owner_phones"])
        if phone in owners
    ]
    if errors:
        raise BundleInvalid(errors)


def _upsert_tenant(session: Session, inf: dict, instagram: dict | None) -> tuple[Tenant, Counts]:
    counts = Counts()
    fields = convert.tenant_fields(inf, instagram)
    tenant = session.scalars(select(Tenant).where(Tenant.handle == inf["handle"]).with_for_update()).first()
    if tenant is None:
        fields.setdefault("timezone", DEFAULT_TIMEZONE)
        tenant = Tenant(**fields)
        session.add(tenant)
        session.flush()
        bind(session, tenant.id)  # every row that follows is this tenant's (row-level security checks it)
        counts.created = 1
        return tenant, counts
    bind(session, tenant.id)
    _apply(tenant, fields, counts)
    return tenant, counts


def _faq(tenant: Tenant, faq: list[dict[str, str]], counts: Counts) -> None:
    old = list(tenant.faq or [])
    counts.unchanged = sum(1 for entry in faq if entry in old)
    counts.created = len(faq) - counts.unchanged
    counts.removed = sum(1 for entry in old if entry not in faq)
    if old != faq:
        tenant.faq = faq


def _owner_phones(session: Session, tenant: Tenant, phones: list[str], counts: Counts) -> None:
    existing = set(
        session.scalars(
            select(OwnerIdentity.value).where(
                OwnerIdentity.tenant_id == tenant.id, OwnerIdentity.kind == "phone"
            )
        )
    )
    for phone in dict.fromkeys(phones):
        if phone in existing:
            counts.unchanged += 1
        else:
            session.add(OwnerIdentity(tenant_id=tenant.id, kind="phone", value=phone, label="bundle"))
            counts.created += 1


def _by(session: Session, model: Any, tenant_id: int, key: str) -> dict[Any, Any]:
    rows = session.scalars(select(model).where(model.tenant_id == tenant_id).order_by(model.id))
    out: dict[Any, Any] = {}
    for row in rows:
        out.setdefault(getattr(row, key), row)
    return out


def _upsert(session: Session, model: Any, existing: Any, tenant_id: int, fields: dict, counts: Counts) -> Any:
    if existing is None:
        row = model(tenant_id=tenant_id, **fields)
        session.add(row)
        counts.created += 1
        return row
    _apply(existing, fields, counts)
    return existing


def _partnerships(session: Session, tenant_id: int, items: list[dict], counts: Counts) -> dict[str, int]:
    current = _by(session, Partnership, tenant_id, "ref")
    rows = {}
    for item in items:
        rows[item["ref"]] = _upsert(
            session,
            Partnership,
            current.get(item["ref"]),
            tenant_id,
            convert.partnership_fields(item),
            counts,
        )
    session.flush()
    return {ref: row.id for ref, row in rows.items()}


def _coupons(
    session: Session, tenant_id: int, items: list[dict], refs: dict[str, int], counts: Counts
) -> dict:
    current = {code.casefold(): row for code, row in _by(session, Coupon, tenant_id, "code").items()}
    rows = {}
    for item in items:
        folded = item["code"].strip().casefold()
        fields = convert.coupon_fields(item, refs[item["partnership"]])
        rows[folded] = _upsert(session, Coupon, current.get(folded), tenant_id, fields, counts)
    session.flush()
    return {folded: row.id for folded, row in rows.items()}


def _redemptions(
    session: Session, tenant_id: int, items: list[dict], codes: dict[str, int], tz: str, counts: Counts
) -> None:
    rows = session.scalars(
        select(CouponEvent).where(CouponEvent.tenant_id == tenant_id, CouponEvent.order_id.is_not(None))
    )
    current = {(row.coupon_id, row.order_id): row for row in rows}
    for item in items:
        coupon_id = codes[item["code"].strip().casefold()]
        fields = convert.redemption_fields(item, coupon_id, tz)
        _upsert(session, CouponEvent, current.get((coupon_id, fields["order_id"])), tenant_id, fields, counts)


def _tasks(
    session: Session, tenant_id: int, items: list[dict], refs: dict[str, int], tz: str, counts: Counts
) -> None:
    current = {title.strip(): row for title, row in _by(session, Task, tenant_id, "title").items()}
    for item in items:
        ref = item.get("partnership")
        fields = convert.task_fields(item, refs[ref] if ref else None, tz)
        row = _upsert(session, Task, current.get(fields["title"]), tenant_id, fields, counts)
        # completed_at is not in the format: set when a task arrives completed, cleared when it is reopened.
        if row.status == "completed" and row.completed_at is None:
            row.completed_at = utcnow()
        elif row.status != "completed" and row.completed_at is not None:
            row.completed_at = None


def _invoices(
    session: Session, tenant_id: int, items: list[dict], refs: dict[str, int], counts: Counts
) -> None:
    current = _by(session, Invoice, tenant_id, "number")
    for item in items:
        ref = item.get("partnership")
        fields = convert.invoice_fields(item, refs[ref] if ref else None)
        _upsert(session, Invoice, current.get(fields["number"]), tenant_id, fields, counts)


def _posts(session: Session, tenant_id: int, items: list[dict], counts: Counts) -> None:
    current = _by(session, Post, tenant_id, "post_id")
    for item in items:
        fields = convert.post_fields(item)
        _upsert(session, Post, current.get(fields["post_id"]), tenant_id, fields, counts)
