"""The HTTP side of `bench turns`: the real app and a bare echo endpoint under uvicorn in child
processes, and an asyncio load generator that plays conversations against them.

The servers run in their own processes so the load generator never shares their interpreter lock;
`python -m evals._bench_turns_http --serve chat|echo --port N` is what the parent starts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["Server", "play_http", "chat_app", "echo_app"]

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The app (kind "chat") or the echo endpoint (kind "echo") under uvicorn in a child process."""

    def __init__(self, kind: str, *, env: dict[str, str], workers: int = 1) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.errors = (
            tempfile.TemporaryFile()
        )  # a file, not a pipe: a full pipe would block a server that logs
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}  # the offline engine
        child_env.update(env, PYTHONPATH=str(REPO))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "evals._bench_turns_http",
                "--serve",
                kind,
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=child_env,
            cwd=str(REPO),
            stdout=subprocess.DEVNULL,
            stderr=self.errors,
        )
        try:
            self._wait(kind)
        except BaseException:
            self.stop()
            raise

    def _wait(self, kind: str) -> None:
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bench server exited: {self.log_tail()}")
            try:
                if kind == "echo":
                    httpx.post(f"{self.url}/echo", json={"text": "ping"}, timeout=2).raise_for_status()
                else:
                    httpx.get(f"{self.url}/health", timeout=2).raise_for_status()
                return
            except httpx.HTTPError:  # not listening yet
                time.sleep(0.2)
        raise RuntimeError("bench server did not start in 120 s")

    def log_tail(self) -> str:
        """The end of the server's stderr."""
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")[-2000:]

    def stop(self) -> None:
        """Terminate the child (kill it if it does not stop in 15 s)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


class _Connection:
    """A lean HTTP/1.1 keep-alive client (one per simulated visitor): the load generator must cost far
    less than what it measures, or the echo baseline would measure the client (httpx costs ~1 ms a request)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST JSON, return (status, JSON body); reconnects once when the server closed the connection."""
        payload = json.dumps(body, ensure_ascii=False).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(head + payload)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, dict[str, Any]]:
        assert self.reader is not None
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                data += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, json.loads(data) if data else {}

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def play_http(
    url: str,
    handle: str,
    plans: list[list[list[str]]],
    tag: str,
    *,
    echo: bool,
    think: tuple[float, float] | None,
    seed: int,
    floor: bool = False,
) -> dict[str, Any]:
    """Play every worker's conversations at once (against the chat API, the persistence floor or the
    echo); returns raw samples (latency, timings, server ms, actions)."""
    samples: dict[str, Any] = {"latency": [], "timings": [], "server_ms": [], "actions": {}}
    host, _, port = url.removeprefix("http://").partition(":")

    async def worker(index: int) -> None:
        rng = random.Random(f"{seed}-{tag}-{index}")
        connection = _Connection(host, int(port))
        if think:  # people do not all start at the same instant: spread the first messages
            await asyncio.sleep(rng.uniform(0, 2 * think[1]))
        try:
            for c, messages in enumerate(plans[index]):
                conversation_id = None
                if not echo:
                    status, created = await connection.post(
                        "/api/conversations", {"influencer": handle, "visitor_id": f"{tag}-{index}-{c}-visitor"}
                    )
                    if status != 201:
                        raise RuntimeError(f"create conversation: HTTP {status} {created}")
                    conversation_id = created["conversation_id"]
                for t, text in enumerate(messages):
                    if t and think:
                        await asyncio.sleep(rng.uniform(*think))
                    path = ("/echo" if echo else f"/bench/floor/{conversation_id}" if floor
                            else f"/api/conversations/{conversation_id}/messages")
                    body = {"text": text} if echo else {"text": text, "client_message_id": f"{tag}-{index}-{c}-{t}"}
                    started = time.perf_counter()
                    status, answer = await connection.post(path, body)
                    samples["latency"].append((time.perf_counter() - started) * 1000)
                    if status != 200:
                        raise RuntimeError(f"{path}: HTTP {status} {answer}")
                    if not echo and not floor:
                        trace = answer["trace"]
                        samples["timings"].append(dict(trace.get("timings") or {}))
                        samples["server_ms"].append(float(trace.get("ms") or 0.0))
                        action = trace.get("action") or "?"
                        samples["actions"][action] = samples["actions"].get(action, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(len(plans))))
    samples["wall"] = time.perf_counter() - started
    return samples


def echo_app() -> Any:
    """A bare FastAPI app whose one endpoint echoes the posted text (the baseline)."""
    from fastapi import FastAPI
    from pydantic import BaseModel

    class Echo(BaseModel):
        text: str

    app = FastAPI()

    async def echo(body: Echo) -> dict[str, str]:
        return {"text": body.text}

    echo.__annotations__ = {"body": Echo, "return": dict[str, str]}  # a local class: no string annotations
    app.post("/echo")(echo)
    return app


def chat_app() -> Any:
    """The real app on the bench database with the clock frozen (a uvicorn factory: one per worker)."""
    from channels.app import create_app
    from store.db import Database

    frozen = dt.datetime.fromisoformat(os.environ["BENCH_NOW"])
    db = Database(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_REDIS_URL"])
    # Node timings come back in the trace summary, and one address opens every conversation.
    os.environ["WEB_EXPOSE_TRACE"] = "true"
    unlimited = (10**9, 10**6)
    app = create_app(database=db, worker=False, overrides={
        "clock": lambda: frozen, "conversation_rate": unlimited, "tenant_conversation_rate": unlimited})
    _add_floor(app, db, frozen)
    return app


def _add_floor(app: Any, db: Any, now: dt.datetime) -> None:
    """The persistence floor: a route in the same server doing only a turn's unavoidable work on the
    same database (read the conversation, store the inbound message and a reply, commit)."""
    from pydantic import BaseModel

    from store import conversations as conversation_store
    from store import messages as message_store
    from store import tenants as tenant_store

    class Floor(BaseModel):
        text: str
        client_message_id: str | None = None

    with db.session() as session:  # the one influencer the bench talks to: its id, looked up once
        tenant = tenant_store.get_by_handle(session=session, handle=os.environ["BENCH_HANDLE"])
        if tenant is None:
            raise RuntimeError(f"no influencer {os.environ['BENCH_HANDLE']!r} in the bench database")
        tenant_id = tenant.id

    def floor(conversation_id: str, body: Floor) -> dict[str, Any]:
        with db.session(tenant_id=tenant_id) as session:
            conv = conversation_store.get(session=session, tenant_id=tenant_id, conversation_id=conversation_id)
            if conv is None:
                return {"error": "no such conversation"}
            inbound = message_store.add_inbound(session=session, tenant_id=tenant_id, conversation_id=conv.id,
                                                channel=conv.channel, content=body.text,
                                                channel_message_id=body.client_message_id, at=now)
            message_store.add_outbound(session=session, tenant_id=tenant_id, conversation_id=conv.id,
                                       channel=conv.channel, content=body.text,
                                       reply_to=inbound, at=now)
        return {"reply": body.text}

    floor.__annotations__ = {"conversation_id": str, "body": Floor, "return": dict[str, Any]}
    app.post("/bench/floor/{conversation_id}")(floor)


def _serve(kind: str, port: int, workers: int) -> None:
    import logging

    import uvicorn

    logging.disable(logging.WARNING)
    target = "evals._bench_turns_http:echo_app" if kind == "echo" else "evals._bench_turns_http:chat_app"
    uvicorn.run(
        target,
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="error",
        access_log=False,
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    _serve(
        args[args.index("--serve") + 1],
        int(args[args.index("--port") + 1]),
        int(args[args.index("--workers") + 1]) if "--workers" in args else 1,
    )
