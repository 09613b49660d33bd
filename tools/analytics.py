"""Owner read tools on what followers do: coupon numbers and conversation numbers."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from store import analytics as analytics_store
from store import audit as audit_store
from store import contacts as contact_store
from store import coupons as coupon_store
from store import events as event_store
from store import invoices as invoice_store
from store import partnerships as partnership_store
from store import support as support_store
from store import surveys as survey_store
from store import tasks as task_store
from store.records import OPEN_PARTNERSHIP_STATUSES, CouponEvent
from tools._owner_common import (
    OWNER_ONLY,
    OwnerArgs,
    brand_of,
    jsonable,
    partnership_names,
    resolve_partnership,
)
from tools.dates import local_now, local_today, period_bounds, utc_range
from tools.registry import ToolContext, ToolError, tool

__all__ = ["coupon_figures", "coupon_numbers", "conversation_numbers"]

Period = Literal["today", "yesterday", "week", "last_week", "month", "last_month", "year", "all"]
_CENT = Decimal("0.01")

UPCOMING_DAYS = 7  # the digest's "coming up": open tasks due in the next week


def _ratio(numerator: Decimal | int, denominator: int, places: str = "0.01") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), ROUND_HALF_UP)


ATTRIBUTION_DAYS = 14  # a redemption within this many days after a click or copy of its code is attributed


def _attributed(events: list[CouponEvent]) -> int:
    """Redemptions that came within the attribution window after a click or a copy of the same code."""
    touches: dict[int, list[dt.datetime]] = {}
    for e in events:
        if e.kind in ("copied", "link_clicked"):
            touches.setdefault(e.coupon_id, []).append(e.at)
    window = dt.timedelta(days=ATTRIBUTION_DAYS)
    return sum(1 for e in events if e.kind == "redeemed" and any(
        e.at - window <= t <= e.at for t in touches.get(e.coupon_id, [])))


def coupon_figures(events: Iterable[CouponEvent]) -> dict:
    """The funnel (shown, clicked, copied, redeemed, redeemed after a click or copy within the attribution
    window), revenue, basket, items per order, conversion, revenue per copy, products."""
    events = list(events)
    kinds: Counter[str] = Counter()
    revenue, items, with_items = Decimal(0), 0, 0
    products: Counter[str] = Counter()
    currencies: Counter[str] = Counter()
    for e in events:
        kinds[e.kind] += 1
        if e.kind != "redeemed":
            continue
        revenue += e.order_amount or Decimal(0)
        if e.items is not None:
            items, with_items = items + e.items, with_items + 1
        products.update(dict.fromkeys(e.products or [], 1))
        if e.currency:
            currencies[e.currency] += 1
    copies, redemptions = kinds["copied"], kinds["redeemed"]
    conversion = _ratio(redemptions, copies, "0.0001")
    return {
        "shown": kinds["shown"],
        "copies": copies,
        "link_clicks": kinds["link_clicked"],
        "redemptions": redemptions,
        "attributed_redemptions": _attributed(events),
        "revenue": jsonable(revenue.quantize(_CENT)),
        "currency": currencies.most_common(1)[0][0] if currencies else None,
        "average_basket": jsonable(_ratio(revenue, redemptions)),
        "items_per_order": float(Decimal(items) / with_items) if with_items else None,
        "conversion": float(conversion) if conversion is not None else None,
        "revenue_per_copy": jsonable(_ratio(revenue, copies)),
        "top_products": [
            {"product": name, "orders": n}
            for name, n in sorted(products.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        ],
    }


_EVER = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def _satisfaction(answers: int, mean: float | None) -> dict | None:
    """Answers to "did the code work? 1-5" and their mean score, when there are any."""
    return {"answers": answers, "mean_score": round(mean, 2) if mean is not None else None} if answers else None


def _answers(scores: dict[int, tuple[int, float | None]]) -> tuple[int, float | None]:
    """All coupons' survey answers together: (how many, their mean score)."""
    scored = [(n, mean) for n, mean in scores.values() if mean is not None]
    total = sum(n for n, _ in scores.values())
    return total, (sum(n * m for n, m in scored) / sum(n for n, _ in scored)) if scored else None


