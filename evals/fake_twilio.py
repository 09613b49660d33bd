"""A local fake of Twilio's Messages API (api.twilio.com/2010-04-01), for tests and benchmarks:
the real twilio client talks to it over HTTP (see channels._twilio_sender.RebasedHttpClient).

It checks Basic auth, records every message, lists them (GET Messages.json with To, From and
DateSent>, newest first), and can be told to fail the next requests (429, 500...) or to accept the
next ones and hang up without an answer. Files a sender attached (`add_media`) are served as Twilio
serves them: the media URL behind Basic auth answers 307 with the file's own address.
Also: helpers to sign webhooks the way Twilio does.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

__all__ = ["FakeTwilio", "sign"]

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")
_MEDIA = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/MM\w+/Media/(?P<media>ME\w+)$")


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for this URL and form."""
    from twilio.request_validator import RequestValidator

    return RequestValidator(auth_token).compute_signature(url, params)


class FakeTwilio:
    """A threaded HTTP server on 127.0.0.1 that accepts (or fails) message creation."""

    def __init__(self, *, account_sid: str, auth_token: str, latency: float = 0.0) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.latency = latency
        self.messages: list[dict[str, Any]] = []
        self.requests = 0
        self._fail: list[int] = []
        self._drop = 0  # accept the next N messages, then hang up without answering
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self.on_message: Callable[[dict[str, Any]], None] | None = None
        self.media: dict[str, tuple[bytes, str]] = {}
        self.media_fetches = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these HTTP statuses, in order."""
        with self._lock:
            self._fail.extend(statuses)

    def drop_next(self, count: int = 1) -> None:
        """Accept (record) the next messages but close the connection before answering: the sender
        cannot know whether they were sent (a timeout after acceptance, a worker killed mid-flight)."""
        with self._lock:
            self._drop += count

    def add_media(self, data: bytes, content_type: str) -> str:
        """A file a sender attached: the MediaUrl Twilio's webhook would carry for it."""
        media = "ME" + uuid.uuid4().hex
        with self._lock:
            self.media[media] = (data, content_type)
        return f"https://api.twilio.com/2010-04-01/Accounts/{self.account_sid}/Messages/MM{uuid.uuid4().hex}/Media/{media}"

    def _media(self, path: str, auth: str) -> tuple[int, dict[str, str], bytes] | None:
        """A media URL (auth, then 307 to the file) or a file's own address; None for other paths."""
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        match = _MEDIA.match(path)
        if match is not None:
            if auth != expected or match["account"] != self.account_sid:
                return 401, {"Content-Type": "application/json"}, b'{"code": 20003, "status": 401}'
            if match["media"] not in self.media:
                return 404, {"Content-Type": "application/json"}, b'{"code": 20404, "status": 404}'
            return 307, {"Location": f"{self.base_url}/files/{match['media']}"}, b""
        if path.startswith("/files/"):
            with self._lock:
                self.media_fetches += 1
                found = self.media.get(path.removeprefix("/files/"))
            if found is None:
                return 404, {}, b""
            return 200, {"Content-Type": found[1]}, found[0]
        return None

    def reset(self) -> None:
        """Forget messages, counters and planned failures."""
        with self._lock:
            self.messages.clear()
            self._fail.clear()
            self._drop = 0
            self.media.clear()
            self.media_fetches = 0
            self.requests = 0

    def _list(self, query: str) -> dict[str, Any]:
        # GET Messages.json?To=&From=&DateSent>=&PageSize= : newest first, as Twilio lists them.
        import datetime as dt
        from email.utils import format_datetime

        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        after = params.get("DateSent>")
        since = dt.datetime.fromisoformat(after.replace("Z", "+00:00")).timestamp() if after else 0.0
        with self._lock:
            found = [m for m in reversed(self.messages)
                     if (not params.get("To") or m["to"] == params["To"])
                     and (not params.get("From") or m["from"] == params["From"]) and m["created"] >= since]
        size = int(params.get("PageSize") or 50)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return {
            "messages": [{
                "sid": m["sid"], "account_sid": self.account_sid, "to": m["to"], "from": m["from"],
                "body": m["body"] or "", "status": "sent", "direction": "outbound-api",
                "date_sent": format_datetime(dt.datetime.fromtimestamp(m["created"], dt.UTC)),
                "date_created": format_datetime(dt.datetime.fromtimestamp(m["created"], dt.UTC)),
            } for m in found[:size]],
            "uri": uri, "first_page_uri": uri, "next_page_uri": None, "previous_page_uri": None,
            "page": 0, "page_size": size,
        }

    def wait_for(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """Block until at least `count` messages arrived (or the timeout); returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.messages)

    def _handle(self, path: str, auth: str, body: str, method: str = "POST") -> tuple[int, dict[str, Any] | None]:
        path, _, query = path.partition("?")
        match = _MESSAGES.match(path)
        if match is None:
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if auth != expected or match["account"] != self.account_sid:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if method == "GET":
            return 200, self._list(query)
        with self._lock:
            self.requests += 1
            status = self._fail.pop(0) if self._fail else None
        if status is not None:
            return status, {
                "code": 20429 if status == 429 else 20500,
                "message": f"fake failure {status}",
                "status": status,
            }
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if not form.get("To"):  # as Twilio answers (21604); a request cut short by a killed sender lands here too
            return 400, {"code": 21604, "message": "A 'To' phone number is required.", "status": 400}
        sid = "SM" + uuid.uuid4().hex
        record = {
            "sid": sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "content_sid": form.get("ContentSid"),
            "content_variables": form.get("ContentVariables"),
            "status_callback": form.get("StatusCallback"),
            "received": time.perf_counter(),
            "created": time.time(),
        }
        with self._cond:
            self.messages.append(record)
            self._cond.notify_all()
            dropped = self._drop > 0
            self._drop -= 1 if dropped else 0
        if self.on_message is not None:
            self.on_message(record)
        if dropped:
            return 0, None
        payload = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": record["to"],
            "from": record["from"],
            "body": record["body"] or "",
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        return 201, payload

    def start(self) -> FakeTwilio:
        """Listen on a free port in a background thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                media = fake._media(self.path.partition("?")[0], self.headers.get("Authorization", ""))
                if media is not None:
                    status, headers, data = media
                    self.send_response(status)
                    for key, value in {**headers, "Content-Length": str(len(data))}.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self._answer(*fake._handle(self.path, self.headers.get("Authorization", ""), "", "GET"))

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if len(raw) < length:  # the sender died mid-request: Twilio never sees a message, neither do we
                    self.close_connection = True
                    return
                body = raw.decode("utf-8")
                if fake.latency:
                    time.sleep(fake.latency)
                self._answer(*fake._handle(self.path, self.headers.get("Authorization", ""), body))

            def _answer(self, status: int, payload: dict[str, Any] | None) -> None:
                if payload is None:  # accepted, then the connection drops: no answer at all
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                return None  # a client that hung up (a stopped worker) is not worth a traceback

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-twilio", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
