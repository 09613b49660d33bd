"""The owner's inbox: who waits for a human, a conversation's last messages, a reply relayed to the
follower on their channel, handing a conversation back to the bot, closing a support issue.

Conversations and issues are named by per-tenant numbers ("#12", "issue 3"), never by ids, and only
the tenant's own are found. The relayed text is sent as written (the owner means it) and stored masked.
Delivery is a service of the channels (`ctx.services["deliver"]`): WhatsApp sends it (inside the
24-hour window, else the approved template, else it says why not); the web stores it for the widget.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from store import contacts as contact_store
from store import conversations as conversation_store
from store import inbox as inbox_store
from store import messages as message_store
from store import support as support_store
from store import traces as trace_store
from store.privacy import mask_pii
from store.records import Conversation
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit, jsonable
from tools.registry import ToolContext, ToolError, tool

__all__ = ["list_waiting", "list_conversations", "list_issues", "show_conversation", "reply_to_follower",
           "hand_back", "close_issue", "give_back",
           "HANDED_BACK"]

HANDED_BACK = {
    "he": "תודה על הסבלנות! מכאן העוזר האוטומטי ממשיך לענות כאן 🙂",
    "en": "Thanks for your patience! The assistant takes it from here again 🙂",
}


class ListWaitingArgs(OwnerArgs):
    pass


@tool("list_waiting", roles=OWNER_ONLY, args=ListWaitingArgs)
def list_waiting(ctx: ToolContext, args: ListWaitingArgs) -> dict:
    """Who is waiting for me: follower conversations waiting for a human or held by one, with their number,
    channel, the follower's last message (masked) and how long ago they asked."""
    rows = inbox_store.waiting(session=ctx.session, tenant_id=ctx.tenant_id)
    return {"conversations": [
        {"number": w.number, "channel": w.channel, "state": w.state, "name": w.name,
         "last_message": (w.last_message or "")[:160], "since": jsonable(w.since),
         "minutes_waiting": max(0, int((ctx.now - w.since).total_seconds() // 60))}
        for w in rows
    ]}


class ListConversationsArgs(OwnerArgs):
    state: Literal["waiting", "human", "bot", "closed", "all"] = Field(
        "all", description="waiting for a human, held by one, with the bot, closed, or all")
    limit: int = Field(50, ge=1, le=200)


@tool("list_conversations", roles=OWNER_ONLY, args=ListConversationsArgs)
def list_conversations(ctx: ToolContext, args: ListConversationsArgs) -> dict:
    """Follower conversations in one state (waiting, human, bot, closed or all), latest first, with their
    number, channel, name, last message (masked) and when."""
    rows = inbox_store.conversations(session=ctx.session, tenant_id=ctx.tenant_id, state=args.state,
                                     limit=args.limit)
    return {"state": args.state, "now": jsonable(ctx.now), "conversations": [
        {"number": c.number, "channel": c.channel, "state": c.state, "name": c.name,
         "last_message": (c.last_message or "")[:160], "last_from": {"in": "follower", "out": "us"}.get(
             c.last_direction or ""), "last_at": jsonable(c.last_at)}
        for c in rows
    ]}


class ListIssuesArgs(OwnerArgs):
    status: Literal["open", "closed", "all"] = "open"
    limit: int = Field(50, ge=1, le=200)


@tool("list_issues", roles=OWNER_ONLY, args=ListIssuesArgs)
def list_issues(ctx: ToolContext, args: ListIssuesArgs) -> dict:
    """Support issues (open, closed or all), newest first: number, kind, summary (masked), who closed it
    and the note."""
    rows = inbox_store.issues(session=ctx.session, tenant_id=ctx.tenant_id, status=args.status, limit=args.limit)
    return {"status": args.status, "now": jsonable(ctx.now), "issues": [
        {"number": i.number, "kind": i.kind, "summary": i.summary[:200], "status": i.status,
         "order_id": i.order_id, "opened_at": jsonable(i.created_at), "closed_at": jsonable(i.closed_at),
         "closed_by": i.closed_by, "note": i.close_note, "conversation": conversation}
        for i, conversation in rows
    ]}


class NumberArgs(OwnerArgs):
    number: int | None = Field(None, ge=1, description="the conversation's number (#12); may be left out when "
                               "only one conversation waits")


def _conversation(ctx: ToolContext, number: int | None) -> Conversation:
    if number is None:
        rows = inbox_store.waiting(session=ctx.session, tenant_id=ctx.tenant_id)
        if len(rows) == 1:
            number = rows[0].number
        elif not rows:
            raise ToolError("nobody is waiting for you right now", field="number", code="not_found")
        else:
            listed = ", ".join(f"#{w.number}" for w in rows[:6])
            raise ToolError(f"which conversation? {listed}", field="number", code="ambiguous")
    conv = inbox_store.by_number(session=ctx.session, tenant_id=ctx.tenant_id, number=number)
    if conv is None:
        raise ToolError(f"there is no conversation #{number}", field="number", code="not_found")
    return conv


class ShowArgs(NumberArgs):
    limit: int = Field(8, ge=1, le=200, description="how many of the latest messages")
    trace: bool = Field(False, description="add how the bot understood and answered each follower message")


@tool("show_conversation", roles=OWNER_ONLY, args=ShowArgs)
def show_conversation(ctx: ToolContext, args: ShowArgs) -> dict:
    """The last messages of conversation #N (personal details masked)."""
    conv = _conversation(ctx, args.number)
    rows = inbox_store.recent_messages(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id,
                                       limit=args.limit)
    state = inbox_store.state_of(session=ctx.session, conversation=conv)
    traces = (trace_store.by_message(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id)
              if args.trace else {})
    messages = []
    for m in rows:
        shown = {"id": m.id, "from": "follower" if m.direction == "in" else (m.meta or {}).get("by") or "bot",
                 "text": m.content[:1000], "at": jsonable(m.created_at)}
        if args.trace and m.direction == "in":
            shown["trace"] = _why(m.intent, traces.get(m.id))
        messages.append(shown)
    return {"number": conv.number, "channel": conv.channel, "paused": bool(conv.paused), "state": state,
            "now": jsonable(ctx.now), "messages": messages}


def _why(intent: str | None, trace: dict | None) -> dict:
    """What a console shows of a turn's trace: understood as, how sure, the policy's verdict, what ran."""
    trace = trace or {}
    return {"intent": trace.get("intent") or intent, "confidence": trace.get("confidence"),
            "policy": (trace.get("policy") or {}).get("verdict"), "action": (trace.get("decision") or {}).get("action"),
            "tools": [t.get("name") if isinstance(t, dict) else t for t in trace.get("tools") or []],
            "engine": trace.get("engine"), "ms": trace.get("total_ms")}


def _deliver(ctx: ToolContext, conv: Conversation, text: str) -> str:
    """Send `text` to the follower on their channel; the outcome ("sent", "stored", "blocked_window"...)."""
    deliver = ctx.services.get("deliver")
    contact = (contact_store.get(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=conv.contact_id)
               if conv.contact_id else None)
    if conv.channel == "web" or deliver is None or contact is None:
        return "stored"  # the widget shows it from the conversation's messages
    return str(deliver(tenant_id=ctx.tenant_id, conversation_id=conv.id, channel=conv.channel,
                       to=contact.external_id, text=text))


class ReplyArgs(NumberArgs):
    text: str = Field(..., min_length=1, max_length=1600, description="what to send the follower, as written")


@tool("reply_to_follower", roles=OWNER_ONLY, args=ReplyArgs)
@atomic
def reply_to_follower(ctx: ToolContext, args: ReplyArgs) -> dict:
    """Answer a follower who waits for me: the text goes to conversation #N on the follower's channel, signed
    as me; the bot stays quiet there until I hand it back."""
    conv = _conversation(ctx, args.number)
    text = args.text.strip()
    if not text:
        raise ToolError("the reply is empty", field="text")
    if conv.status == "closed":
        raise ToolError(f"#{conv.number} is closed (nobody wrote there for a day); it opens again when the "
                        "follower writes", field="number", code="conflict")
    conversation_store.set_paused(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id,
                                  paused=True)
    support_store.hold(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id)
    message_store.add_outbound(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id,
                               channel=conv.channel, content=mask_pii(text), reply_to=None,
                               meta={"by": "owner", "relay": True}, at=ctx.now)
    outcome = _deliver(ctx, conv, text)
    audit(ctx, action="reply", resource="conversation", resource_id=conv.number, before=None,
          after={"channel": conv.channel, "delivery": outcome})
    # The web chat shows what is stored, and nothing personal is stored unmasked: say so when it shows.
    masked = outcome == "stored" and mask_pii(text) != text
    return {"number": conv.number, "channel": conv.channel, "delivery": outcome, "masked": masked}


@tool("hand_back", roles=OWNER_ONLY, args=NumberArgs)
@atomic
def hand_back(ctx: ToolContext, args: NumberArgs) -> dict:
    """Give conversation #N back to the bot (the follower is told); it answers their next message again."""
    conv = _conversation(ctx, args.number)
    released, outcome = give_back(ctx, conv, why="owner")
    if not released:
        raise ToolError(f"#{conv.number} is already with the bot", field="number", code="conflict")
    audit(ctx, action="hand_back", resource="conversation", resource_id=conv.number, before={"paused": True},
          after={"paused": False})
    return {"number": conv.number, "channel": conv.channel, "delivery": outcome}


def give_back(ctx: ToolContext, conv: Conversation, *, why: str) -> tuple[bool, str]:
    """Release the conversation's handoffs, unpause the bot and tell the follower, in their language.
    (False, "") when it was already with the bot; else (True, the notice's delivery outcome). Used by
    the hand_back tool and by the idle hand-back of the lifecycle task (`why`: owner | idle)."""
    released = support_store.release_handoffs(session=ctx.session, tenant_id=ctx.tenant_id,
                                              conversation_id=conv.id, at=ctx.now)
    if not conv.paused and not released:
        return False, ""
    conversation_store.set_paused(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id,
                                  paused=False)
    language = inbox_store.follower_language(session=ctx.session, tenant_id=ctx.tenant_id,
                                             conversation_id=conv.id, default=(ctx.languages or ("he",))[0])
    notice = HANDED_BACK.get(language, HANDED_BACK["en"])
    message_store.add_outbound(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id,
                               channel=conv.channel, content=notice, reply_to=None,
                               meta={"by": "system", "handed_back": why}, at=ctx.now)
    return True, _deliver(ctx, conv, notice)


class CloseIssueArgs(OwnerArgs):
    number: int = Field(..., ge=1, description="the support issue's number (issue 3)")
    note: str | None = Field(None, max_length=500, description="how it was resolved")


@tool("close_issue", roles=OWNER_ONLY, args=CloseIssueArgs)
@atomic
def close_issue(ctx: ToolContext, args: CloseIssueArgs) -> dict:
    """Close support issue N, with a note on how it was resolved."""
    issue = support_store.issue_by_number(session=ctx.session, tenant_id=ctx.tenant_id, number=args.number)
    if issue is None:
        raise ToolError(f"there is no issue {args.number}", field="number", code="not_found")
    if issue.status == "closed":
        raise ToolError(f"issue {args.number} is already closed", field="number", code="conflict")
    note = mask_pii(args.note) if args.note else None
    support_store.close_issue(session=ctx.session, issue=issue, by=ctx.actor or "owner", note=note, at=ctx.now)
    audit(ctx, action="close", resource="support_issue", resource_id=args.number, before={"status": "open"},
          after={"status": "closed", "note": note})
    told = _tell_closed(ctx, issue.conversation_id, args.number, args.note)
    return {"number": args.number, "status": "closed", "kind": issue.kind, "summary": issue.summary[:160],
            "note": note, "follower_told": told}


_CLOSED = {
    "he": "עדכון על הפנייה שלך: היא טופלה ונסגרה.",
    "en": "An update on your request: it has been taken care of and closed.",
}


def _tell_closed(ctx: ToolContext, conversation_id: str | None, number: int, note: str | None) -> str:
    """Tell the follower their issue is closed, in their conversation (on WhatsApp: inside the window,
    else the relay template, else not at all); the delivery outcome, or "no_conversation"."""
    conv = (conversation_store.get(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conversation_id)
            if conversation_id else None)
    if conv is None:
        return "no_conversation"
    language = inbox_store.follower_language(session=ctx.session, tenant_id=ctx.tenant_id,
                                             conversation_id=conv.id, default=(ctx.languages or ("he",))[0])
    text = _CLOSED.get(language, _CLOSED["en"]) + (f" ({note.strip()})" if note and note.strip() else "")
    message_store.add_outbound(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=conv.id,
                               channel=conv.channel, content=mask_pii(text), reply_to=None,
                               meta={"by": "owner", "issue_closed": number}, at=ctx.now)
    return _deliver(ctx, conv, text)