def _audience(ctx: ToolContext, events: list[CouponEvent]) -> dict[str, dict[str, int]]:
    """Who saw and copied the codes: people who follow her, who said they do not, who never said
    (each person once per kind)."""
    kinds = ("shown", "copied")
    people = {kind: {e.contact_id for e in events if e.kind == kind and e.contact_id} for kind in kinds}
    status = contact_store.audience(session=ctx.session, tenant_id=ctx.tenant_id,
                                    contact_ids=sorted(set().union(*people.values())))
    return {kind: {group: sum(status.get(c) == group for c in people[kind])
                   for group in ("follower", "not_follower", "unknown")} for kind in kinds}


class CouponStatsArgs(OwnerArgs):
    code: str | None = Field(None, description="one coupon code")
    partnership: str | None = Field(None, description="brand name, alias or ref: all its codes")
    period: Period = Field(
        "all", description="today, yesterday, week, last_week, month, last_month, year, all"
    )
    date_from: dt.date | None = Field(None, description="first local day (overrides period)")
    date_to: dt.date | None = Field(None, description="last local day (overrides period)")

    @model_validator(mode="after")
    def _order(self) -> CouponStatsArgs:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        return self


def coupon_numbers(
    ctx: ToolContext,
    *,
    first: dt.date | None,
    last: dt.date | None,
    code: str | None = None,
    partnership_id: int | None = None,
) -> dict:
    """Figures per coupon and in total for local days first..last (None = open-ended)."""
    coupons = coupon_store.list_coupons(
        session=ctx.session,
        tenant_id=ctx.tenant_id,
        partnership_ids=[partnership_id] if partnership_id else None,
    )
    if code:
        coupons = [c for c in coupons if c.code.upper() == code.strip().upper()]
        if not coupons:
            raise ToolError(f"there is no code {code.strip().upper()}", field="code", code="not_found")
    since, until = utc_range(first, last, ctx.timezone)
    events = coupon_store.event_rows(
        session=ctx.session,
        tenant_id=ctx.tenant_id,
        coupon_ids=[c.id for c in coupons],
        since=since,
        until=until,
    )
    by_coupon: dict[int, list[Any]] = {}
    for e in events:
        by_coupon.setdefault(e.coupon_id, []).append(e)
    names = partnership_names(ctx, [c.partnership_id for c in coupons])
    scores = survey_store.scores_by_coupon(session=ctx.session, tenant_id=ctx.tenant_id, since=since or _EVER[0],
                                           until=until or _EVER[1])
    rows = [
        {
            "code": c.code,
            "partnership": brand_of(names, c.partnership_id),
            "active": c.active,
            **coupon_figures(by_coupon.get(c.id, [])),
            "satisfaction": _satisfaction(*scores.get(c.id, (0, None))),
        }
        for c in coupons
    ]
    answers, mean_all = _answers({c.id: scores[c.id] for c in coupons if c.id in scores})
    return {
        "coupons": rows,
        "total": {**coupon_figures(events), "satisfaction": _satisfaction(answers, mean_all),
                  "audience": _audience(ctx, events)},
        "period": {"from": jsonable(first), "to": jsonable(last)},
    }


@tool("coupon_stats", roles=OWNER_ONLY, args=CouponStatsArgs)
def coupon_stats(ctx: ToolContext, args: CouponStatsArgs) -> dict:
    """Coupon performance per code, brand or period: copies, redemptions, revenue, basket, conversion."""
    today = local_today(ctx.now, ctx.timezone)
    first, last = period_bounds(args.period, today=today, tz=ctx.timezone)
    first, last = args.date_from or first, args.date_to or last
    partnership_id = resolve_partnership(ctx, args.partnership).id if args.partnership else None
    data = coupon_numbers(ctx, first=first, last=last, code=args.code, partnership_id=partnership_id)
    data["period"]["name"] = args.period if not (args.date_from or args.date_to) else "custom"
    return data


class ConversationStatsArgs(OwnerArgs):
    period: Period = Field("week", description="window for new/closed conversations, intents and busy hours")


