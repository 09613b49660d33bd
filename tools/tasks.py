"""Owner tools for the schedule: list, create and update tasks, dates in the tenant's time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, field_validator, model_validator

from knowledge.matching import best_matches
from store import partnerships as partnership_store
from store import tasks as task_store
from store.records import Task
from store.tasks import OPEN_TASK_STATUSES
from tools._owner_common import (
    OWNER_ONLY,
    OwnerArgs,
    atomic,
    audit,
    brand_of,
    jsonable,
    partnership_names,
    resolve_partnership,
    snapshot,
)
from tools.dates import local_datetime_utc, local_now, local_today, week_bounds
from tools.registry import ToolContext, ToolError, tool

__all__ = ["task_out", "resolve_task"]

TaskType = Literal["general", "content_creation", "approval", "payment", "meeting", "invoice_creation"]
TaskStatus = Literal["pending", "in_progress", "completed", "cancelled", "blocked"]
Priority = Literal["low", "medium", "high", "urgent"]
_FIELDS = (
    "title",
    "type",
    "status",
    "priority",
    "due_date",
    "due_at",
    "notes",
    "partnership_id",
    "completed_at",
)
_STATUS_SYNONYMS = {
    "done": "completed",
    "complete": "completed",
    "in progress": "in_progress",
    "open": "pending",
    "canceled": "cancelled",
    "todo": "pending",
}


def _norm(value: str | None, synonyms: dict[str, str]) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    return synonyms.get(value, value.replace(" ", "_"))


def task_out(t: Task, ctx: ToolContext, partnerships: dict, *, today: dt.date) -> dict:
    """A task as JSON-ready data; due time shown in the tenant's zone."""
    due_time = local_now(t.due_at, ctx.timezone).strftime("%H:%M") if t.due_at else None
    return {
        "id": t.id,
        "title": t.title,
        "status": t.status,
        "priority": t.priority,
        "type": t.type,
        "due_date": jsonable(t.due_date),
        "due_time": due_time,
        "overdue": bool(t.due_date and t.due_date < today and t.status in task_store.OPEN_TASK_STATUSES),
        "partnership": brand_of(partnerships, t.partnership_id),
        "notes": t.notes,
    }


def _outs(ctx: ToolContext, rows: list[Task], today: dt.date) -> list[dict]:
    names = partnership_names(ctx, [t.partnership_id for t in rows])
    return [task_out(t, ctx, names, today=today) for t in rows]


class ListTasksArgs(OwnerArgs):
    when: Literal["today", "week", "overdue", "upcoming", "all"] | None = Field(
        None, description="today, week (this week), overdue, upcoming, or all"
    )
    date: dt.date | None = Field(None, description="tasks due on this one day")
    status: Literal["open", "pending", "in_progress", "completed", "cancelled", "blocked"] | None = Field(
        None, description="default: open (pending, in progress, blocked)"
    )
    partnership: str | None = Field(None, description="brand name, alias or ref")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        return _norm(value, {**_STATUS_SYNONYMS, "open": "open"})

    @field_validator("when", mode="before")
    @classmethod
    def _when(cls, value: str | None) -> str | None:
        return _norm(value, {"this_week": "week", "this week": "week", "late": "overdue"})


@tool("list_tasks", roles=OWNER_ONLY, args=ListTasksArgs)
def list_tasks(ctx: ToolContext, args: ListTasksArgs) -> dict:
    """List tasks: due today, this week, overdue or upcoming, by partnership or status (open by default)."""
    today = local_today(ctx.now, ctx.timezone)
    statuses = task_store.OPEN_TASK_STATUSES if args.status in (None, "open") else (args.status,)
    partnership_id = resolve_partnership(ctx, args.partnership).id if args.partnership else None
    due_from = due_to = None
    if args.date:
        due_from = due_to = args.date
    elif args.when == "today":
        due_from = due_to = today
    elif args.when == "week":
        due_from, due_to = week_bounds(today, ctx.timezone)
    elif args.when == "upcoming":
        due_from = today
    elif args.when == "overdue":
        due_to = today - dt.timedelta(days=1)
        statuses = task_store.OPEN_TASK_STATUSES
    rows = task_store.list_tasks(
        session=ctx.session,
        tenant_id=ctx.tenant_id,
        statuses=statuses,
        due_from=due_from,
        due_to=due_to,
        partnership_id=partnership_id,
    )
    data = {
        "tasks": _outs(ctx, rows, today),
        "count": len(rows),
        "today": today.isoformat(),
        "range": {"from": jsonable(due_from), "to": jsonable(due_to)},
    }
    if args.when == "today" and not args.date:
        # "What's on today?" also wants what is already late.
        late = task_store.list_tasks(
            session=ctx.session,
            tenant_id=ctx.tenant_id,
            statuses=task_store.OPEN_TASK_STATUSES,
            due_to=today - dt.timedelta(days=1),
            partnership_id=partnership_id,
        )
        data["overdue"] = _outs(ctx, late, today)
    return data


