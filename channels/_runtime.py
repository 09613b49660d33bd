"""Wiring of the channels for one process: the agent's callback, the Twilio sender, the job queue
and the worker with its periodic owner notifications. Built by the app's lifespan and by the
`worker` command; every outside client can be replaced (tests pass a fake Twilio base URL)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from channels import notify
from channels._twilio_sender import WhatsAppSender
from channels.base import OnMessage
from channels.documents import document_link
from channels.lifecycle import run_lifecycle
from channels.reminders import plan as plan_reminders
from channels.reminders import purge_expired
from channels.reports import report_link
from channels.scheduler import run_due as run_scheduled
from channels.settings import TwilioSettings, get_twilio_settings, get_web_settings
from channels.turns import TurnRunner
from channels.whatsapp_twilio import JOB_KIND, TwilioWhatsAppChannel
from channels.worker import JobQueue, Periodic, Worker

__all__ = ["ChannelRuntime", "build_runtime"]

log = logging.getLogger(__name__)


@dataclass
class ChannelRuntime:
    """Everything the channels share in a process."""

    db: Any
    agent: Any
    on_message: OnMessage
    whatsapp: TwilioWhatsAppChannel
    sender: WhatsAppSender
    queue: JobQueue
    worker: Worker
    owns_agent: bool = False
    fallback: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, "ios-fallback"))
    running: bool = False
    _async_redis: Any = None

    def enqueue(self, key: str, job: dict[str, Any], dedupe: str | None = None) -> bool:
        """Queue a job once per dedupe id; when Redis is down, run it here rather than lose it."""
        try:
            return self.queue.enqueue(key, job, dedupe=dedupe)
        except Exception as exc:  # the agent and the sender are idempotent, so a rare double run is safe
            log.warning("queue unavailable (%s): running the job in process", type(exc).__name__)
            self.fallback.submit(self.worker.run_job, job)
            return True

    async def warm_up(self, connections: int = 8) -> None:
        """Open the asyncio Redis pool (a few connections, shared by all webhooks) and load the
        enqueue script, so the first burst of webhooks pays for neither."""
        import redis.asyncio

        if self._async_redis is None:
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.db.redis_url, max_connections=connections, timeout=2, socket_timeout=2, socket_connect_timeout=2
            )
            self._async_redis = redis.asyncio.Redis(connection_pool=pool)
        client = self._async_redis
        await asyncio.gather(*(client.ping() for _ in range(connections)))
        await self.queue.awarm(client)

    async def aenqueue(self, key: str, job: dict[str, Any], dedupe: str | None = None) -> bool:
        """`enqueue` from the event loop (an asyncio Redis client; no thread hop on the webhook)."""
        try:
            if self._async_redis is None:
                await self.warm_up()
            return await self.queue.aenqueue(self._async_redis, key, job, dedupe=dedupe)
        except Exception as exc:  # the agent and the sender are idempotent, so a rare double run is safe
            log.warning("queue unavailable (%s): running the job in process", type(exc).__name__)
            self.fallback.submit(self.worker.run_job, job)
            return True

    def start_worker(self, *, switch_interval: float | None = 0.001) -> None:
        """Run the worker threads in this process.

        The event loop then shares the GIL with CPU-bound turns; a 1 ms switch interval (Python's
        default is 5 ms) lets it acknowledge webhooks between slices of a turn."""
        if switch_interval:
            sys.setswitchinterval(min(sys.getswitchinterval(), switch_interval))
        self.worker.start()
        self.running = True

    async def aclose(self) -> None:
        """`close`, plus the asyncio Redis client (from the event loop that used it)."""
        if self._async_redis is not None:
            await self._async_redis.aclose()
            self._async_redis = None
        self.close()

    def close(self) -> None:
        """Stop the worker and close what this runtime opened."""
        if self.running:
            self.worker.stop()
            self.running = False
        self.fallback.shutdown(wait=False)
        if self.owns_agent and hasattr(self.agent, "close"):
            self.agent.close()


def _public_base(settings: TwilioSettings) -> str:
    """Where people reach this server, for links in messages."""
    base = get_web_settings().public_base_url or settings.public_base_url or "http://127.0.0.1:8000"
    return base.rstrip("/")


def console_link_for(db: Any, settings: TwilioSettings, *, tenant_id: int, actor: str) -> str:
    """A one-time sign-in link to the owner console (the `console_link` service owner tools use)."""
    from channels import _console_auth as auth

    code = auth.issue_link(db.redis, tenant_id=tenant_id, actor=actor)
    return f"{_public_base(settings)}/console/login?code={code}"


def public_url_for(settings: TwilioSettings, path: str) -> str:
    """A path of this server as people reach it (the `public_url` service)."""
    return f"{_public_base(settings)}{path}"


EXPORT_SECONDS = 3600


def export_link_for(db: Any, settings: TwilioSettings, data: dict[str, Any]) -> str:
    """A one-hour link to download a follower's data (kept sealed in Redis until then; the `export_link`
    service the export tool uses)."""
    import secrets

    from channels._sealed import seal

    code = secrets.token_urlsafe(24)
    db.redis.set(f"export:{code}", seal(data), ex=EXPORT_SECONDS)
    return f"{_public_base(settings)}/api/export/{code}"


def build_runtime(
    db: Any,
    *,
    agent: Any = None,
    on_message: OnMessage | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    whatsapp: TwilioWhatsAppChannel | None = None,
    twilio_settings: TwilioSettings | None = None,
    twilio_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    concurrency: int = 4,
    notify_every: float = 5.0,
    digest_every: float = 60.0,
    lifecycle_every: float = 300.0,
    scheduler_every: float = 30.0,
    reminders_every: float = 600.0,
) -> ChannelRuntime:
    """Build the channels' runtime (the worker is not started: call `start_worker`)."""
    owns_agent = agent is None and on_message is None
    settings = twilio_settings or get_twilio_settings()
    sender = WhatsAppSender(db, settings, client=twilio_client, clock=clock, sleep=sleep)
    if agent is None and on_message is None:
        from agent import Agent

        agent = Agent(db, clock=clock)
    if agent is not None and hasattr(agent, "services"):
        agent.services.setdefault("deliver", sender.deliver)
        agent.services.setdefault("console_link", functools.partial(console_link_for, db, settings))
        agent.services.setdefault("export_link", functools.partial(export_link_for, db, settings))
        agent.services.setdefault("public_url", functools.partial(public_url_for, settings))
        agent.services.setdefault("document_link", functools.partial(document_link, _public_base(settings)))
        agent.services.setdefault("report_link", functools.partial(report_link, _public_base(settings)))
    import redis

    blocking = redis.Redis.from_url(db.redis_url, socket_timeout=10, socket_connect_timeout=2)
    queue = JobQueue(db.redis, blocking=blocking)
    # Owners hear about handoffs and support issues from the events table, whichever channel raised
    # them: every turn nudges the notifier, which runs at once (or every `notify_every` seconds).
    notifier = Periodic("notify", notify_every, lambda: notify.notify_pending(db, sender))
    periodic = [notifier, Periodic("digest", digest_every, lambda: notify.send_due_digests(db, sender)),
                Periodic("lifecycle", lifecycle_every, lambda: run_lifecycle(db, sender)),
                Periodic("scheduler", scheduler_every, lambda: run_scheduled(db, sender, plan=False)),
                Periodic("reminders", reminders_every, lambda: plan_reminders(db, now=sender.clock())),
                Periodic("retention", 3600.0, lambda: purge_expired(db, now=sender.clock()))]
    channel = whatsapp or TwilioWhatsAppChannel(settings)
    runtime = ChannelRuntime(
        db=db,
        agent=agent,
        on_message=on_message or TurnRunner(agent, after_turn=lambda result: notifier.nudge()),
        whatsapp=channel,
        sender=sender,
        queue=queue,
        worker=Worker(queue, {JOB_KIND: channel.process}, concurrency=concurrency, periodic=periodic),
        owns_agent=owns_agent,
    )
    channel.connect(enqueue=runtime.aenqueue, db=db, sender=sender, on_message=runtime.on_message, clock=clock)
    return runtime
