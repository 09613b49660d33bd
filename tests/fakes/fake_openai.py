"""A local fake of an OpenAI-compatible chat server (`POST /v1/chat/completions`), for tests.

langchain-openai's real client talks to it over HTTP: structured output (a `json_schema`
response_format, or a forced function call when the client asks for function calling), tool calls,
and streamed replies as Server-Sent-Event chunks. Every request body is recorded, so tests can
assert on exactly what was sent to the model (e.g. that personal data was masked).

What it answers is up to the test, through three callables that receive the request body:
`understand(body) -> dict` (the structured object), `tools(body) -> [{"name", "args"}]` (may be
empty: a plain text answer then), `reply(body) -> str` (the streamed or plain text).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

__all__ = ["FakeOpenAI", "last_user_text", "system_text"]


def system_text(body: dict[str, Any]) -> str:
    """The system prompt(s) of a request, joined."""
    return "\n".join(
        _content(m) for m in body.get("messages", []) if m.get("role") in ("system", "developer")
    )


def last_user_text(body: dict[str, Any]) -> str:
    """The last user message of a request."""
    users = [_content(m) for m in body.get("messages", []) if m.get("role") == "user"]
    return users[-1] if users else ""


def _content(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):  # content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


class FakeOpenAI:
    """A uvicorn server in a thread on 127.0.0.1, answering like an OpenAI chat model."""

    def __init__(
        self,
        *,
        understand: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        tools: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
        reply: Callable[[dict[str, Any]], str] | None = None,
        delay: float = 0.0,
    ) -> None:
        self.understand = understand or (lambda body: {})
        self.tools = tools or (lambda body: [])
        self.reply = reply or (lambda body: "OK")
        self.delay = delay  # seconds to wait before answering (timeouts)
        self.fail_status: int | None = None  # answer every request with this HTTP error
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/v1 (what OPENAI_BASE_URL is set to)."""
        return f"http://127.0.0.1:{self._port}/v1"

    def start(self) -> FakeOpenAI:
        """Bind a free port and serve in a daemon thread; returns self once it accepts requests."""
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(self._app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self.requests.clear()

    def received(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The request bodies received so far, optionally only one kind (structured|tools|chat)."""
        with self._lock:
            return [r for r in self.requests if kind is None or self.kind(r) == kind]

    # --- answers -------------------------------------------------------------------------------

    @staticmethod
    def kind(body: dict[str, Any]) -> str:
        """structured (a schema is asked for), tools (tools offered) or chat (free text)."""
        fmt = body.get("response_format") or {}
        if fmt.get("type") in ("json_schema", "json_object"):
            return "structured"
        choice = body.get("tool_choice")
        if isinstance(choice, dict) or choice in ("required", "any"):
            return "structured"  # function-calling structured output forces its one function
        if body.get("tools"):
            return "tools"
        return "chat"

    def _message(self, body: dict[str, Any]) -> tuple[dict[str, Any], str]:
        kind = self.kind(body)
        if kind == "structured":
            data = json.dumps(self.understand(body), ensure_ascii=False)
            fmt = body.get("response_format") or {}
            if fmt.get("type") in ("json_schema", "json_object"):
                return {"role": "assistant", "content": data}, "stop"
            name = (
                body["tool_choice"]["function"]["name"]
                if isinstance(body.get("tool_choice"), dict)
                else (body["tools"][0]["function"]["name"])
            )
            return {
                "role": "assistant",
                "content": None,
                "tool_calls": [_tool_call(name, data)],
            }, "tool_calls"
        if kind == "tools":
            calls = self.tools(body)
            if calls:
                tool_calls = [
                    _tool_call(c["name"], json.dumps(c.get("args") or {}, ensure_ascii=False)) for c in calls
                ]
                return {"role": "assistant", "content": None, "tool_calls": tool_calls}, "tool_calls"
        return {"role": "assistant", "content": self.reply(body)}, "stop"

    def _app(self) -> Any:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def completions(request: Request) -> Any:
            body = await request.json()
            with self._lock:
                self.requests.append(body)
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_status:
                return JSONResponse(
                    {"error": {"message": "fake failure", "type": "server_error"}},
                    status_code=self.fail_status,
                )
            message, finish = self._message(body)
            model = body.get("model", "fake-model")
            if body.get("stream"):
                return StreamingResponse(_chunks(message, finish, model), media_type="text/event-stream")
            return JSONResponse(
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
            )

        return app


def _tool_call(name: str, arguments: str) -> dict[str, Any]:
    return {
        "id": f"call_{uuid.uuid4().hex[:10]}",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def _words(text: str) -> list[str]:
    pieces: list[str] = []
    for word in text.split(" "):
        pieces.append(word if not pieces else " " + word)
    return pieces


async def _chunks(message: dict[str, Any], finish: str, model: str):
    """The answer as chat.completion.chunk events: role, content word by word (or tool calls), finish."""
    ident = f"chatcmpl-{uuid.uuid4().hex[:12]}"
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> str:
        payload = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
        }
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    if message.get("tool_calls"):
        for i, call in enumerate(message["tool_calls"]):
            yield chunk({"tool_calls": [{"index": i, **call}]})
    else:
        for piece in _words(message.get("content") or ""):
            yield chunk({"content": piece})
    yield chunk({}, finish)
    yield "data: [DONE]\n\n"
