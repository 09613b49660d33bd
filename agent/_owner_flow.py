"""Owner turns in the decision node: the command parser's tool and arguments, and confirmations.

A destructive call (the tool's `confirm` returns a description) is not run: it becomes
`pending_action` {tool, args, description, expires_at} in the checkpointed state and the owner is
asked. On the next turn "yes / כן / אישור / confirm" runs it, anything else cancels it, and an
answer after `expires_at` says it expired.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from agent.act import needs_confirmation, tool_context
from agent.context import Context, engine_catalog, turn_now
from agent.engines.base import call_with_fallback
from agent.engines.offline.facts import is_yes
from agent.state import TurnState
from knowledge.briefs.extract import correction
from store import inbox as inbox_store
from store import tasks as task_store
from store.records import DEFAULT_TIMEZONE
from tools.registry import ToolError, validate_args

__all__ = ["decide_owner", "decide_pending", "owner_command_in", "decide_call", "decide_document"]

def _tasks(session: Any, tenant_id: int) -> list[tuple[int, str, str | None]]:
    return task_store.titles(session=session, tenant_id=tenant_id)


def _parse(state: TurnState, ctx: Context, text: str | None = None) -> Any:
    from agent.engines.offline.owner_commands import parse_owner_command

    tenant = state["tenant"]
    words = text if text is not None else state.get("masked_text") or ""
    parsed = ctx.turn.setdefault("owner_parses", {})  # once per text and turn: routing and deciding both ask
    if words not in parsed:
        language = (state.get("understanding") or {}).get("language")
        command = parse_owner_command(
            words,
            now=turn_now(state),
            timezone=tenant.get("timezone") or DEFAULT_TIMEZONE,
            catalog=engine_catalog(ctx, state),
            tasks=_tasks(ctx.session, tenant["id"]),
            language=language,
        )
        if text is None and ctx.turn.get("quoted"):
            command = _answering_quote(ctx, tenant["id"], command, words, language)
        parsed[words] = command
    return parsed[words]


_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s\-().]{6,18}\d(?!\w)")


def _with_phone(command: Any, ctx: Context) -> Any:
    """The parser sees the phone masked ([PHONE]); a command that needs one (add_manager) takes it from
    the message itself, here in the turn and nowhere at rest (traces and checkpoints are masked)."""
    if getattr(command, "tool", None) != "add_manager" or command.args.get("phone"):
        return command
    found = _PHONE.search(str(ctx.turn.get("text") or ""))
    if found is None:
        return command
    return dataclasses.replace(command, args={**command.args, "phone": found.group(0).strip()})


_NAMES_A_CONVERSATION = ("reply_to_follower", "hand_back", "show_conversation")


def _answering_quote(ctx: Context, tenant_id: int, command: Any, words: str, language: str | None) -> Any:
    """The owner quoted one of our notifications (WhatsApp's reply-to): the conversation it named is the one
    meant. A command that leaves the number out gets it; words that are no command are the reply itself."""
    from agent.engines.offline.owner_commands import OwnerCommand

    number = inbox_store.quoted_number(session=ctx.session, tenant_id=tenant_id, provider_id=ctx.turn["quoted"])
    if number is None:
        return command
    if command is None and words.strip():
        return OwnerCommand("reply_to_follower", {"number": number, "text": words.strip()}, [], None, 0.9,
                            language or "en")
    if command is not None and command.tool in _NAMES_A_CONVERSATION and command.args.get("number") is None:
        return dataclasses.replace(command, args={**command.args, "number": number})
    return command


def _jsonable_args(ctx: Context, name: str, args: dict[str, Any]) -> dict[str, Any]:
    spec = ctx.tools.get(name)
    if spec is None:
        return dict(args)
    validated = validate_args(spec, args)
    return validated.model_dump(mode="json", exclude_unset=True)


_READS = ("list_", "coupon_stats", "conversation_stats", "daily_digest", "show_conversation")


def _guess_check(state: TurnState, name: str, args: dict[str, Any]) -> str:
    """The question that holds a change the classifier guessed (not a rule) until the owner says yes."""
    he = ((state.get("understanding") or {}).get("language") or "en") == "he"
    shown = ", ".join(f"{k}: {v}" for k, v in args.items() if v not in (None, "", []))
    return (f"{'התכוונת' if he else 'Did you mean'}: {name.replace('_', ' ')}" + (f" ({shown})" if shown else "")
            + "?")


def _one_call(state: TurnState, ctx: Context, name: str, raw_args: dict[str, Any], *, question: str | None,
              reason: str, guessed: bool = False) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Run a call now, ask back about a bad argument, or hold a destructive (or guessed) one for
    confirmation."""
    try:
        args = _jsonable_args(ctx, name, raw_args)
    except ToolError as exc:
        return {"action": "clarify", "tool_calls": [], "question": question,
                "reason": f"invalid {exc.field or 'argument'}: {exc.reason}", "note": "owner_invalid",
                "error": {"field": exc.field, "reason": exc.reason}}, None
    description = needs_confirmation(ctx.tools, name, args, tool_context(state, ctx))
    if not description and guessed and not name.startswith(_READS):
        description = _guess_check(state, name, args)
    if description:
        expires = turn_now(state) + dt.timedelta(minutes=ctx.settings.confirm_ttl_minutes)
        pending = {"tool": name, "args": args, "description": description, "expires_at": expires.isoformat()}
        return {"action": "confirm", "tool_calls": [], "question": description,
                "reason": f"{name} changes data: confirm first", "pending": pending}, pending
    return {"action": "respond", "tool_calls": _with_summary([{"name": name, "args": args}]), "reason": reason}, None


def _with_summary(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A partnership marked completed is followed by its summary (what it brought, whether to renew), an
    invoice marked paid by its receipt."""
    extra = [{"name": "project_summary", "args": {"partnership": c["args"]["partnership"]}} for c in calls
             if c["name"] == "update_partnership" and (c.get("args") or {}).get("status") == "completed"]
    extra += [{"name": "receipt", "args": {"number": c["args"]["number"]}} for c in calls
              if c["name"] == "update_invoice" and ((c.get("args") or {}).get("status") == "paid"
                                                     or (c.get("args") or {}).get("paid_at"))]
    return calls + extra


def _sure(command: Any) -> bool:
    """A command the parser read with confidence (0.8 or more)."""
    return command is not None and float(getattr(command, "confidence", 0) or 0) >= 0.8


def owner_command_in(state: TurnState, ctx: Context) -> str | None:
    """owner_query or owner_command when the owner's message is a command the parser knows with
    confidence, whatever intent the engine heard; else None."""
    command = _parse(state, ctx)
    if not _sure(command):
        return None
    tool = str(getattr(command, "tool", "") or "")
    return "owner_query" if tool.startswith(("list_", "coupon_stats", "conversation_stats", "daily_digest")) else (
        "owner_command")


def decide_owner(state: TurnState, ctx: Context) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Decision for owner_query / owner_command: run, clarify, or ask to confirm."""
    command = _parse(state, ctx)
    # A command the parser knows for sure is run as parsed: a model only chooses where the rules cannot.
    planned = None if _sure(command) else call_with_fallback(ctx.engine, ctx.fallback_engine, "plan_tools", state,
                                                   tools=ctx.tools.for_role("owner"))
    if planned is not None and planned.value:  # a model chose by tool calling; the same gates apply to its choice
        decisions = [_one_call(state, ctx, c["name"], dict(c.get("args") or {}), question=None,
                               reason=f"{planned.engine} chose {c['name']}") for c in planned.value]
        for decision, pending in decisions:
            if decision["action"] != "respond":
                return decision, pending
        calls = [call for decision, _ in decisions for call in decision["tool_calls"]]
        return {"action": "respond", "tool_calls": calls, "reason": f"{planned.engine} chose tools"}, None
    if command is None:
        return {"action": "clarify", "tool_calls": [], "reason": "not an owner command the parser knows",
                "note": "owner_unknown"}, None
    command = _with_phone(command, ctx)
    name = getattr(command, "tool", None)
    question = getattr(command, "question", None)
    missing = list(getattr(command, "missing", None) or [])
    if not name or missing:
        return _ask_missing(state, ctx, command, state.get("masked_text") or ""), None
    return _one_call(state, ctx, name, dict(getattr(command, "args", None) or {}), question=question,
                     reason=f"owner: {name} (confidence {getattr(command, 'confidence', None)})",
                     guessed=bool(getattr(command, "guessed", False)))


_SHORT_ANSWER = re.compile(r"^\s*#?\s*([A-Za-z0-9][A-Za-z0-9/_\-]{0,49})\s*[.!?]?\s*$")
# Fields a bare answer can fill as it is: "1042" for "Which invoice number?", "call Zara" for the task.
_WORD_FIELDS = ("number", "code")
_TEXT_FIELDS = ("title",)


def _plain(args: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in args.items()}


def _fill_in(asked: dict[str, Any], answer: str) -> dict[str, Any] | None:
    """The asked-for field filled from a bare answer, when exactly one simple field was missing."""
    missing = list(asked.get("missing") or [])
    if len(missing) != 1:
        return None
    field = missing[0]
    if field in _WORD_FIELDS and (match := _SHORT_ANSWER.match(answer)):
        value = match.group(1).upper() if field == "code" else match.group(1)
    elif field in _TEXT_FIELDS and 0 < len(answer.strip()) <= 300:
        value = answer.strip()
    else:
        return None
    return {**dict(asked.get("args") or {}), field: value}


def _ask_missing(state: TurnState, ctx: Context, command: Any, text: str) -> dict[str, Any]:
    missing = list(getattr(command, "missing", None) or [])
    expires = turn_now(state) + dt.timedelta(minutes=ctx.settings.confirm_ttl_minutes)
    question = {"tool": getattr(command, "tool", None), "text": text, "missing": missing,
                "args": _plain(dict(getattr(command, "args", None) or {})), "expires_at": expires.isoformat()}
    return {"action": "clarify", "tool_calls": [], "question": getattr(command, "question", None), "options": missing,
            "reason": f"owner command incomplete: missing {missing or 'tool'}", "note": "owner_missing",
            "pending_question": question}


def decide_answer(state: TurnState, ctx: Context) -> dict[str, Any] | None:
    """The owner answers our question about a command ("What's the task?" -> "call Zara"): the
    command is parsed again with the answer added. None when this message is something else."""
    asked = dict(state.get("pending_question") or {})
    if not asked.get("tool") or turn_now(state) > dt.datetime.fromisoformat(asked["expires_at"]):
        return None
    text = state.get("masked_text") or ""
    alone = _parse(state, ctx)
    if alone is not None and alone.tool and not alone.missing and not getattr(alone, "guessed", False):
        return None  # a complete new command (read by a rule, not guessed): handled as such
    combined = _parse(state, ctx, f"{asked['text']} {text}")
    if combined is None or combined.tool != asked["tool"] or len(combined.missing) >= len(asked["missing"]):
        filled = _fill_in(asked, text)
        if filled is None:
            return None
        decision, pending = _one_call(state, ctx, asked["tool"], filled, question=None,
                                      reason=f"owner answered {asked['missing'][0]}: {asked['tool']}")
        decision["pending"] = pending
        return decision
    if combined.missing:
        return _ask_missing(state, ctx, combined, f"{asked['text']} {text}")
    decision, pending = _one_call(state, ctx, combined.tool, dict(combined.args or {}), question=combined.question,
                                  reason=f"owner answered: {combined.tool}")
    decision["pending"] = pending
    return decision


def decide_pending(state: TurnState, ctx: Context) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The owner answers a pending confirmation: yes runs it, a correction of a brief's proposal ("fee is
    14,000") asks again with it applied, anything else cancels, late is expired."""
    pending = dict(state["pending_action"] or {})
    expires = dt.datetime.fromisoformat(pending["expires_at"])
    if turn_now(state) > expires:
        return {"action": "respond", "tool_calls": [], "note": "expired", "pending": pending,
                "reason": f"confirmation of {pending['tool']} expired"}, None
    if is_yes(state.get("text") or ""):
        call = {"name": pending["tool"], "args": pending["args"], "confirmed": True}
        return {"action": "respond", "tool_calls": _with_summary([call]), "note": "confirmed", "pending": pending,
                "reason": f"owner confirmed {pending['tool']}"}, None
    if pending["tool"] == "create_from_brief":
        fixed = correction(state.get("masked_text") or "", today=turn_now(state).date())
        if fixed:
            return _one_call(state, ctx, "create_from_brief", {**pending["args"], **fixed}, question=None,
                             reason=f"brief corrected: {', '.join(fixed)}")
    return {"action": "respond", "tool_calls": [], "note": "cancelled", "pending": pending,
            "reason": f"owner did not confirm {pending['tool']}: cancelled"}, None


def decide_document(state: TurnState, ctx: Context) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A file the owner sent (read by the channel) is a brief: its proposal, asked like a pasted one; a file
    that gave no text says why, naming the file, and writes nothing."""
    from store.privacy import mask_pii

    document = ctx.turn["document"]
    if not document.get("text"):
        said = (state.get("masked_text") or "").strip()
        language = ((state.get("understanding") or {}).get("language") if said
                    else (state["tenant"].get("languages") or ["he"])[0])
        he = language == "he"
        reason = document.get("problem_he") if he else document.get("problem")
        return {"action": "clarify", "tool_calls": [], "note": "owner_invalid", "reason": "a file with no brief text",
                "error": {"field": "file", "reason": str(reason or "the file could not be read")}}, None
    text = mask_pii(str(document["text"]))[:60_000]  # the pending call is checkpointed: masked like the chat
    return _one_call(state, ctx, "create_from_brief", {"text": text}, question=None,
                     reason=f"a file the owner sent ({document.get('filename')}): a brief")


def decide_call(state: TurnState, ctx: Context, name: str, args: dict[str, Any], *,
                reason: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Run a tool call now, or hold it for a yes when the tool asks to be confirmed (any role)."""
    return _one_call(state, ctx, name, args, question=None, reason=reason)
