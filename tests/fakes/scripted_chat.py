"""A scripted chat model for the model engine's tests: LangChain's GenericFakeChatModel with the two
methods it lacks (`bind_tools`, `with_structured_output`), each answering from a test's callable.

The callables receive the messages the engine sent (so a test can both look at the prompt and
answer from it); `fail` makes a stage raise like a broken model would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import RunnableLambda
from pydantic import Field

__all__ = ["ScriptedChat", "facts_of", "codes_in_facts", "system_of", "user_of"]


def system_of(messages: list[BaseMessage]) -> str:
    """The system prompt the engine sent."""
    return "\n".join(str(m.content) for m in messages if m.type == "system")


def user_of(messages: list[BaseMessage]) -> str:
    """The last user message the engine sent."""
    users = [str(m.content) for m in messages if m.type == "human"]
    return users[-1] if users else ""


def facts_of(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    """The FACTS JSON of a reply prompt (this turn's tool results)."""
    found = re.search(r"FACTS[^\n]*\n(.*?)\n\n", system_of(messages), re.S)
    return json.loads(found.group(1)) if found else []


def codes_in_facts(messages: list[BaseMessage]) -> list[str]:
    """Coupon codes the tools returned this turn, as a well-behaved model would read them."""
    return [c["code"] for f in facts_of(messages) for c in (f.get("result") or {}).get("coupons") or []]


class ScriptedChat(GenericFakeChatModel):
    """Structured understanding, tool calls and reply text scripted per test."""

    messages: Iterator[Any] = Field(default_factory=lambda: iter(()))
    understand_fn: Callable[[list[BaseMessage]], dict[str, Any]] | None = None
    tools_fn: Callable[[list[BaseMessage]], list[dict[str, Any]]] | None = None
    reply_fn: Callable[[list[BaseMessage]], str] | None = None
    fail: set[str] = Field(default_factory=set)  # stages that raise: understand | tools | reply
    sent: list[tuple[str, list[BaseMessage]]] = Field(default_factory=list)  # (stage, messages)
    offered: list[str] = Field(default_factory=list)  # tool names of the last bind_tools

    def _check(self, stage: str, messages: list[BaseMessage]) -> None:
        self.sent.append((stage, list(messages)))
        if stage in self.fail:
            raise RuntimeError(f"scripted {stage} failure")

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:
        def answer(messages: list[BaseMessage]) -> Any:
            self._check("understand", messages)
            parsed = schema.model_validate((self.understand_fn or (lambda m: {}))(messages))
            if kwargs.get("include_raw"):  # as LangChain answers: the raw message beside the parsed object
                usage = {"input_tokens": 120, "output_tokens": 30, "total_tokens": 150}
                return {"raw": AIMessage(content="", usage_metadata=usage), "parsed": parsed, "parsing_error": None}
            return parsed

        return RunnableLambda(answer)

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        self.offered = [t["function"]["name"] for t in tools]

        def answer(messages: list[BaseMessage]) -> AIMessage:
            self._check("tools", messages)
            calls = (self.tools_fn or (lambda m: []))(messages)
            return AIMessage(
                content="",
                tool_calls=[
                    {"name": c["name"], "args": c.get("args") or {}, "id": f"call_{i}", "type": "tool_call"}
                    for i, c in enumerate(calls)
                ],
            )

        return RunnableLambda(answer)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self._check("reply", messages)
        text = (self.reply_fn or (lambda m: "OK"))(messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def understanding(
    intent: str, *, brands: tuple[str, ...] = (), language: str = "en", confidence: float = 0.9, **extra: Any
) -> dict[str, Any]:
    """A complete structured understanding as the schema wants it."""
    base: dict[str, Any] = {
        "intent": intent,
        "language": language,
        "brands": list(brands),
        "ambiguous_brands": [],
        "coupon_codes": [],
        "products": [],
        "order_ids": [],
        "dates": [],
        "amounts": [],
        "sentiment": "neutral",
        "confidence": confidence,
        "followup": False,
    }
    base.update(extra)
    return base


__all__.append("understanding")
