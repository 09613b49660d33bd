"""The job queue and the worker that runs turns off the request (`influencer-os worker`; `serve` runs
one in process by default).

Redis holds one FIFO list per key (a conversation: a WhatsApp sender and number), a `ready` list of
keys with work, and a lease per key. A key is in `ready` at most once and only the worker holding
its lease takes its jobs, so turns of one conversation run in order, one at a time, while different
conversations run in parallel on as many threads (and processes) as there are. A job is removed
only after it ran, so a crashed worker's job runs again when its lease expires (the handlers are
idempotent: the agent stores a message id once, the sender sends a dedupe key once).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["JobQueue", "Worker", "Periodic"]

from store.db import is_transient

log = logging.getLogger(__name__)

# KEYS: jobs list, lease, ready list, dedupe key ('' for none). ARGV: job, lease seconds, key, dedupe ttl.
_ENQUEUE = """
if KEYS[4] ~= '' then
  if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', tonumber(ARGV[4])) then return 0 end
end
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('SET', KEYS[2], ARGV[5], 'NX', 'EX', tonumber(ARGV[2])) then
  redis.call('RPUSH', KEYS[3], ARGV[3])
end
return 1
"""
# KEYS: jobs list, lease. Give the key up only when it has no jobs left (atomic with enqueue).
_RELEASE = """
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) return 1 end
return 0
"""


class JobQueue:
    """Per-key FIFO queues in Redis with leases (see the module docstring)."""

    def __init__(
        self, redis: Any, *, prefix: str = "ios:q", lease_seconds: int = 30, blocking: Any = None,
        dead_ttl_seconds: int = 14 * 86400,
    ) -> None:
        self.redis = redis
        self.dead_ttl_seconds = dead_ttl_seconds
        # BLPOP holds its connection for the wait: a client whose socket timeout outlasts the wait.
        self.blocking = blocking or redis
        self.prefix = prefix
        self.lease_seconds = lease_seconds
        self._enqueue = redis.register_script(_ENQUEUE)
        self._release = redis.register_script(_RELEASE)
        self._async_scripts: dict[int, Any] = {}

    def _jobs(self, key: str) -> str:
        return f"{self.prefix}:k:{key}"

    def _lease(self, key: str) -> str:
        return f"{self.prefix}:lease:{key}"

    @property
    def _ready(self) -> str:
        return f"{self.prefix}:ready"

    def enqueue(self, key: str, job: dict[str, Any], *, dedupe: str | None = None, dedupe_ttl: int = 7 * 86400) -> bool:
        """Add a job for a key; False (and nothing added) when `dedupe` was seen within its TTL."""
        dedupe_key = f"{self.prefix}:seen:{dedupe}" if dedupe else ""
        added = self._enqueue(
            keys=[self._jobs(key), self._lease(key), self._ready, dedupe_key],
            args=[json.dumps(job, ensure_ascii=False), self.lease_seconds, key, dedupe_ttl, "ready"],
        )
        return bool(added)

    async def awarm(self, client: Any) -> None:
        """Load the enqueue script into Redis for this asyncio client (the first webhook is not slower)."""
        self._async_scripts.setdefault(id(client), client.register_script(_ENQUEUE))
        await client.script_load(_ENQUEUE)

    async def aenqueue(
        self, client: Any, key: str, job: dict[str, Any], *, dedupe: str | None = None, dedupe_ttl: int = 7 * 86400
    ) -> bool:
        """`enqueue` through an asyncio Redis client: the webhook never leaves the event loop."""
        script = self._async_scripts.get(id(client))
        if script is None:
            script = self._async_scripts[id(client)] = client.register_script(_ENQUEUE)
        dedupe_key = f"{self.prefix}:seen:{dedupe}" if dedupe else ""
        added = await script(
            keys=[self._jobs(key), self._lease(key), self._ready, dedupe_key],
            args=[json.dumps(job, ensure_ascii=False), self.lease_seconds, key, dedupe_ttl, "ready"],
        )
        return bool(added)

    def claim(self, timeout: float = 1.0) -> str | None:
        """Wait up to `timeout` seconds for a key with work; the caller then holds its lease."""
        item = self.blocking.blpop([self._ready], timeout=timeout)
        if item is None:
            return None
        key = item[1].decode() if isinstance(item[1], bytes) else item[1]
        self.redis.set(self._lease(key), "running", ex=self.lease_seconds)
        return key

    def peek(self, key: str) -> dict[str, Any] | None:
        """The key's oldest job, left in place until `ack`."""
        raw = self.redis.lindex(self._jobs(key), 0)
        return json.loads(raw) if raw is not None else None

    def ack(self, key: str) -> None:
        """Remove the key's oldest job (it ran) and renew the lease."""
        pipe = self.redis.pipeline()
        pipe.lpop(self._jobs(key))
        pipe.expire(self._lease(key), self.lease_seconds)
        pipe.execute()

    def renew(self, keys: Iterable[str]) -> None:
        """Extend the leases of keys this worker is still working on (its heartbeat)."""
        pipe = self.redis.pipeline()
        for key in keys:
            pipe.expire(self._lease(key), self.lease_seconds)
        pipe.execute()

    def release(self, key: str) -> bool:
        """Give the key up if it has no jobs left; False means more arrived: keep going."""
        return bool(self._release(keys=[self._jobs(key), self._lease(key)]))

    @property
    def _dead(self) -> str:
        return f"{self.prefix}:dead"

    def dead_letter(self, key: str, job: dict[str, Any], error: str, *, at: float | None = None) -> None:
        """Move a job that kept failing aside, so the conversation's later messages still run. What is
        kept is masked (no phone, e-mail or card survives in the list) and the list expires."""
        entry = {"key": _masked(key), "job": _masked(job), "error": _masked(error), "at": at or time.time()}
        pipe = self.redis.pipeline()
        pipe.rpush(self._dead, json.dumps(entry, ensure_ascii=False))
        pipe.expire(self._dead, self.dead_ttl_seconds)
        pipe.lpop(self._jobs(key))
        pipe.execute()

    def dead_letters(self) -> list[dict[str, Any]]:
        """The jobs that kept failing, oldest first: key, job, error and when."""
        return [json.loads(raw) for raw in self.redis.lrange(self._dead, 0, -1)]

    def retry_dead(self, index: int | None = None) -> int:
        """Queue dead jobs again (one by its index in `dead_letters`, or all); returns how many."""
        raws = self.redis.lrange(self._dead, 0, -1)
        chosen = range(len(raws)) if index is None else [index] if 0 <= index < len(raws) else []
        count = 0
        for n in chosen:
            if self.redis.lrem(self._dead, 1, raws[n]):  # another operator may have taken it already
                entry = json.loads(raws[n])
                self.enqueue(entry["key"], entry["job"])
                count += 1
        return count

    def recover(self) -> int:
        """Put back in `ready` the keys with jobs whose lease expired (their worker died)."""
        count = 0
        for raw in self.redis.scan_iter(match=f"{self.prefix}:k:*", count=200):
            name = raw.decode() if isinstance(raw, bytes) else raw
            key = name[len(f"{self.prefix}:k:") :]
            if self.redis.set(self._lease(key), "ready", nx=True, ex=self.lease_seconds):
                self.redis.rpush(self._ready, key)
                count += 1
        return count

    def depth(self) -> int:
        """Jobs waiting or running, over all keys."""
        return sum(self.redis.llen(k) for k in self.redis.scan_iter(match=f"{self.prefix}:k:*", count=200))


