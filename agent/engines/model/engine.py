"""The model engine: a chat model (langchain-openai `ChatOpenAI`, or any LangChain chat model) behind
the Engine interface of agent/engine.py.

- understand: structured output (agent/_model_schema.py); brands are resolved against this tenant's
  catalog and a brand that is not in it is dropped.
- plan_tools: tool calling with only the tools the role may use; the arguments are not trusted here:
  the registry validates them like user input and the act node's role gate runs whatever was chosen.
- reply: streamed token by token through a gate (agent/_model_verify.py) that lets out only words
  whose codes, links, amounts and dates come from this turn's facts; anything else raises and the
  respond node keeps the template reply.

Every failure raises, and `call_with_fallback` answers with the offline engine; the trace's engine
then reads "model->offline" with the reason. After one failure in a turn the rest of that turn skips
the model at once, and after a timeout or a connection failure the model is skipped for a cool-down,
so a dead server costs one follower the timeout, not every follower.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import httpx
import openai

from agent.engines.model.prompts import facts_json, reply_messages, tools_messages, understanding_messages
from agent.engines.model.schema import schema_for, to_understanding
from agent.engines.model.structured import Structured, message_text
from agent.engines.model.verify import ReplyGate, UngroundedReply, facts_for
from agent.settings import OpenAISettings, get_settings
from store.records import DEFAULT_TIMEZONE

__all__ = [
    "ModelEngine",
    "ModelUnavailable",
    "UngroundedReply",
    "build_model_engine",
    "make_chat_model",
    "tool_schema",
]

log = logging.getLogger(__name__)

MAX_TOOL_CALLS = 4
_REMEMBERED_FAILURES = 2048
# Failures that say the server is down or overloaded, not that this one request was odd.
_OUTAGES: tuple[type[BaseException], ...] = (
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.InternalServerError,  # every 5xx, 503 included
    openai.RateLimitError,
    httpx.TimeoutException,  # read, connect, write and pool timeouts
    httpx.ConnectError,
    httpx.RemoteProtocolError,
    TimeoutError,
)


class ModelUnavailable(RuntimeError):
    """The model is skipped: it failed earlier in this turn, or is cooling down after an outage."""


def tool_schema(spec: Any) -> dict[str, Any]:
    """The OpenAI function-tool definition of a registry ToolSpec."""
    parameters = spec.args_model.model_json_schema()
    parameters.pop("title", None)
    return {
        "type": "function",
        "function": {"name": spec.name, "description": spec.description[:1000], "parameters": parameters},
    }


def _outage(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _OUTAGES):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class ModelEngine:
    """Understanding, tool choice and replies by a chat model; any failure raises (the caller falls back)."""

    name = "model"

    def __init__(
        self,
        chat_model: Any,
        *,
        model_name: str = "model",
        timeout: float = 8.0,
        cooldown: float = 30.0,
        structured_method: str = "auto",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chat = chat_model
        self.model_name = model_name
        self.timeout = timeout
        self.cooldown = cooldown
        self.structured = Structured(chat_model, structured_method)
        self.clock = clock
        self._lock = threading.Lock()
        self._failed: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._down_until = 0.0
        self._down_reason = ""
        self._bound: dict[tuple[str, ...], Any] = {}
        self._usage: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()

    def available(self) -> bool:
        """False while the model is skipped after an outage (its cool-down)."""
        with self._lock:
            return self.clock() >= self._down_until

    # --- the Engine interface ------------------------------------------------------------------

    def understand(self, state: dict[str, Any], *, catalog: Any) -> dict[str, Any]:
        """Intent, language, entities, sentiment and confidence by structured output."""
        role = state.get("role", "follower")

        def run() -> dict[str, Any]:
            parsed, raw = self.structured.invoke(schema_for(role), understanding_messages(state, catalog))
            self._count(state, "understand", raw)
            if parsed is None:
                raise ValueError("the model returned no structured understanding")
            return to_understanding(
                parsed,
                role=role,
                catalog=catalog,
                text=state.get("masked_text") or "",
                fuzzy=self._fuzzy(state, catalog),
            )

        return self._guarded(state, "understand", run)

    def plan_tools(self, state: dict[str, Any], *, tools: list[Any]) -> list[dict[str, Any]] | None:
        """Tool calls chosen by the model among the role's tools, or None (the decision rules choose)."""
        role = state.get("role", "follower")
        offered = [t for t in tools if role in t.roles]  # a follower never even sees an owner tool
        if not offered:
            return None

        def run() -> list[dict[str, Any]] | None:
            from agent.engines.base import make_catalog

            tenant = state.get("tenant") or {}
            catalog = make_catalog(
                state.get("catalog") or [],
                handle=tenant.get("handle", ""),
                display_name=tenant.get("display_name", ""),
            )
            message = self._bound_for(offered).invoke(tools_messages(state, catalog))
            self._count(state, "plan_tools", message)
            calls = [
                {"name": str(c.get("name") or ""), "args": dict(c.get("args") or {})}
                for c in (getattr(message, "tool_calls", None) or [])[:MAX_TOOL_CALLS]
            ]
            # No call: the rules choose (skipping the coupon lookup must not leave the reply factless).
            return calls or None

        return self._guarded(state, "plan_tools", run)

    def reply(self, state: dict[str, Any], *, on_token: Callable[[str], None] | None = None) -> str | None:
        """The reply in the persona's voice, streamed through the grounding gate; None keeps the template."""
        decision = state.get("decision") or {}
        draft = state.get("reply") or ""
        if (
            not draft
            or decision.get("action") == "confirm"
            or decision.get("note") in ("paused", "paused_silent", "boundary")
            or (state.get("role") == "owner" and state.get("tool_results"))
        ):
            # exact wording matters (a confirmation's description; the persona's redirect from medical advice;
            # her invoices, tasks and figures: a model rewording a list dropped invoice 2033 in make
            # eval-model) or there is nothing to say
            return None

        def run() -> str:
            refused = [
                r.get("name")
                for r in state.get("tool_results") or []
                if (r.get("error") or {}).get("code") in ("forbidden", "unknown_tool")
            ]
            if refused:  # a model that reached for tools it may not use does not get to word the answer
                raise UngroundedReply(
                    f"the model chose tools this user may not use: {', '.join(map(str, refused))}"
                )
            facts_text = facts_json(state)
            gate = ReplyGate(facts_for(state, draft=draft, facts_text=facts_text), on_token)
            deadline = self.clock() + self.timeout
            for chunk in self.chat.stream(reply_messages(state, draft=draft, facts=facts_text)):
                self._count(state, "reply", chunk)  # with stream_usage the last chunk carries the counts
                gate.feed(message_text(chunk))
                if self.clock() > deadline:
                    raise TimeoutError(f"reply took longer than {self.timeout:g} s")
            text = gate.finish()
            if not text:
                raise ValueError("the model returned an empty reply")
            return text

        return self._guarded(state, "reply", run)

    def take_usage(self, state: dict[str, Any]) -> dict[str, Any] | None:
        """This turn's model use (calls, tokens in and out, ms per stage), removed once taken."""
        with self._lock:
            return self._usage.pop(_turn_key(state), None)

    # --- plumbing -----------------------------------------------------------------------------

    def _count(self, state: dict[str, Any], stage: str, message: Any) -> None:
        usage = getattr(message, "usage_metadata", None) or {}
        if not usage:
            return
        with self._lock:
            turn = self._turn_usage(state)
            turn["input_tokens"] += int(usage.get("input_tokens") or 0)
            turn["output_tokens"] += int(usage.get("output_tokens") or 0)

    def _turn_usage(self, state: dict[str, Any]) -> dict[str, Any]:
        key = _turn_key(state)
        turn = self._usage.get(key)
        if turn is None:
            turn = self._usage[key] = {"calls": 0, "input_tokens": 0, "output_tokens": 0, "ms": {}, "failed": {}}
            while len(self._usage) > _REMEMBERED_FAILURES:  # turns that never took theirs (a crash)
                self._usage.popitem(last=False)
        return turn

    def _bound_for(self, specs: list[Any]) -> Any:
        key = tuple(sorted(s.name for s in specs))
        bound = self._bound.get(key)
        if bound is None:
            bound = self.chat.bind_tools([tool_schema(s) for s in specs])
            self._bound[key] = bound
        return bound

    @staticmethod
    def _fuzzy(state: dict[str, Any], catalog: Any) -> Callable[[str], list[str]]:
        """The offline brand finder for a mention the catalog did not match exactly (typos, prefixes)."""

        def find(mention: str) -> list[str]:
            from agent.engines.offline import understand
            from agent.state import turn_now

            tenant = state.get("tenant") or {}
            found = understand(
                mention,
                catalog=catalog,
                role=state.get("role", "follower"),
                now=turn_now(state),
                timezone=tenant.get("timezone") or DEFAULT_TIMEZONE,
                previous=None,
                default_language="he",
            )
            return list((found.entities or {}).get("brands") or [])

        return find

    def _guarded(self, state: dict[str, Any], stage: str, run: Callable[[], Any]) -> Any:
        key = _turn_key(state)
        with self._lock:
            if key in self._failed:
                raise ModelUnavailable(f"the model failed earlier in this turn ({self._failed[key]})")
            if self.clock() < self._down_until:
                raise ModelUnavailable(f"the model is skipped for a while after {self._down_reason}")
            self._turn_usage(state)["calls"] += 1
        started = time.perf_counter()
        try:
            return run()
        except UngroundedReply as exc:
            with self._lock:
                self._turn_usage(state)["failed"][stage] = f"UngroundedReply: {str(exc)[:120]}"
            raise  # this reply is discarded; the model itself is fine
        except Exception as exc:
            reason = f"{stage}: {type(exc).__name__}"
            with self._lock:
                self._turn_usage(state)["failed"][stage] = f"{type(exc).__name__}: {str(exc)[:120]}"
                self._failed[key] = reason
                while len(self._failed) > _REMEMBERED_FAILURES:
                    self._failed.popitem(last=False)
                if _outage(exc) and self.cooldown > 0:
                    self._down_until = self.clock() + self.cooldown
                    self._down_reason = reason
            raise
        finally:
            with self._lock:
                self._turn_usage(state)["ms"][stage] = round((time.perf_counter() - started) * 1000, 1)


