"""The Agent facade: built once per process, `handle(InboundMessage) -> TurnResult` runs one turn.

Before the graph runs, `handle` resolves the tenant (UnknownTenant -> 404), takes a transaction
lock on the channel message id (or, when the message names its conversation, on that conversation)
and returns the stored reply for a duplicate, locks the conversation (turns of one conversation run
one at a time, in any process), and finds or creates the conversation whose id is the checkpoint
thread. The graph reads and saves the checkpoint in the same transaction; after the graph, `handle`
commits the turn. When anything fails mid-turn, the inbound message is still stored (masked) with a
graceful reply, and the checkpoint is as the last committed turn left it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from agent._checkpoint import TurnCheckpointSaver, in_turn
from agent.context import Context, TenantCache
from agent.engines.base import OfflineEngine
from agent.errors import InvalidMessage, UnknownConversation, UnknownTenant
from agent.graph import build_graph
from agent.guard.sanitize import clean_text
from agent.persist import store_trace
from agent.settings import AgentSettings, get_agent_settings
from agent.state import PER_TURN_KEYS
from agent.types import CHANNELS, MAX_MESSAGE_CHARS, ROLES, InboundMessage, TurnResult
from store import contacts as contact_store
from store import conversations as conversation_store
from store import messages as message_store
from store import revisions
from store import tenants as tenant_store
from store.db import is_transient
from store.locks import xact_lock
from store.privacy import mask_identity
from tools import REGISTRY, Registry

__all__ = ["Agent", "AgentSettings", "InboundMessage", "TurnResult", "MAX_MESSAGE_CHARS"]

log = logging.getLogger(__name__)

def _aware(value: dt.datetime | str | None, clock: Callable[[], dt.datetime]) -> dt.datetime:
    if value is None:
        value = clock()
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _clean(msg: InboundMessage) -> None:
    # Every channel's text arrives here: nothing Postgres would refuse goes further.
    for name in ("text", "sender_id", "handle", "message_id", "conversation_id"):
        value = getattr(msg, name)
        if isinstance(value, str):
            setattr(msg, name, clean_text(value))


def _validate(msg: InboundMessage) -> None:
    _clean(msg)
    if msg.role not in ROLES:
        raise InvalidMessage("role", f"must be one of {', '.join(ROLES)}")
    if msg.channel not in CHANNELS:
        raise InvalidMessage("channel", f"must be one of {', '.join(CHANNELS)}")
    if not isinstance(msg.text, str):
        raise InvalidMessage("text", "must be a string")
    if len(msg.text) > MAX_MESSAGE_CHARS:
        raise InvalidMessage("text", f"at most {MAX_MESSAGE_CHARS:,} characters (got {len(msg.text):,})")
    if not msg.text.strip() and not msg.media:
        raise InvalidMessage("text", "empty message")
    if not (msg.sender_id or "").strip():
        raise InvalidMessage("sender_id", "required")


def _default_engine(settings: AgentSettings) -> Any:
    from agent.engines.model.engine import build_model_engine  # None unless OPENAI_API_KEY is set

    return build_model_engine()


class Agent:
    """One per process: the compiled graph, its Postgres checkpointer and every client a turn uses."""

    def __init__(
        self,
        database: Any,
        *,
        engine: Any = None,
        embedder: Any = None,
        clock: Callable[[], dt.datetime] | None = None,
        settings: AgentSettings | None = None,
        respond: Callable[..., dict[str, Any]] | None = None,
        tools: Registry | None = None,
        services: dict[str, Any] | None = None,
        warm: bool = True,
    ) -> None:
        import redis

        from agent.guard import RateLimiter

        self.db = database
        self.tools = tools or REGISTRY
        self.services = dict(services or {})  # what the channels lend tools, e.g. "deliver" (owner relays)
        self.settings = settings or get_agent_settings()
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.fallback_engine = OfflineEngine()
        self.engine = engine or _default_engine(self.settings) or self.fallback_engine
        # What evals and reports call the engine: the model's name, or "offline".
        self.engine_name = getattr(self.engine, "model_name", None) or self.engine.name
        self.embedder = embedder if embedder is not None else self._default_embedder()
        timeout = self.settings.redis_timeout_seconds
        # Short timeouts: a hung Redis must not stall a turn (the limiters fail open).
        self.redis = redis.Redis.from_url(database.redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.cache = TenantCache(self.settings.catalog_ttl_seconds, redis=self.redis)
        if getattr(self.engine, "structured", None) is not None:  # a model reads the gaps in briefs the rules leave
            from agent.engines.model.briefs import BriefReader

            self.services.setdefault("read_brief_model", BriefReader(self.engine, self.redis))
        self.contact_limiter = RateLimiter(self.redis, capacity=self.settings.rate_contact_capacity,
                                           refill_per_sec=self.settings.rate_contact_refill_per_sec,
                                           prefix="rl:contact")
        self.tenant_limiter = RateLimiter(self.redis, capacity=self.settings.rate_tenant_capacity,
                                          refill_per_sec=self.settings.rate_tenant_refill_per_sec, prefix="rl:tenant")
        self.owner_limiter = RateLimiter(self.redis, capacity=self.settings.rate_owner_capacity,
                                         refill_per_sec=self.settings.rate_owner_refill_per_sec, prefix="rl:owner")
        # The conversation's state is saved in the turn's own transaction (agent._checkpoint).
        self.checkpointer = TurnCheckpointSaver(database)
        self.graph = build_graph(checkpointer=self.checkpointer, respond=respond)
        if warm:
            self.warm_up()

    def warm_up(self) -> None:
        """Pay the one-time costs (PII analyzer, templates, lexicons) now rather than on a follower's turn."""
        from agent import guard

        guard.warm_up()
        with self.db.engine.connect():  # the pool's first connection (the first turn paid ~40 ms)
            pass
        try:  # compile the reply templates and the NLU's lexicons once (the first turn paid ~200 ms)
            from agent.engines.offline import Catalog, understand
            from agent.engines.offline.owner_commands import parse_owner_command
            from agent.respond import environment

            env = environment()
            for name in env.list_templates(extensions=("j2",)):
                env.get_template(name)
            now = self.clock()
            for text in ("hi, any code for brand?", "היי, יש קוד הנחה?"):
                understand(text, catalog=Catalog(), role="follower", now=now)
                parse_owner_command(text, now=now)
            from agent.engines.offline.classifier import get_classifier

            classifier = get_classifier()  # the model and the fitted classifier (~3 s once per process)
            if classifier is not None:
                classifier.predict("hi")
        except Exception:  # warming is an optimisation; a failure here shows up in the turn itself
            log.warning("warm-up incomplete", exc_info=True)

    @staticmethod
    def _default_embedder() -> Any:
        try:
            import knowledge

            return knowledge.get_embedder()
        except Exception:  # knowledge search falls back to its own default
            return None

    def _forget_threads(self, result: TurnResult) -> None:
        """After a committed erasure, the saved state of the follower's conversations goes too (their
        history lives there, masked): the next message starts fresh."""
        for call in result.tool_results or []:
            if call.get("name") == "erase_my_data" and call.get("ok"):
                for thread in (call.get("data") or {}).get("conversations") or []:
                    self.checkpointer.delete_thread(str(thread))

    def engine_report(self) -> dict[str, Any]:
        """Which engine answers, and with a model its structured-output method (found on first use)."""
        report: dict[str, Any] = {"name": self.engine.name, "model": self.engine_name}
        structured = getattr(self.engine, "structured", None)
        if structured is not None:
            report["structured_output"] = structured.describe()
        return report

    def close(self) -> None:
        """Close the limiter's Redis client (the database is the caller's)."""
        self.redis.close()

    # --- conversations -------------------------------------------------------------------------

    def _tenant(self, session: Any, handle: str) -> Any:
        tenant = tenant_store.for_turn(session=session, handle=handle)
        if tenant is None:
            raise UnknownTenant(f"no influencer with handle {handle!r}")
        return tenant

    def start_conversation(self, handle: str, channel: str, sender_id: str, role: str = "follower") -> str:
        """Create a conversation for this sender and return its id (the checkpoint thread id)."""
        _validate(InboundMessage(handle, channel, sender_id, "-", role=role))
        with self.db.session() as session:
            tenant = self._tenant(session, handle)
            contact = contact_store.upsert(session=session, tenant_id=tenant.id, channel=channel, external_id=sender_id)
            conv = conversation_store.create(session=session, tenant_id=tenant.id, contact_id=contact.id,
                                             channel=channel, role=role, at=self.clock())
            return conv.id

    def _conversation(self, session: Any, tenant: Any, msg: InboundMessage, now: dt.datetime) -> Any:
        if msg.conversation_id:  # the turn's contact is the conversation's: the sender is not looked up
            conv = conversation_store.get(session=session, tenant_id=tenant.id, conversation_id=msg.conversation_id)
            if conv is None or conv.role != msg.role:
                raise UnknownConversation(f"no conversation {msg.conversation_id!r} for {tenant.handle}")
            return conv
        contact = contact_store.upsert(session=session, tenant_id=tenant.id, channel=msg.channel,
                                       external_id=msg.sender_id)
        if msg.channel == "whatsapp":
            since = now - dt.timedelta(hours=self.settings.whatsapp_continue_hours)
            conv = conversation_store.latest_open(session=session, tenant_id=tenant.id, contact_id=contact.id,
                                                  channel=msg.channel, role=msg.role, since=since)
            if conv is not None:
                return conv
        return conversation_store.create(session=session, tenant_id=tenant.id, contact_id=contact.id,
                                         channel=msg.channel, role=msg.role, at=now)

    # --- one turn ------------------------------------------------------------------------------

    def handle(self, msg: InboundMessage, on_event: Callable[[dict[str, Any]], None] | None = None) -> TurnResult:
        """Run one turn; raises InvalidMessage (bad input), UnknownTenant or UnknownConversation."""
        from agent._turn import duplicate_result, failure_result, result_from_state

        started = time.perf_counter()
        _validate(msg)
        now = _aware(msg.now, self.clock)
        session = self.db.sessions()
        conversation_id: str | None = msg.conversation_id
        tenant_id: int | None = None
        try:
            tenant = self._tenant(session, msg.handle)
            tenant_id = tenant.id
            # A named conversation's lock serialises its turns, a redelivered message's included: one
            # lock instead of two. Otherwise the message id's lock first (the conversation is not known yet).
            locked = f"conv:{msg.conversation_id}" if msg.conversation_id else None
            if locked:
                xact_lock(session, locked)
            elif msg.message_id:
                xact_lock(session, f"msg:{tenant.id}:{msg.channel}:{msg.message_id}")
            if msg.message_id and message_store.inbound_id(session=session, tenant_id=tenant.id, channel=msg.channel,
                                                           channel_message_id=msg.message_id) is not None:
                stored = message_store.find_inbound(session=session, tenant_id=tenant.id, channel=msg.channel,
                                                    channel_message_id=msg.message_id)
                return duplicate_result(session, tenant.id, stored, started, on_event)
            conv = self._conversation(session, tenant, msg, now)
            conversation_id = conv.id
            if locked != f"conv:{conv.id}":
                xact_lock(session, f"conv:{conv.id}")
            context = Context(
                db=self.db, session=session, engine=self.engine, fallback_engine=self.fallback_engine,
                cache=self.cache, settings=self.settings, embedder=self.embedder,
                contact_limiter=self.contact_limiter, tenant_limiter=self.tenant_limiter,
                owner_limiter=self.owner_limiter, emit=on_event, tools=self.tools, services=self.services,
                turn={"tenant": tenant, "conversation": conv, "text": msg.text, "quoted": msg.quoted,
                      "document": msg.document if msg.role == "owner" else None},
            )
            turn_input = {
                **PER_TURN_KEYS,
                "handle": tenant.handle, "channel": msg.channel, "role": msg.role,
                "sender_id": mask_identity(msg.sender_id),  # checkpoints keep no phone number
                "text": "", "message_id": msg.message_id, "media": list(msg.media or []),
                "now": now.isoformat(), "conversation_id": conv.id,
            }
            prepared = time.perf_counter()
            with in_turn(session):  # the checkpoint is read and written in this transaction
                state = self.graph.invoke(turn_input, {"configurable": {"thread_id": conv.id}}, context=context,
                                          durability=self.settings.durability)
            graph_ms = (time.perf_counter() - prepared) * 1000
            if context.turn.get("duplicate"):
                session.rollback()
                stored = message_store.find_inbound(session=session, tenant_id=tenant.id, channel=msg.channel,
                                                    channel_message_id=msg.message_id or "")
                return duplicate_result(session, tenant.id, stored, started, on_event)
            result = result_from_state(state, context, started, prepare_ms=(prepared - started) * 1000,
                                       graph_ms=graph_ms)
            committing = time.perf_counter()
            store_trace(context)
            session.commit()
            if context.turn.get("tenant_changed"):  # every process's cached catalog and persona
                revisions.bump(self.redis, tenant.id)
            result.trace["timings"]["commit"] = round((time.perf_counter() - committing) * 1000, 3)
            result.ms = round((time.perf_counter() - started) * 1000, 2)
            result.message_id = context.turn.get("inbound_id")
            result.reply_id = context.turn.get("reply_id")
            self._forget_threads(result)
        except (UnknownTenant, UnknownConversation, InvalidMessage):
            session.rollback()
            raise
        except Exception as exc:
            try:
                session.rollback()
            except Exception:  # the connection itself is gone
                pass
            if is_transient(exc):  # the database is restarting: the channel retries the message
                raise
            log.exception("turn failed; storing the message with a graceful reply")
            result = failure_result(self.db, msg, now, tenant_id, conversation_id, exc, started)
        finally:
            session.close()
        if on_event is not None:
            on_event({"type": "done", "conversation_id": result.conversation_id, "reply": result.reply,
                      "language": result.language, "intent": result.intent, "action": result.action,
                      "tools": result.tools, "ms": result.ms, "duplicate": result.duplicate})
        return result