class _DueFields(OwnerArgs):
    due_date: dt.date | None = Field(None, description="ISO date, in the tenant's calendar")
    due_time: dt.time | None = Field(None, description="HH:MM wall-clock time in the tenant's zone")
    due: str | None = Field(None, description="alternative: ISO date or local datetime '2026-11-26T10:00'")

    @model_validator(mode="after")
    def _split_due(self):
        if self.due:
            try:
                moment = dt.datetime.fromisoformat(self.due)
            except ValueError:
                raise ValueError(
                    "due must be an ISO date or datetime, e.g. 2026-11-26 or 2026-11-26T10:00"
                ) from None
            self.due_date = moment.date()
            if "T" in self.due or " " in self.due.strip():
                self.due_time = moment.time().replace(tzinfo=None)
            self.due = None
        return self


class CreateTaskArgs(_DueFields):
    title: str = Field(..., min_length=1, max_length=300)
    priority: Priority = "medium"
    type: TaskType = "general"
    status: Literal["pending", "in_progress"] = "pending"
    partnership: str | None = Field(None, description="brand name, alias or ref")
    notes: str | None = None

    @field_validator("priority", "type", "status", mode="before")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return _norm(value, _STATUS_SYNONYMS)


@tool("create_task", roles=OWNER_ONLY, args=CreateTaskArgs)
@atomic
def create_task(ctx: ToolContext, args: CreateTaskArgs) -> dict:
    """Add a task with an optional due date (and time, in the tenant's zone), priority, type and brand."""
    today = local_today(ctx.now, ctx.timezone)
    due_date = args.due_date or (today if args.due_time else None)
    if due_date and due_date < today:
        raise ToolError(
            f"{due_date.isoformat()} is in the past (today is {today.isoformat()})", field="due_date"
        )
    partnership = resolve_partnership(ctx, args.partnership) if args.partnership else None
    fields = {
        "title": args.title,
        "type": args.type,
        "status": args.status,
        "priority": args.priority,
        "due_date": due_date,
        "notes": args.notes,
        "partnership_id": partnership.id if partnership else None,
        "due_at": local_datetime_utc(due_date, args.due_time, ctx.timezone)
        if due_date and args.due_time
        else None,
    }
    row = task_store.create(session=ctx.session, tenant_id=ctx.tenant_id, fields=fields)
    audit(
        ctx,
        action="create_task",
        resource="task",
        resource_id=row.id,
        before=None,
        after=snapshot(row, _FIELDS),
    )
    return {"task": _outs(ctx, [row], today)[0], "created": True}


class UpdateTaskArgs(_DueFields):
    task: int | str = Field(..., description="task id, or words of its title / its brand")
    status: TaskStatus | None = None
    complete: bool | None = Field(None, description="true = mark completed")
    priority: Priority | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    notes: str | None = None
    partnership: str | None = None

    @field_validator("status", "priority", mode="before")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return _norm(value, _STATUS_SYNONYMS)

    @model_validator(mode="after")
    def _something_changes(self) -> UpdateTaskArgs:
        if not (self.model_fields_set - {"task"}) and self.due_date is None:
            raise ValueError("nothing to change: complete it, give a new date, priority or status")
        if self.complete:
            self.status = "completed"
        return self


