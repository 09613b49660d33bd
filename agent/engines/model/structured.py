"""Structured output that adapts to the server: the first method it accepts, found once and remembered.

Servers differ in what they accept for "answer in this JSON shape":
- `json_schema`: OpenAI's `response_format: {"type": "json_schema", ...}` (vLLM, recent llama.cpp too);
- `json_object`: `response_format: {"type": "json_object", "schema": {...}}`, the grammar-constrained
  JSON of llama-cpp-python and llama.cpp's server (others ignore the schema, the prompt names the keys);
- `function_calling`: one forced tool call whose arguments are the object (most servers with tools);
- `json_text`: no server feature at all, the keys in the prompt and the first JSON object of the text.

`auto` (the default) tries them in that order. A method is given up only when the *server* refuses it
(a 4xx, or a 5xx whose message names the request's format, as llama-cpp-python answers `json_schema`);
a model that writes bad JSON under a method the server accepts is that turn's failure, not the method's.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import openai
from langchain_core.messages import BaseMessage, SystemMessage
from pydantic import BaseModel

__all__ = ["METHODS", "Structured", "Unsupported", "first_json_object", "message_text"]

METHODS = ("json_schema", "json_object", "function_calling", "json_text")
_REFUSAL = re.compile(r"response_format|json_schema|json_object|schema|tool|function|grammar|not supported|"
                      r"unsupported|unknown (?:field|parameter)|extra (?:fields|inputs)", re.IGNORECASE)


class Unsupported(Exception):
    """No structured-output method is accepted by this server."""


def first_json_object(text: str) -> dict[str, Any]:
    """The first JSON object in a model's text (fenced or not); ValueError when there is none."""
    decoder = json.JSONDecoder()
    for start in [m.start() for m in re.finditer(r"\{", text or "")]:
        try:
            value, _ = decoder.raw_decode(text[start:])
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError("the model's text holds no JSON object")


def _refused(exc: BaseException) -> bool:
    """True when the server refused the request's format (not an outage, not a bad answer)."""
    if isinstance(exc, openai.APIStatusError):  # a 400 for a too-long prompt is no refusal of the format
        return (exc.status_code in (400, 404, 415, 422) or exc.status_code >= 500) and bool(
            _REFUSAL.search(str(exc)))
    return isinstance(exc, NotImplementedError)


class Structured:
    """Invoke a chat model for a pydantic schema with the first method the server accepts."""

    def __init__(self, chat: Any, method: str = "auto") -> None:
        self.chat = chat
        self.forced = method if method != "auto" else None
        self.method: str | None = self.forced  # known once a call succeeded (or when forced)
        self.refused: dict[str, str] = {}
        self._lock = threading.Lock()
        self._runnables: dict[tuple[str, str], Any] = {}

    def describe(self) -> dict[str, Any]:
        """What /health and the trace show: the method in use (or not found yet) and the refused ones."""
        return {"method": self.method or ("auto: not detected yet" if not self.forced else self.forced),
                "refused": dict(self.refused)}

    def invoke(self, schema: type[BaseModel], messages: list[BaseMessage]) -> tuple[Any, Any]:
        """The parsed schema instance (or dict) and the model's raw message (for its token usage);
        raises what the call raised, Unsupported when the server accepts no method."""
        with self._lock:
            known = self.method
        if known:
            return self._call(known, schema, messages)
        for method in METHODS:
            with self._lock:
                if method in self.refused:
                    continue
            try:
                value = self._call(method, schema, messages)
            except Exception as exc:
                if not _refused(exc):  # the server took the request: the method is found, the answer was bad
                    with self._lock:
                        self.method = method
                    raise
                with self._lock:
                    self.refused[method] = f"{type(exc).__name__}: {str(exc)[:160]}"
                continue
            with self._lock:
                self.method = method
            return value
        raise Unsupported(f"the server accepts none of {', '.join(METHODS)}")

    # --- one method ------------------------------------------------------------------------------

    def _call(self, method: str, schema: type[BaseModel], messages: list[BaseMessage]) -> tuple[Any, Any]:
        keys = ", ".join(schema.model_fields)
        hinted = _with_hint(messages, f"Answer with one JSON object with these keys: {keys}")
        if method in ("json_schema", "function_calling", "json_mode"):
            # json_mode is LangChain's json_object without a schema: the prompt names the keys
            out = self._langchain(method, schema).invoke(hinted if method == "json_mode" else messages)
            if out.get("parsing_error") is not None:
                raise out["parsing_error"]
            return out.get("parsed"), out.get("raw")
        if method == "json_object":
            bound = self._runnable(method, schema, lambda: self.chat.bind(
                response_format={"type": "json_object", "schema": _plain_schema(schema)}))
            message = bound.invoke(hinted)
        else:  # json_text
            message = self.chat.invoke(hinted)
        return schema.model_validate(first_json_object(message_text(message))), message

    def _langchain(self, method: str, schema: type[BaseModel]) -> Any:
        return self._runnable(method, schema, lambda: self.chat.with_structured_output(
            schema, method=method, include_raw=True))

    def _runnable(self, method: str, schema: type[BaseModel], make: Any) -> Any:
        key = (method, schema.__name__)
        runnable = self._runnables.get(key)
        if runnable is None:
            runnable = self._runnables[key] = make()
        return runnable


def message_text(message: Any) -> str:
    """The text of a chat message or chunk (a string, or content blocks)."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return ""


def _with_hint(messages: list[BaseMessage], hint: str) -> list[BaseMessage]:
    if messages and isinstance(messages[0], SystemMessage):
        return [SystemMessage(f"{messages[0].content}\n{hint}"), *messages[1:]]
    return [SystemMessage(hint), *messages]


def _plain_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema with $defs inlined (llama.cpp's grammar converter handles refs, others may not)."""
    raw = schema.model_json_schema()
    defs = raw.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.rsplit("/", 1)[1]])
            return {k: inline(v) for k, v in node.items() if k != "title"}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(raw)
