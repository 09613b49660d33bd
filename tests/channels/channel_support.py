"""Helpers of the channel tests: the frozen instant, Twilio test identities, signing, polling."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from evals.fake_twilio import sign

# The eval bundles are dated for this instant (Monday 2026-11-23, 10:00 in Jerusalem).
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token"
PUBLIC_BASE = "https://bot.example.test"
BOT_NUMBER = "+14155238886"
OWNER_PHONE = "+972547654321"  # maya.glow's owner phone (store/data/demo-bundle.json)
HANDLE = "maya.glow"


class Clock:
    """A settable clock shared by the app, the agent and the sender."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def webhook_params(sid: str, text: str, *, sender: str = "+972501234567", **extra: str) -> dict[str, str]:
    """The form Twilio posts for an inbound WhatsApp message."""
    return {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:{sender}",
        "To": f"whatsapp:{BOT_NUMBER}",
        "Body": text,
        "NumMedia": "0",
        "ProfileName": "Follower",
        "WaId": sender.lstrip("+"),
        **extra,
    }


def post_signed(client: TestClient, path: str, params: dict[str, str], *, token: str = AUTH_TOKEN):
    """POST a form to the app signed as Twilio signs it (against the public URL)."""
    signature = sign(token, PUBLIC_BASE + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll until predicate() is truthy; return its value (fails the test on timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
