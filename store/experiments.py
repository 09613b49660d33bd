"""Experiments: weighted reply-style variants, deterministic assignment, exposures and a report."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from store.models import CouponEvent, Experiment, ExperimentExposure, utcnow

__all__ = [
    "create",
    "get",
    "list_all",
    "running_for",
    "assign",
    "log_exposure",
    "report",
    "two_proportion_p_value",
    "VariantReport",
    "ExperimentReport",
]

KNOWN_LENGTHS = ("short", "medium", "detailed")


def _check_variants(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(variants) < 2:
        raise ValueError("an experiment needs at least two variants")
    names = [str(v.get("name", "")).strip() for v in variants]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ValueError("variant names must be non-empty and distinct")
    out = []
    for v, name in zip(variants, names, strict=True):
        weight = float(v.get("weight", 1))
        if weight <= 0:
            raise ValueError(f"variant {name}: weight must be positive")
        style = dict(v.get("style") or ({"length": name} if name in KNOWN_LENGTHS else {}))
        out.append({"name": name, "weight": weight, "style": style})
    return out


def create(
    *,
    session: Session,
    tenant_id: int,
    key: str,
    variants: list[dict[str, Any]],
    allocation: float = 1.0,
    target_intents: list[str] | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Experiment:
    """Create an experiment (variants: [{name, weight, style}]); raise ValueError on a bad definition."""
    if not 0 < allocation <= 1:
        raise ValueError("allocation must be in (0, 1]")
    exp = Experiment(
        tenant_id=tenant_id,
        key=key,
        variants=_check_variants(variants),
        allocation=allocation,
        target_intents=list(target_intents or []),
        starts_at=starts_at,
        ends_at=ends_at,
        active=True,
    )
    session.add(exp)
    session.flush()
    return exp


def get(*, session: Session, tenant_id: int, key: str) -> Experiment | None:
    """The tenant's experiment with that key, or None."""
    return session.scalars(select(Experiment).where(Experiment.tenant_id == tenant_id, Experiment.key == key)).first()


def list_all(*, session: Session, tenant_id: int) -> list[Experiment]:
    """Every experiment of the tenant, oldest first."""
    return list(session.scalars(select(Experiment).where(Experiment.tenant_id == tenant_id).order_by(Experiment.id)))


def running_for(*, session: Session, tenant_id: int, intent: str | None, at: dt.datetime) -> list[Experiment]:
    """Active experiments in their time window that target this intent (or every intent)."""
    rows = session.scalars(
        select(Experiment).where(
            Experiment.tenant_id == tenant_id,
            Experiment.active.is_(True),
            or_(Experiment.starts_at.is_(None), Experiment.starts_at <= at),
            or_(Experiment.ends_at.is_(None), Experiment.ends_at > at),
        ).order_by(Experiment.id)
    ).all()
    return [e for e in rows if not e.target_intents or (intent is not None and intent in e.target_intents)]


class Assignable(Protocol):
    """What assignment reads of an experiment (a row, or a cached copy of one)."""

    @property
    def key(self) -> str: ...
    @property
    def allocation(self) -> float: ...
    @property
    def variants(self) -> list[dict[str, Any]]: ...


def _unit(*parts: object) -> float:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(experiment: Assignable, *, tenant_id: int, contact_key: str | int) -> dict[str, Any] | None:
    """The variant this contact sees (same answer every time), or None when outside the allocation."""
    if _unit(tenant_id, contact_key, experiment.key, "allocation") >= experiment.allocation:
        return None
    variants = experiment.variants or []
    total = sum(float(v.get("weight", 1)) for v in variants)
    point = _unit(tenant_id, contact_key, experiment.key, "variant") * total
    for v in variants:
        point -= float(v.get("weight", 1))
        if point < 0:
            return v
    return variants[-1] if variants else None


def log_exposure(
    *,
    session: Session,
    tenant_id: int,
    experiment_id: int,
    conversation_id: str,
    contact_id: int | None,
    variant: str,
    at: dt.datetime | None = None,
) -> bool:
    """Log that the conversation saw the variant; once per conversation (True when newly logged)."""
    stmt = (
        insert(ExperimentExposure)
        .values(tenant_id=tenant_id, experiment_id=experiment_id, conversation_id=conversation_id,
                contact_id=contact_id, variant=variant, at=at or utcnow())
        .on_conflict_do_nothing(constraint="uq_exposure")
        .returning(ExperimentExposure.id)
    )
    return session.execute(stmt).scalar() is not None


def two_proportion_p_value(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test; None when it cannot be computed."""
    if n1 == 0 or n2 == 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0 if x1 / n1 == x2 / n2 else 0.0
    z = (x1 / n1 - x2 / n2) / se
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass
class VariantReport:
    name: str
    exposures: int
    conversions: int

    @property
    def rate(self) -> float:
        """Conversions per exposure."""
        return self.conversions / self.exposures if self.exposures else 0.0


@dataclass
class ExperimentReport:
    key: str
    active: bool
    target_intents: list[str]
    variants: list[VariantReport] = field(default_factory=list)
    p_value: float | None = None  # first variant against the best of the others


def report(*, session: Session, tenant_id: int) -> list[ExperimentReport]:
    """Exposures and conversions (conversations with a coupon copy) per variant, with a z-test p-value."""
    out = []
    for exp in list_all(session=session, tenant_id=tenant_id):
        converted = (
            select(func.count(func.distinct(CouponEvent.conversation_id)))
            .where(
                and_(
                    CouponEvent.tenant_id == tenant_id,
                    CouponEvent.kind == "copied",
                    CouponEvent.conversation_id == ExperimentExposure.conversation_id,
                )
            )
            .correlate(ExperimentExposure)
            .scalar_subquery()
        )
        rows = session.execute(
            select(ExperimentExposure.variant, func.count(), func.count().filter(converted > 0))
            .where(ExperimentExposure.tenant_id == tenant_id, ExperimentExposure.experiment_id == exp.id)
            .group_by(ExperimentExposure.variant)
        ).all()
        counts = {variant: (n, x) for variant, n, x in rows}
        variants = [VariantReport(v["name"], *counts.get(v["name"], (0, 0))) for v in exp.variants]
        rep = ExperimentReport(exp.key, exp.active, list(exp.target_intents or []), variants)
        if len(variants) >= 2:
            base, others = variants[0], variants[1:]
            best = max(others, key=lambda v: v.rate)
            rep.p_value = two_proportion_p_value(base.conversions, base.exposures, best.conversions, best.exposures)
        out.append(rep)
    return out
