"""The act node: run the decided tools for the context's tenant and role, each in its own savepoint.

The role gate (checked by the registry) and the confirmation gate hold here as well as where tools are chosen: a
follower never executes an owner tool and a destructive owner tool never runs unconfirmed,
whatever the decision (or a model) asked for. The ToolContext is built from the state's tenant
and role, never from tool arguments. A tool that raises becomes an error result, so the follower
still gets a graceful reply.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context, turn_now
from agent.state import TurnState
from store.records import DEFAULT_TIMEZONE
from tools.registry import Registry, ToolContext, ToolError, ToolResult, validate_args, writes_data

__all__ = ["act_node", "tool_context", "needs_confirmation", "run_one"]

log = logging.getLogger(__name__)


def tool_context(state: TurnState, ctx: Context) -> ToolContext:
    """The ToolContext of this turn: tenant and role from the state (set by context), never from args."""
    tenant = state["tenant"]
    role = state.get("role", "follower")
    actor = f"{state.get('channel', 'web')}:{state.get('sender_id', '')}" if role == "owner" else (
        f"contact:{state.get('contact_id')}"
    )
    return ToolContext(
        session=ctx.session,
        tenant_id=tenant["id"],
        handle=tenant["handle"],
        timezone=tenant.get("timezone") or DEFAULT_TIMEZONE,
        role=role,
        channel=state.get("channel", "web"),
        languages=tuple(tenant.get("languages") or ("he", "en")),
        conversation_id=state.get("conversation_id"),
        contact_id=state.get("contact_id"),
        actor=actor,
        now=turn_now(state),
        services={"embedder": ctx.embedder, "redis": getattr(ctx.db, "redis", None), **ctx.services},
    )


def needs_confirmation(tools: Registry, name: str, args: dict[str, Any], tctx: ToolContext) -> str | None:
    """The description of the change when this call must be confirmed first, else None."""
    spec = tools.get(name)
    if spec is None or spec.confirm is None or tctx.role not in spec.roles:
        return None
    try:
        validated = validate_args(spec, args)
        return spec.confirm(tctx, validated)
    except ToolError:
        return None  # invalid arguments: running it fails with a clear error anyway


def run_one(tools: Registry, call: dict[str, Any], tctx: ToolContext) -> dict[str, Any]:
    """Run one call inside a savepoint: a failed or raising tool leaves nothing half-written.

    The role gate is the registry's (a follower never runs an owner tool, whoever chose it); the
    confirmation gate is checked here, so a destructive call never runs unconfirmed.
    """
    name, args = call.get("name", ""), dict(call.get("args") or {})
    if not call.get("confirmed") and needs_confirmation(tools, name, args, tctx):
        return ToolResult(name, False, error={"code": "needs_confirmation", "reason": "must be confirmed first"},
                          args=args).as_dict()
    savepoint = tctx.session.begin_nested()
    try:
        result = tools.run(name, args, tctx)
    except Exception as exc:  # a broken tool must not break the turn
        savepoint.rollback()
        log.exception("tool %s failed", name)
        return ToolResult(name, False, error={"code": "tool_failed", "reason": type(exc).__name__},
                          args=args).as_dict()
    if result.ok:
        savepoint.commit()
    else:
        savepoint.rollback()
    return result.as_dict()


def act_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Run decision.tool_calls in order and collect their results."""
    ctx = runtime.context
    tctx = tool_context(state, ctx)
    results: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    wrote = False
    for call in (state.get("decision") or {}).get("tool_calls") or []:
        result = run_one(ctx.tools, call, tctx)
        results.append(result)
        if not result["ok"]:
            events.append({"node": "act", "event": "tool_error", "tool": result["name"], "error": result["error"]})
        elif tctx.role == "owner" and writes_data(result["name"]):
            wrote = True
    if wrote:  # brand names and codes may have changed: the next turn reloads the catalog, in every
        ctx.cache.invalidate(tctx.tenant_id)  # process once the turn commits (Agent.handle bumps the revision)
        ctx.turn["tenant_changed"] = True
    out: dict[str, Any] = {"tool_results": results}
    if events:
        out["events"] = events
    return out
