"""Token-bucket rate limiting in Redis: one atomic Lua script, keys that expire on their own.

The agent keeps two limiters, per contact (e.g. capacity 8, 0.5 tokens/s) and per tenant
(e.g. 300, 20/s). A bucket holds up to `capacity` tokens, refills continuously at
`refill_per_sec`, and each allowed message takes one. A bucket left alone long enough to refill
completely is identical to a missing key, so every key gets a TTL of that refill time (+1 s) and
Redis forgets idle contacts by itself.

If Redis cannot be reached the limiter fails open: `allow` returns True and one warning is logged
per outage, because a follower must still get a reply when Redis is down. A failed call can be
slow (redis-py's default client retries with back-off: ~4.7 s against a dead socket), so after a
failure the limiter leaves Redis alone for `outage_cooldown_sec` and lets everything through at
once. For the limiter's client prefer short timeouts and few retries, e.g.
`Redis(..., socket_timeout=0.25, socket_connect_timeout=0.25, retry=Retry(NoBackoff(), 1))`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

if TYPE_CHECKING:
    from redis import Redis

logger = logging.getLogger(__name__)

# KEYS[1] bucket hash {tokens, ts}; ARGV: capacity, refill_per_sec, now ("" = Redis server time),
# ttl_ms, cost (1 = take a token, 0 = only look). Returns {allowed, seconds until a token}.
# Numbers go back as strings: Redis would truncate Lua floats to integers.
_TOKEN_BUCKET_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local ttl_ms = tonumber(ARGV[4])
local cost = tonumber(ARGV[5])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
elseif now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
  ts = now
end
-- A clock that went backwards refills nothing; the bucket keeps its newer timestamp.

local allowed = 0
if cost > 0 and tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
end
if cost > 0 then
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', ts))
  redis.call('PEXPIRE', KEYS[1], ttl_ms)
end
return {allowed, string.format('%.17g', wait)}
"""


class RateLimiter:
    """A token bucket per key in Redis, shared by every worker that uses the same prefix."""

    def __init__(
        self,
        redis: Redis,
        *,
        capacity: int,
        refill_per_sec: float,
        prefix: str,
        outage_cooldown_sec: float = 5.0,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if refill_per_sec <= 0:
            raise ValueError("refill_per_sec must be positive")
        self._redis = redis
        self.capacity = capacity
        self.refill_per_sec = refill_per_sec
        self.prefix = prefix
        # Idle for this long, a bucket is full again: the same as no key at all.
        self._ttl_ms = math.ceil(capacity / refill_per_sec * 1000) + 1000
        self._script = redis.register_script(_TOKEN_BUCKET_LUA)
        self._outage_cooldown_sec = outage_cooldown_sec
        self._skip_redis_until = 0.0  # time.monotonic() before which Redis is presumed down
        self._outage_logged = False
        self._outage_lock = threading.Lock()

    def _run(self, key: str, *, now: float | None, cost: int) -> tuple[bool, float] | None:
        if time.monotonic() < self._skip_redis_until:
            return None
        clock = "" if now is None else repr(float(now))
        args: list[Any] = [self.capacity, self.refill_per_sec, clock, self._ttl_ms, cost]
        try:
            allowed, wait = self._script(keys=[f"{self.prefix}:{key}"], args=args)
        except RedisError as error:
            self._note_outage(error)
            return None
        if self._outage_logged:
            with self._outage_lock:
                self._outage_logged = False
            logger.info("Rate limiter %r: Redis is reachable again", self.prefix)
        return bool(int(allowed)), float(wait)

    def _note_outage(self, error: RedisError) -> None:
        self._skip_redis_until = time.monotonic() + self._outage_cooldown_sec
        with self._outage_lock:
            if self._outage_logged:
                return
            self._outage_logged = True
        logger.warning(
            "Rate limiter %r: Redis unavailable, letting messages through (next try in %.0f s): %s",
            self.prefix,
            self._outage_cooldown_sec,
            error,
        )

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take a token for `key` and return True, or return False if its bucket is empty.

        Args:
            key: who is being limited, e.g. a contact id or a tenant id.
            now: the time in seconds (tests pass it); by default Redis's own clock, so every
                worker agrees on time.

        Returns:
            True if the message may go ahead. Also True when Redis is unreachable (fail open).
        """
        result = self._run(key, now=now, cost=1)
        return True if result is None else result[0]

    def retry_after(self, key: str, now: float | None = None) -> float:
        """Return the seconds until `key` may send again (0.0 if it may now or Redis is down)."""
        result = self._run(key, now=now, cost=0)
        return 0.0 if result is None else result[1]
