"""Owner turns in the decision node: the command parser's tool and arguments, and confirmations.

A destructive call (the tool's `confirm` returns a description) is not run: it becomes
`pending_action` {tool, args, description, expires_at} in the checkpointed state and the owner is
asked. On the next turn "yes / כן / אישור / confirm" runs it, anything else cancels it, and an
answer after `expires_at` says it expired.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import unicodedata
from typing import Any

from agent.act import needs_confirmation, tool_context
from agent.context import Context, engine_catalog, turn_now
from agent.state import TurnState
from tools import registry
from tools.registry import ToolError

__all__ = ["decide_owner", "decide_pending", "is_yes"]

_YES = {
    "yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "confirm", "confirmed", "approve", "approved",
    "go ahead", "do it", "yes please", "yes do it", "correct", "right",
    "כן", "כן בבקשה", "אישור", "מאשר", "מאשרת", "מאושר", "אשר", "אשרי", "בטח", "בטוח", "יאללה", "סבבה", "אוקיי",
    "אוקי", "נכון", "קדימה", "תעשה", "תעשי", "כן תעשה", "כן תעשי", "כן מאשר", "כן מאשרת", "👍", "✅",
}


def is_yes(text: str) -> bool:
    """True when the message is a plain yes (Hebrew or English), nothing more."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().lower()
    if cleaned in _YES:
        return True
    cleaned = re.sub(r"[^\w\s\u0590-\u05ff]", " ", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned in _YES


def _parse(state: TurnState, ctx: Context) -> Any:
    from agent.offline.owner_commands import parse_owner_command

    tenant = state["tenant"]
    offered = {
        "text": state.get("masked_text") or state.get("text") or "",
        "understanding": state.get("understanding"),
        "catalog": engine_catalog(ctx, state),
        "now": turn_now(state),
        "timezone": tenant.get("timezone") or "Asia/Jerusalem",
        "language": (state.get("understanding") or {}).get("language"),
        "previous": state.get("last_understanding"),
    }
    params = inspect.signature(parse_owner_command).parameters
    positional = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    args = [offered.pop(positional[0].name, offered["text"])] if positional else []
    kwargs = {k: v for k, v in offered.items() if k in params}
    return parse_owner_command(*args, **kwargs)


def _jsonable_args(name: str, args: dict[str, Any]) -> dict[str, Any]:
    spec = registry.get_spec(name)
    if spec is None:
        return dict(args)
    validated = registry.validate_args(spec, args)
    return validated.model_dump(mode="json", exclude_unset=True)


def decide_owner(state: TurnState, ctx: Context) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Decision for owner_query / owner_command: run, clarify, or ask to confirm."""
    command = _parse(state, ctx)
    name = getattr(command, "tool", None)
    question = getattr(command, "question", None)
    missing = list(getattr(command, "missing", None) or [])
    if not name or missing:
        return {"action": "clarify", "tool_calls": [], "question": question, "options": missing,
                "reason": f"owner command incomplete: missing {missing or 'tool'}", "note": "owner_missing"}, None
    raw_args = dict(getattr(command, "args", None) or {})
    try:
        args = _jsonable_args(name, raw_args)
    except ToolError as exc:
        return {"action": "clarify", "tool_calls": [], "question": question,
                "reason": f"invalid {exc.field or 'argument'}: {exc.reason}", "note": "owner_invalid",
                "error": {"field": exc.field, "reason": exc.reason}}, None
    tctx = tool_context(state, ctx)
    description = needs_confirmation(name, args, tctx)
    if description:
        expires = turn_now(state) + dt.timedelta(minutes=ctx.settings.confirm_ttl_minutes)
        pending = {"tool": name, "args": args, "description": description, "expires_at": expires.isoformat()}
        return {"action": "confirm", "tool_calls": [], "question": description,
                "reason": f"{name} changes data: confirm first", "pending": pending}, pending
    return {"action": "respond", "tool_calls": [{"name": name, "args": args}],
            "reason": f"owner: {name} (confidence {getattr(command, 'confidence', None)})"}, None


def decide_pending(state: TurnState, ctx: Context) -> tuple[dict[str, Any], None]:
    """The owner answers a pending confirmation: yes runs it, anything else cancels, late is expired."""
    pending = dict(state["pending_action"] or {})
    expires = dt.datetime.fromisoformat(pending["expires_at"])
    if turn_now(state) > expires:
        return {"action": "respond", "tool_calls": [], "note": "expired", "pending": pending,
                "reason": f"confirmation of {pending['tool']} expired"}, None
    if is_yes(state.get("text") or ""):
        call = {"name": pending["tool"], "args": pending["args"], "confirmed": True}
        return {"action": "respond", "tool_calls": [call], "note": "confirmed", "pending": pending,
                "reason": f"owner confirmed {pending['tool']}"}, None
    return {"action": "respond", "tool_calls": [], "note": "cancelled", "pending": pending,
            "reason": f"owner did not confirm {pending['tool']}: cancelled"}, None