def conversation_numbers(ctx: ToolContext, *, since: dt.datetime | None, until: dt.datetime | None) -> dict:
    """Follower conversations and support numbers in [since, until); current state for open items."""
    s, tid = ctx.session, ctx.tenant_id
    counts = analytics_store.conversation_counts(session=s, tenant_id=tid, since=since, until=until)
    messages = analytics_store.inbound_intents(session=s, tenant_id=tid, since=since, until=until)
    intents = Counter(intent for intent, _ in messages if intent)
    hours = Counter(local_now(at, ctx.timezone).hour for _, at in messages)
    open_by_kind, opened = support_store.open_issue_counts(session=s, tenant_id=tid, since=since, until=until)
    handoffs = support_store.waiting_handoffs(session=s, tenant_id=tid)
    responses = analytics_store.human_response_minutes(session=s, tenant_id=tid, since=since, until=until)
    closes = analytics_store.issue_close_hours(session=s, tenant_id=tid, since=since, until=until)
    return {
        "in_progress": counts["in_progress"],
        "started": counts["started"],
        "closed": counts["closed"],
        "messages_in": len(messages),
        "top_intents": [
            {"intent": k, "messages": v}
            for k, v in sorted(intents.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        ],
        "open_issues": sum(open_by_kind.values()),
        "open_issues_by_kind": open_by_kind,
        "issues_opened": opened,
        "handoffs_waiting": handoffs,
        # Medians of what the window saw: a human's first reply after a handoff, an issue's time to close.
        "median_minutes_to_human_reply": round(statistics.median(responses), 1) if responses else None,
        "median_hours_to_close_issue": round(statistics.median(closes), 1) if closes else None,
        "busiest_hours": [
            {"hour": f"{h:02d}:00", "messages": n}
            for h, n in sorted(hours.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        ],
    }


@tool("conversation_stats", roles=OWNER_ONLY, args=ConversationStatsArgs)
def conversation_stats(ctx: ToolContext, args: ConversationStatsArgs) -> dict:
    """Follower conversations open vs closed, top intents, open issues, handoffs waiting, busy hours."""
    today = local_today(ctx.now, ctx.timezone)
    first, last = period_bounds(args.period, today=today, tz=ctx.timezone)
    since, until = utc_range(first, last, ctx.timezone)
    data = conversation_numbers(ctx, since=since, until=until)
    data["period"] = {"name": args.period, "from": jsonable(first), "to": jsonable(last)}
    return data


class DailyDigestArgs(OwnerArgs):
    date: dt.date | None = Field(None, description="the day to summarise; default today in the tenant's zone")


def _task_line(t, names: dict, today: dt.date, tz: str) -> dict:
    return {
        "id": t.id,
        "title": t.title,
        "priority": t.priority,
        "status": t.status,
        "due_date": jsonable(t.due_date),
        "due_time": local_now(t.due_at, tz).strftime("%H:%M") if t.due_at else None,
        "days_late": (today - t.due_date).days if t.due_date and t.due_date < today else 0,
        "partnership": brand_of(names, t.partnership_id),
    }


def _invoice_line(i, names: dict, today: dt.date) -> dict:
    return {
        "number": i.number,
        "amount": jsonable(i.amount),
        "currency": i.currency,
        "status": i.status,
        "due": jsonable(i.due),
        "days_left": (i.due - today).days if i.due else None,
        "partnership": brand_of(names, i.partnership_id),
    }


@tool("daily_digest", roles=OWNER_ONLY, args=DailyDigestArgs)
def daily_digest(ctx: ToolContext, args: DailyDigestArgs) -> dict:
    """The day at a glance: today's and overdue tasks, payments due in 7 days, new conversations and issues
    since yesterday, partnership changes and follow-ups, and the day's coupon numbers."""
    s, tid, tz = ctx.session, ctx.tenant_id, ctx.timezone
    today = local_today(ctx.now, tz)
    day = args.date or today
    # "Since yesterday": the 24 hours before now (or before the end of the asked day).
    end_of_day = utc_range(day, day, tz)[1]
    until: dt.datetime = ctx.now if day == today or end_of_day is None else end_of_day
    since = until - dt.timedelta(hours=24)

    open_statuses = task_store.OPEN_TASK_STATUSES
    due_today = task_store.list_tasks(
        session=s, tenant_id=tid, statuses=open_statuses, due_from=day, due_to=day
    )
    overdue = task_store.list_tasks(
        session=s, tenant_id=tid, statuses=open_statuses, due_to=day - dt.timedelta(days=1)
    )
    # The next days too: a deadline on Thursday is Monday's news, not Thursday's.
    upcoming = task_store.list_tasks(
        session=s, tenant_id=tid, statuses=open_statuses, due_from=day + dt.timedelta(days=1),
        due_to=day + dt.timedelta(days=UPCOMING_DAYS),
    )
    unpaid = invoice_store.list_invoices(session=s, tenant_id=tid, statuses=invoice_store.UNPAID_STATUSES)
    due_soon = [
        i for i in unpaid if i.due and day <= i.due <= day + dt.timedelta(days=7) and i.status != "overdue"
    ]
    late_pay = [i for i in unpaid if i.status == "overdue" or (i.due and i.due < day)]
    partnerships = partnership_store.list_partnerships(session=s, tenant_id=tid)
    names = {p.id: p for p in partnerships}

    changes = [
        {
            "at": jsonable(e.at),
            "action": e.action,
            "partnership": e.resource_id,
            "by": e.actor,
            "before": e.before,
            "after": e.after,
        }
        for e in reversed(
            audit_store.recent(
                session=s, tenant_id=tid, since=since, until=until, resource="partnership", limit=50
            )
        )
    ]
    audited = {c["partnership"] for c in changes}
    # Changes made outside the chat (an import, the console) show up by their updated_at.
    for p in partnerships:
        if p.ref not in audited and p.updated_at and since <= p.updated_at < until:
            changes.append(
                {
                    "at": jsonable(p.updated_at),
                    "action": "updated",
                    "partnership": p.ref,
                    "by": None,
                    "before": None,
                    "after": {"status": p.status},
                }
            )
    follow_ups = [
        {"ref": p.ref, "brand": p.brand, "status": p.status, "next_follow_up": jsonable(p.next_follow_up)}
        for p in partnerships
        if p.status in OPEN_PARTNERSHIP_STATUSES and p.next_follow_up and p.next_follow_up <= day
    ]

    conversations = conversation_numbers(ctx, since=since, until=until)
    new_issues = support_store.issues_created(session=s, tenant_id=tid, since=since, until=until)
    coupons_today = coupon_numbers(ctx, first=day, last=day)
    unmatched = Counter(str((e.payload or {}).get("code") or "?") for e in event_store.list_recent(
        session=s, tenant_id=tid, kind="redemption_unmatched", limit=500) if since <= e.at <= until)
    return {
        "date": day.isoformat(),
        "tasks_today": [_task_line(t, names, day, tz) for t in due_today],
        "tasks_overdue": [_task_line(t, names, day, tz) for t in overdue],
        "tasks_upcoming": [_task_line(t, names, day, tz) for t in upcoming],
        "payments_due": [_invoice_line(i, names, day) for i in due_soon],
        "payments_overdue": [_invoice_line(i, names, day) for i in late_pay],
        "new_conversations": conversations["started"],
        "conversations_in_progress": conversations["in_progress"],
        "open_issues": conversations["open_issues"],
        "new_issues": [
            {"id": i.id, "kind": i.kind, "summary": i.summary, "status": i.status} for i in new_issues
        ],
        "handoffs_waiting": conversations["handoffs_waiting"],
        "partnership_changes": changes,
        "follow_ups_due": follow_ups,
        "satisfaction": _satisfaction(*_answers(survey_store.scores_by_coupon(session=s, tenant_id=tid, since=since,
                                                                              until=until))),
        "coupons": {
            "total": {k: coupons_today["total"][k] for k in ("copies", "redemptions", "revenue", "currency")},
            "by_code": [
                {k: row[k] for k in ("code", "copies", "redemptions", "revenue")}
                for row in coupons_today["coupons"]
                if row["copies"] or row["redemptions"]
            ],
        },
        # orders a shop sent with a code that is not one of hers: kept, and shown here
        "unmatched_codes": [{"code": code, "orders": n} for code, n in unmatched.most_common(10)],
        "window": {"since": jsonable(since), "until": jsonable(until)},
    }
