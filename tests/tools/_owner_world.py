"""Two tenants for owner tool tests: shira (the shared bundle), noa (same refs and codes, other values)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge.bundles import import_bundle
from store.models import Contact, Conversation, CouponEvent, Handoff, Message, SupportIssue, Tenant
from tools import REGISTRY
from tools.registry import OWNER, ToolContext, ToolResult

BUNDLE = Path(__file__).resolve().parents[1] / "fixtures" / "bundle-shira.json"
IL = ZoneInfo("Asia/Jerusalem")
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=IL)  # Monday morning in Jerusalem (07:00 UTC)


def shira_bundle() -> dict:
    """The shared sample bundle as a dict."""
    return json.loads(BUNDLE.read_text(encoding="utf-8"))


def other_bundle() -> dict:
    """A second influencer reusing shira's refs, codes and invoice numbers with different values."""
    data = copy.deepcopy(shira_bundle())
    data["influencer"].update(handle="noa.moves", display_name="Noa", owner_phones=["+972529998877"])
    data.pop("instagram", None)
    data["faq"] = []
    for p in data["partnerships"]:
        p["status"] = "lead" if p["ref"] == "lumi" else p["status"]
    for r in data["coupon_redemptions"]:
        r["order_id"] = "NOA-" + r["order_id"]
        r["order_amount"] = 1000.0
    for i in data["invoices"]:
        i["amount"] = 111
    return data


def build(db) -> dict[str, int]:
    """Import both tenants; return their ids by short name."""
    ids = {}
    with db.admin_session() as session:
        for name, data in (("shira", shira_bundle()), ("noa", other_bundle())):
            ids[name] = import_bundle(session, data, derive=False).tenant_id
    return ids


def context(
    session,
    tenant_id: int,
    *,
    role: str = OWNER,
    now: dt.datetime = NOW,
    channel: str = "whatsapp",
    actor: str = "whatsapp:+972541112233",
) -> ToolContext:
    """A ToolContext for one tenant, as the agent builds it."""
    tenant = session.get(Tenant, tenant_id)
    return ToolContext(
        session=session,
        tenant_id=tenant_id,
        handle=tenant.handle,
        timezone=tenant.timezone,
        role=role,
        channel=channel,
        actor=actor,
        now=now,
    )


def call(db, name: str, args: dict | None, tenant_id: int, **ctx_options) -> ToolResult:
    """Run one tool in its own committed session, like one chat turn."""
    with db.admin_session() as session:
        return REGISTRY.run(name, args, context(session, tenant_id, **ctx_options))


def confirm_sentence(db, name: str, args: dict, tenant_id: int, **ctx_options) -> str | None:
    """What the graph shows before running a destructive call (None: runs without asking)."""
    from tools.registry import validate_args

    spec = REGISTRY.get(name)
    with db.admin_session() as session:
        return spec.confirm(context(session, tenant_id, **ctx_options), validate_args(spec, args))


def at(day: str, hhmm: str = "12:00") -> dt.datetime:
    """A Jerusalem wall-clock moment as aware UTC."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=IL).astimezone(dt.UTC)


def add_followers_activity(db, tenant_id: int) -> None:
    """Follower conversations, messages with intents, issues and handoffs around NOW, plus one owner chat."""
    with db.admin_session() as s:
        people = [Contact(tenant_id=tenant_id, channel="web", external_id=f"v{i}") for i in range(4)]
        s.add_all(people)
        s.flush()
        convs = [
            Conversation(
                tenant_id=tenant_id,
                contact_id=people[0].id,
                channel="web",
                status="open",
                started_at=at("2026-11-22", "20:00"),
            ),
            Conversation(
                tenant_id=tenant_id,
                contact_id=people[1].id,
                channel="whatsapp",
                status="open",
                started_at=at("2026-11-23", "08:10"),
            ),
            Conversation(
                tenant_id=tenant_id,
                contact_id=people[2].id,
                channel="web",
                status="closed",
                started_at=at("2026-11-18", "10:00"),
                closed_at=at("2026-11-18", "10:30"),
            ),
            Conversation(
                tenant_id=tenant_id,
                contact_id=people[3].id,
                channel="web",
                status="closed",
                started_at=at("2026-11-02", "10:00"),
                closed_at=at("2026-11-02", "11:00"),
            ),
            Conversation(
                tenant_id=tenant_id,
                channel="whatsapp",
                role="owner",
                status="open",
                started_at=at("2026-11-23", "08:30"),
            ),
        ]
        s.add_all(convs)
        s.flush()
        inbound = [  # (conversation, local time, intent)
            (0, "2026-11-22 20:00", "coupon_request"),
            (0, "2026-11-22 20:05", "coupon_request"),
            (0, "2026-11-22 20:40", "support_issue"),
            (1, "2026-11-23 08:10", "coupon_request"),
            (2, "2026-11-18 10:00", "product_question"),
            (2, "2026-11-18 10:20", "greeting"),
            (3, "2026-11-02 10:00", "coupon_request"),
            (4, "2026-11-23 08:30", "owner_query"),
        ]
        for n, (ci, when, intent) in enumerate(inbound):
            day, hhmm = when.split()
            s.add(
                Message(
                    tenant_id=tenant_id,
                    conversation_id=convs[ci].id,
                    direction="in",
                    channel="web",
                    channel_message_id=f"m{n}",
                    content="...",
                    intent=intent,
                    created_at=at(day, hhmm),
                )
            )
        s.add_all(
            [
                SupportIssue(
                    tenant_id=tenant_id,
                    conversation_id=convs[0].id,
                    kind="order_missing",
                    summary="order OL-2001 never arrived",
                    created_at=at("2026-11-22", "20:41"),
                ),
                SupportIssue(
                    tenant_id=tenant_id,
                    conversation_id=convs[2].id,
                    kind="code_not_working",
                    summary="code refused",
                    status="closed",
                    created_at=at("2026-11-18", "10:21"),
                ),
                Handoff(
                    tenant_id=tenant_id,
                    conversation_id=convs[0].id,
                    reason="asked for Shira",
                    created_at=at("2026-11-22", "20:42"),
                ),
            ]
        )


def add_copies(db, tenant_id: int, code: str, moments: list[dt.datetime]) -> None:
    """Copied events of a code at the given moments."""
    from store import coupons as coupon_store

    with db.admin_session() as s:
        coupon = coupon_store.get_by_code(session=s, tenant_id=tenant_id, code=code)
        s.add_all(CouponEvent(tenant_id=tenant_id, coupon_id=coupon.id, kind="copied", at=m) for m in moments)
