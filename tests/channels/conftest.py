"""Fixtures of the channel tests: the real app with the real Agent on the demo influencer, a frozen
clock, and a local fake of the Twilio API that the real twilio client talks to over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channel_support import ACCOUNT_SID, AUTH_TOKEN, BOT_NUMBER, NOW, PUBLIC_BASE, Clock
from fastapi.testclient import TestClient

from channels.settings import TwilioSettings
from evals.fake_twilio import FakeTwilio


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    """The fake Twilio API for the whole session (reset before each test that uses it)."""
    fake = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def twilio(fake_twilio: FakeTwilio) -> FakeTwilio:
    """The fake, emptied."""
    fake_twilio.reset()
    return fake_twilio


@pytest.fixture
def twilio_settings(twilio: FakeTwilio) -> TwilioSettings:
    """Settings pointing the real client at the fake, with quick backoff."""
    return TwilioSettings(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_number=BOT_NUMBER,
        public_base_url=PUBLIC_BASE,
        api_base=twilio.base_url,
        backoff_seconds=0.01,
        backoff_max_seconds=0.05,
    )


@pytest.fixture
def demo_db(db):
    """The database with the demo influencer imported."""
    from channels.demo import load_demo

    load_demo(db)
    return db


@pytest.fixture
def clock() -> Clock:
    """The frozen clock (tests may move it)."""
    return Clock(NOW)


@pytest.fixture
def make_client(demo_db, twilio_settings, clock) -> Iterator[Callable[..., TestClient]]:
    """Build a TestClient of the real app (lifespan run, worker in process); extra overrides allowed."""
    clients: list[TestClient] = []

    def make(*, demo: bool = False, **overrides: Any) -> TestClient:
        base = {
            "clock": clock,
            "twilio_settings": twilio_settings,
            "worker_concurrency": 4,
            "digest_every": 1e9,
        }
        from channels.app import create_app

        client = TestClient(create_app(database=demo_db, demo=demo, overrides={**base, **overrides}))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    """The real app with the real agent."""
    return make_client()
