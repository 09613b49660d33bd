"""`influencer-os bench scheduler`: how many due jobs one worker runs per second, and with two at once.

In a throw-away database beside the user's: the demo influencer, N web followers who consented, one
follow-up each due at the same time (a weekday morning, outside quiet hours), run by `run_due` in
batches as the worker does; then the same with two workers claiming from the same table (each job
must run once). Reported: jobs/s for one worker and for two, and that none ran twice.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any

import typer

__all__ = ["run", "command"]

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
DUE = NOW + dt.timedelta(days=3)  # Thursday 10:00 in Jerusalem


def _seed(db: Any, followers: int) -> None:
    from sqlalchemy import select

    from channels.demo import load_demo
    from store import contacts as contact_store
    from store import conversations as conversation_store
    from store import schedule as schedule_store
    from store.models import Coupon, Tenant

    load_demo(db)
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).first()
        coupon = s.scalars(select(Coupon).where(Coupon.tenant_id == tenant.id, Coupon.active.is_(True))).first()
        for n in range(followers):
            contact = contact_store.upsert(session=s, tenant_id=tenant.id, channel="web", external_id=f"bench-{n}")
            contact.consent = "granted"
            conv = conversation_store.create(session=s, tenant_id=tenant.id, contact_id=contact.id, channel="web",
                                             at=NOW)
            schedule_store.schedule(session=s, tenant_id=tenant.id, kind="follow_up", due_at=DUE,
                                    payload={"rule": "coupon", "contact_id": contact.id, "coupon_id": coupon.id,
                                             "conversation_id": conv.id}, dedupe_key=f"bench:{n}")


def _drain(db: Any, sender: Any, workers: int, batch: int) -> tuple[float, int]:
    from channels.scheduler import run_due

    ran: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            done = run_due(db, sender, now=DUE, limit=batch)
            if not done:
                return
            with lock:
                ran.append(sum(done.values()))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, sum(ran)


def run(*, jobs: int = 500, batch: int = 50, log: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run the benchmark and return its numbers (see the module docstring)."""
    from sqlalchemy import delete, func, select

    from channels._twilio_sender import WhatsAppSender
    from channels.settings import TwilioSettings
    from evals.sandbox import drop_eval_database, open_eval_database
    from store.bootstrap import open_database
    from store.models import ScheduledJob, Survey

    db = open_eval_database(open_database(), name="influencer_os_eval_bench_scheduler")
    sender = WhatsAppSender(db, TwilioSettings(), clock=lambda: DUE, sleep=lambda _: None)
    report: dict[str, Any] = {"jobs": jobs, "batch": batch}
    try:
        for workers in (1, 2):
            with db.admin_session() as s:
                s.execute(delete(ScheduledJob))
                s.execute(delete(Survey))
            _seed(db, jobs)
            log(f"{jobs} follow-ups due; {workers} worker(s) claiming {batch} at a time")
            seconds, ran = _drain(db, sender, workers, batch)
            with db.admin_session() as s:
                asked = s.scalar(select(func.count()).select_from(Survey))
                statuses = dict(s.execute(select(ScheduledJob.status, func.count())
                                          .group_by(ScheduledJob.status)).all())
            report[f"workers_{workers}"] = {
                "seconds": round(seconds, 2), "jobs_per_second": round(ran / seconds, 1) if seconds else None,
                "ran": ran, "statuses": statuses, "ran_twice": max(0, ran - jobs), "surveys_asked": asked,
            }
            log(f"  {ran} jobs in {seconds:.2f} s: {ran / seconds:.1f} jobs/s; statuses {statuses}")
        one, two = report["workers_1"]["jobs_per_second"], report["workers_2"]["jobs_per_second"]
        report["two_workers_vs_one"] = round(two / one, 2) if one and two else None
    finally:
        drop_eval_database(db)
    return report


def command(
    jobs: Annotated[int, typer.Option(help="Due jobs to run")] = 500,
    batch: Annotated[int, typer.Option(help="Jobs claimed per round, as the worker does")] = 50,
) -> None:
    """Scheduled jobs per second for one worker and for two at once (each job must run once)."""
    import json

    report = run(jobs=jobs, batch=batch, log=lambda line: typer.echo(line, err=True))
    typer.echo(json.dumps(report, indent=2))
    if any(report[k]["ran_twice"] for k in ("workers_1", "workers_2")):
        raise typer.Exit(1)