def _describe(t: Task, ctx: ToolContext) -> str:
    due = f", due {t.due_date.isoformat()}" if t.due_date else ""
    return f'#{t.id} "{t.title}"{due}'


def find_tasks(ctx: ToolContext, query: str, *, statuses: Sequence[str] | None = OPEN_TASK_STATUSES) -> list[Task]:
    """Tasks the words describe (title words, or the brand's name), best matches only; ties all returned."""
    rows = task_store.list_tasks(session=ctx.session, tenant_id=ctx.tenant_id, statuses=statuses)
    if not rows or not query.strip():
        return []
    brands = {
        p.id: [p.brand, *(p.brand_aliases or [])]
        for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)
    }
    folded = query.strip().casefold()
    exact = [t for t in rows if t.title.casefold() == folded]
    if exact:
        return exact
    # The title and the brand together describe a task ("the Olivia reel" -> "Film Olivia reel #2").
    candidates = [(t, [" ".join([t.title, *brands.get(t.partnership_id or 0, [])])]) for t in rows]
    # Whole-title matches first, then most words, then any word ("the Lumi quote" -> the one Lumi task).
    for floor in (85.0, 60.0, 35.0):
        found = best_matches(query, candidates, floor=floor)
        if found:
            return list(found)
    return []


def resolve_task(ctx: ToolContext, ref: int | str) -> Task:
    """The one task an id or some words name; ToolError listing the candidates when several fit."""
    text = str(ref).strip().lstrip("#")
    if text.isdigit():
        row = task_store.get(session=ctx.session, tenant_id=ctx.tenant_id, task_id=int(text))
        if row is None:
            raise ToolError(f"there is no task #{text}", field="task", code="not_found")
        return row
    found = find_tasks(ctx, text)
    if not found:
        found = find_tasks(ctx, text, statuses=None)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ToolError(f"no task matches {text!r}", field="task", code="not_found")
    listed = "; ".join(_describe(t, ctx) for t in found[:5])
    raise ToolError(f"which task? {listed}", field="task", code="ambiguous")


def confirm_update_task(ctx: ToolContext, args: UpdateTaskArgs) -> str | None:
    """Cancelling a task is confirmed first."""
    if args.status != "cancelled":
        return None
    try:
        t = resolve_task(ctx, args.task)
    except ToolError:
        return None
    return None if t.status == "cancelled" else f"Cancel task {_describe(t, ctx)}"


@tool("update_task", roles=OWNER_ONLY, args=UpdateTaskArgs, confirm=confirm_update_task)
@atomic
def update_task(ctx: ToolContext, args: UpdateTaskArgs) -> dict:
    """Complete, reschedule, reprioritise, rename or cancel one task (by id or words of its title)."""
    t = resolve_task(ctx, args.task)
    today = local_today(ctx.now, ctx.timezone)
    before = snapshot(t, _FIELDS)
    if args.status:
        if args.status == "completed" and t.status != "completed":
            t.completed_at = ctx.now
        elif args.status != "completed":
            t.completed_at = None
        t.status = args.status
    if args.due_date or args.due_time:
        old_time = local_now(t.due_at, ctx.timezone).time().replace(tzinfo=None) if t.due_at else None
        new_date = args.due_date or t.due_date or today
        if args.due_date and args.due_date < today:
            raise ToolError(
                f"{args.due_date.isoformat()} is in the past (today is {today.isoformat()})", field="due_date"
            )
        new_time = args.due_time or old_time
        t.due_date = new_date
        t.due_at = local_datetime_utc(new_date, new_time, ctx.timezone) if new_time else None
    for name in ("priority", "title", "notes"):
        if getattr(args, name) is not None:
            setattr(t, name, getattr(args, name))
    if args.partnership:
        t.partnership_id = resolve_partnership(ctx, args.partnership).id
    ctx.session.flush()
    after = snapshot(t, _FIELDS)
    audit(ctx, action="update_task", resource="task", resource_id=t.id, before=before, after=after)
    changed = sorted(k for k in after if after[k] != before[k])
    return {
        "task": _outs(ctx, [t], today)[0],
        "changed": changed,
        "previous": {k: before[k] for k in changed},
    }