def _masked(value: Any) -> Any:
    """Every string in a job masked (phones, e-mails, cards, IDs), the shape kept."""
    from agent.guard import mask_pii

    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):  # a sealed payload is ciphertext already, kept whole so it can be retried
        return {k: v if k == "sealed" else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


class Periodic:
    """A task run every `interval` seconds by one worker at a time (a Redis lock per task)."""

    def __init__(self, name: str, interval: float, fn: Callable[[], Any]) -> None:
        self.name, self.interval, self.fn = name, interval, fn
        self.nudged = threading.Event()

    def nudge(self) -> None:
        """Run at the next tick (half a second at most) rather than at the end of the interval."""
        self.nudged.set()


class Worker:
    """Threads that take keys from the queue and run their jobs in order through the handlers."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: dict[str, Callable[[dict[str, Any]], Any]],
        *,
        concurrency: int = 4,
        periodic: Iterable[Periodic] = (),
        max_attempts: int = 3,
        retry_delay: float = 0.5,
        outage_seconds: float = 120.0,
    ) -> None:
        self.queue = queue
        self.handlers = handlers
        self.concurrency = concurrency
        self.periodic = list(periodic)
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.outage_seconds = outage_seconds  # how long a job waits out a database or Redis outage
        self.id = uuid.uuid4().hex[:8]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        # Keys this worker holds: their leases are renewed every third of a lease, so a short lease
        # frees a dead worker's conversations quickly and never expires under a slow turn.
        self._held: set[str] = set()
        self._held_lock = threading.Lock()

    def start(self) -> Worker:
        """Start the threads (daemons) and return self."""
        try:
            self.queue.recover()
        except Exception as exc:  # Redis down: the webhook falls back to running turns itself
            log.warning("worker could not recover leases: %s", type(exc).__name__)
        for n in range(self.concurrency):
            thread = threading.Thread(target=self._loop, name=f"ios-worker-{self.id}-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        # The tick thread runs the periodic tasks and recovers keys whose worker died.
        thread = threading.Thread(target=self._ticks, name=f"ios-worker-{self.id}-tick", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the threads to finish their current job and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def run_forever(self) -> None:
        """Start and block until interrupted (the `worker` command)."""
        self.start()
        try:
            while not self._stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def run_job(self, job: dict[str, Any]) -> Any:
        """Run one job through its handler (also used directly when Redis is unavailable)."""
        handler = self.handlers.get(job.get("kind", ""))
        if handler is None:
            raise LookupError(f"no handler for job kind {job.get('kind')!r}")
        return handler(job)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                key = self.queue.claim(timeout=0.5)  # short: stop() returns quickly
                if key is not None:
                    self._drain(key)
            except Exception as exc:  # Redis hiccup: wait a little and go on
                log.warning("worker loop: %s: %s", type(exc).__name__, exc)
                self._stop.wait(1.0)

    def _drain(self, key: str) -> None:
        with self._held_lock:
            self._held.add(key)
        try:
            self._drain_held(key)
        finally:
            with self._held_lock:
                self._held.discard(key)

    def _drain_held(self, key: str) -> None:
        while True:
            job = self.queue.peek(key)
            if job is None:
                if self.queue.release(key):
                    return
                continue
            attempt, outage_started = 0, None
            while not self._stop.is_set():
                try:
                    self.run_job(job)
                    self.queue.ack(key)
                    break
                except Exception as exc:  # a failing job must not block the conversation forever
                    if is_transient(exc) and outage_started is None:
                        outage_started = time.monotonic()
                    waited = time.monotonic() - outage_started if outage_started is not None else 0.0
                    if is_transient(exc) and waited < self.outage_seconds:
                        # The database or Redis is restarting: wait for it, this is not the job's fault.
                        log.warning("job %s waits for a service: %s", job.get("id"), type(exc).__name__)
                        self._stop.wait(min(5.0, self.retry_delay * 2 ** min(attempt, 4)))
                        continue
                    attempt += 1
                    log.exception("job %s failed (attempt %d/%d)", job.get("id"), attempt, self.max_attempts)
                    if attempt >= self.max_attempts:
                        self.queue.dead_letter(key, job, f"{type(exc).__name__}: {exc}"[:500])
                        break
                    time.sleep(self.retry_delay * attempt)
            if self._stop.is_set():
                return  # the job stays at the head of its queue; its lease lets another worker take it

    def _renew_held(self) -> None:
        with self._held_lock:
            held = list(self._held)
        if held:
            try:
                self.queue.renew(held)
            except Exception as exc:  # Redis hiccup: the next beat tries again
                log.warning("could not renew leases: %s", type(exc).__name__)

    def _ticks(self) -> None:
        started = time.monotonic()  # the first run of each task comes one interval after start
        last: dict[str, float] = {}
        lease = float(self.queue.lease_seconds)
        recover = Periodic("recover", lease / 2, self.queue.recover)  # keys of workers that died
        beat = time.monotonic()
        while not self._stop.wait(0.5):
            if time.monotonic() - beat >= lease / 3:  # this worker's own keys: no shared lock
                beat = time.monotonic()
                self._renew_held()
            for task in [*self.periodic, recover]:
                nudged = task.nudged.is_set()
                if not nudged and time.monotonic() - last.get(task.name, started) < task.interval:
                    continue
                task.nudged.clear()
                last[task.name] = time.monotonic()
                try:
                    lock = f"{self.queue.prefix}:tick:{task.name}"
                    # Once per interval across workers; a nudged run holds the lock a second only.
                    if self.queue.redis.set(lock, self.id, nx=True, ex=1 if nudged else max(1, int(task.interval))):
                        task.fn()
                    elif nudged:  # another worker is running it: try again at the next tick
                        task.nudged.set()
                except Exception:
                    log.exception("periodic task %s failed", task.name)