def _turn_key(state: dict[str, Any]) -> tuple[Any, ...]:
    return (state.get("conversation_id"), state.get("turn"), state.get("message_id"))


def make_chat_model(settings: OpenAISettings) -> Any:
    """A ChatOpenAI for the settings: no retries, so a failure falls back within the timeout."""
    from langchain_openai import ChatOpenAI

    kwargs: dict[str, Any] = {
        "model": settings.model,
        "api_key": settings.api_key,
        "timeout": settings.timeout,
        "max_retries": 0,
        "max_tokens": settings.max_tokens,
        "stream_usage": True,  # token counts of streamed replies (stream_options.include_usage)
    }
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
        # LangChain sends OpenAI's max_completion_tokens; llama.cpp, llama-cpp-python, Ollama and LM Studio
        # read max_tokens (and ignore the other), vLLM reads both: a local server gets both.
        kwargs["extra_body"] = {"max_tokens": settings.max_tokens}
    if settings.temperature is not None:
        kwargs["temperature"] = settings.temperature
    return ChatOpenAI(**kwargs)


def build_model_engine(settings: OpenAISettings | None = None) -> ModelEngine | None:
    """The model engine when OPENAI_API_KEY is set, else None (the agent runs offline)."""
    settings = settings or get_settings()
    if not settings.enabled:
        return None
    return ModelEngine(
        make_chat_model(settings),
        model_name=settings.model,
        timeout=settings.timeout,
        cooldown=settings.cooldown,
        structured_method=settings.structured_method,
    )
