"""Running suites: each case from the bundle's state, through the same agent the channels drive."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from evals.expectations import TurnOutcome, check_turn, reply_language
from evals.state_checks import count_rows
from evals.suite import Case, Suite
from store import models as m
from store.db import Database

log = logging.getLogger(__name__)

__all__ = ["CaseResult", "RunResult", "run_suites", "percentile"]


@dataclass
class CaseResult:
    """One case's outcome: its turns, its state checks, pass or fail."""

    id: str
    tags: list[str]
    passed: bool
    skipped: bool
    turns: list[dict[str, Any]]
    after: list[dict[str, Any]]
    runs: int = 1
    runs_passed: int = 1


@dataclass
class RunResult:
    """Every suite's cases, in the report format of the spec."""

    suites: list[dict[str, Any]] = field(default_factory=list)
    model: str = "offline"
    repeat: int = 1

    def all_cases(self) -> list[CaseResult]:
        """Every case result of every suite."""
        return [c for s in self.suites for c in s["cases"]]

    def summary(self) -> dict[str, Any]:
        """The spec's summary block (plus pass^N and the mean when --repeat > 1)."""
        cases = self.all_cases()
        graded = [c for c in cases if not c.skipped]
        passed = sum(1 for c in graded if c.passed)
        times = [t["ms"] for c in cases for t in c.turns]
        out: dict[str, Any] = {
            "cases": len(cases),
            "passed": passed,
            "failed": len(graded) - passed,
            "skipped": len(cases) - len(graded),
            "pass_rate": round(passed / len(graded), 4) if graded else 0.0,
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "model": self.model,
        }
        if self.repeat > 1:
            out["repeat"] = self.repeat
            out["pass_all_runs"] = out["pass_rate"]
            total = sum(c.runs for c in graded)
            out["mean_pass_rate"] = round(sum(c.runs_passed for c in graded) / total, 4) if total else 0.0
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON report of the spec."""
        return {
            "suites": [
                {
                    "name": s["name"],
                    "cases": [
                        {
                            "id": c.id,
                            "tags": c.tags,
                            "passed": c.passed,
                            "turns": [{k: t[k] for k in _TURN_KEYS if k in t} for t in c.turns],
                            "after": c.after,
                        }
                        | ({"skipped": True} if c.skipped else {})
                        | ({"runs": c.runs, "runs_passed": c.runs_passed} if self.repeat > 1 else {})
                        for c in s["cases"]
                    ],
                }
                for s in self.suites
            ],
            "summary": self.summary(),
        }


# "model" is there only when a model engine ran the turn: its use, fallbacks, tokens and times (make eval-model).
_TURN_KEYS = ("user", "reply", "intent", "tools", "action", "language", "ms", "failures", "skipped", "model")


def _model_use(trace: dict[str, Any]) -> dict[str, Any] | None:
    engine = str(trace.get("engine") or "")
    if not trace.get("model") and not engine.startswith("model"):
        return None
    keep = ("engine_fallback", "model_checked", "offline_redo", "model_budget")
    return {"engine": engine, **(trace.get("model") or {}),
            "events": [e for e in trace.get("events") or [] if e.get("event") in keep]}


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank on sorted values); 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]) if pct < 100 else max(values)


def _reset_tenant(db: Database, suite: Suite) -> None:
    from knowledge.bundles import import_bundle_file

    with db.admin_session() as session:
        session.execute(delete(m.Tenant).where(m.Tenant.handle == suite.influencer))
    import_bundle_file(db, suite.bundle_path)


def _import_others(db: Database, suite: Suite) -> None:
    """The suite's other tenants, imported once before its cases and kept for all of them."""
    from knowledge.bundles import import_bundle_file

    for path in suite.others:
        import_bundle_file(db, path)


def _owner_phone(suite: Suite) -> str:
    data = json.loads(Path(suite.bundle_path).read_text(encoding="utf-8"))
    phones = data.get("influencer", {}).get("owner_phones") or []
    return phones[0] if phones else "+10000000000"


def _sender(role: str, channel: str, case: Case, suite: Suite, run: int) -> str:
    if role == "owner":
        return _owner_phone(suite) if channel == "whatsapp" else "eval-owner"
    seed = hashlib.sha1(f"{suite.name}/{case.id}/{run}".encode()).hexdigest()
    digits = str(int(seed, 16) % 10**7).zfill(7)
    return f"+1555{digits}" if channel == "whatsapp" else f"eval-{case.id}-{run}"


class _Clock:
    """The case's clock: the suite's `now` (or the wall clock), moved by each turn's `at`."""

    def __init__(self, start: dt.datetime | None) -> None:
        self.now = start or dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _run_case_once(
    agent: Any, db: Database, suite: Suite, case: Case, judge: Any, run: int, deliveries: Any = None
) -> CaseResult:
    from agent import InboundMessage
    from evals.deliveries import check_delivered
    from evals.suite import turn_clock

    _reset_tenant(db, suite)
    with db.admin_session() as session:
        tenant_id = session.execute(select(m.Tenant.id).where(m.Tenant.handle == suite.influencer)).scalar_one()
    clock = _Clock(suite.now)
    if deliveries is not None:
        deliveries.sender.clock = clock
    mark = deliveries.mark() if deliveries is not None else (0, 0)
    conversations: dict[tuple[str, str], str] = {}  # (role, channel) -> conversation id
    turns: list[dict[str, Any]] = []
    history: list[tuple[str, str]] = []
    any_skipped = False
    for i, turn in enumerate(case.turns):
        role, channel = turn.role or case.role, turn.channel or case.channel
        moved = turn_clock(clock.now, turn.at)
        if moved != clock.now:
            clock.now = moved
            if deliveries is not None:  # what the scheduler would have run by now
                deliveries.run_due(clock.now)
        message_id = f"eval-{case.id}-{run}-{i}"
        started = time.perf_counter()
        result = agent.handle(
            InboundMessage(
                handle=suite.influencer,
                channel=channel,
                sender_id=_sender(role, channel, case, suite, run),
                text=turn.user,
                role=role,
                message_id=message_id,
                conversation_id=conversations.get((role, channel)),
                now=clock.now,
            )
        )
        ms = (time.perf_counter() - started) * 1000
        conversations[(role, channel)] = result.conversation_id
        outcome = TurnOutcome(
            reply=result.reply or "",
            intent=result.intent,
            tools=list(result.tools or []),
            action=result.action,
            language=reply_language(result.reply or ""),
            ms=ms,
            trace=result.trace or {},
        )
        failures, skipped = check_turn(turn.expect, outcome)
        if deliveries is not None:
            deliveries.notify()  # what is due by this turn's clock ran before it
            sent = deliveries.since(mark, tenant_id=tenant_id, exclude_reply_to=message_id)
            mark = deliveries.mark()
            failures += check_delivered(turn.expect, sent)
        history.append((turn.user, outcome.reply))
        if turn.expect.judge is not None and judge is not None:
            skipped = []
            verdict = judge.grade(turn.expect.judge, history)
            if not verdict.passed:
                failures.append(f"judge: {verdict.reason}")
        any_skipped = any_skipped or bool(skipped)
        turns.append(
            {
                "user": turn.user,
                "reply": outcome.reply,
                "intent": outcome.intent,
                "tools": outcome.tools,
                "action": outcome.action,
                "language": outcome.language,
                "ms": round(ms, 1),
                "failures": failures,
                "skipped": skipped,
                "trace": outcome.trace,
            }
            | ({"model": used} if (used := _model_use(outcome.trace)) else {})
        )
    after = []
    with db.admin_session() as session:
        for check in case.after:
            actual = count_rows(session, tenant_id=tenant_id, resource=check.resource, where=check.where)
            label = f"{check.resource} where {json.dumps(check.where, ensure_ascii=False)} count == {check.count}"
            after.append({"check": label, "passed": actual == check.count, "actual": actual})
    passed = all(not t["failures"] for t in turns) and all(a["passed"] for a in after)
    # A case whose only unchecked part is a judge rubric still passes on what was checked;
    # it is reported as skipped only when a rubric was all it had.
    only_judge = all(_only_judge(t) for t in case.turns) and not case.after
    return CaseResult(case.id, list(case.tags), passed, any_skipped and only_judge, turns, after)


def _run_case_safely(
    agent: Any, db: Database, suite: Suite, case: Case, judge: Any, run: int, deliveries: Any = None
) -> CaseResult:
    """One run of a case; an exception fails this case (with the error as its failure), not the run."""
    try:
        return _run_case_once(agent, db, suite, case, judge, run, deliveries)
    except Exception as exc:  # the report must still be written for every other case
        log.exception("case %s/%s crashed", suite.name, case.id)
        turn: dict[str, Any] = {
            "user": case.turns[0].user,
            "reply": "",
            "intent": None,
            "tools": [],
            "action": None,
            "language": None,
            "ms": 0.0,
            "failures": [f"error: {type(exc).__name__}: {exc}"[:500]],
            "skipped": [],
            "trace": {},
        }
        return CaseResult(case.id, list(case.tags), False, False, [turn], [])


def _only_judge(turn: Any) -> bool:
    e = turn.expect
    return e.judge is not None and all(getattr(e, k) is None for k in type(e).model_fields if k != "judge")


def run_suites(
    suites: list[Suite],
    *,
    agent: Any,
    db: Database,
    tags: set[str] | None = None,
    repeat: int = 1,
    judge: Any = None,
    model: str = "offline",
    on_case: Callable[[str, CaseResult], None] | None = None,
) -> RunResult:
    """Run every selected case `repeat` times; a case passes when all its runs pass (pass^N)."""
    from evals.deliveries import Deliveries

    result = RunResult(model=model, repeat=repeat)
    deliveries = Deliveries(db, lambda: dt.datetime.now(dt.UTC))
    # The owner's replies reach WhatsApp followers through the same sender (the fake Twilio API), as the
    # server's agent does it; an agent given its own deliver service keeps it.
    found = getattr(agent, "services", None)
    services: dict[str, Any] = found if isinstance(found, dict) else {}  # (an empty dict is the agent's own)
    lent = "deliver" not in services
    if lent:
        services["deliver"] = deliveries.sender.deliver
    lent_links = "document_link" not in services
    if lent_links:  # payment requests and receipts link to the PDFs as the server's agent does
        from channels.documents import document_link
        from channels.reports import report_link

        services["document_link"] = functools.partial(document_link, "http://127.0.0.1:8000")
        services["report_link"] = functools.partial(report_link, "http://127.0.0.1:8000")
    try:
        for suite in suites:
            _run_suite(suite, result, agent=agent, db=db, tags=tags, repeat=repeat, judge=judge,
                       on_case=on_case, deliveries=deliveries)
    finally:
        if lent:
            services.pop("deliver", None)
        if lent_links:
            services.pop("document_link", None)
            services.pop("report_link", None)
        deliveries.close()
    return result


def _run_suite(suite: Suite, result: RunResult, *, agent: Any, db: Database, tags: set[str] | None, repeat: int,
               judge: Any, on_case: Callable[[str, CaseResult], None] | None, deliveries: Any) -> None:
    _import_others(db, suite)
    cases_out: list[CaseResult] = []
    for case in suite.cases:
        if tags and not tags.intersection(case.tags):
            continue
        runs = [_run_case_safely(agent, db, suite, case, judge, r, deliveries) for r in range(repeat)]
        first = runs[-1] if all(r.passed for r in runs) else next(r for r in runs if not r.passed)
        first.runs = repeat
        first.runs_passed = sum(1 for r in runs if r.passed)
        first.passed = first.runs_passed == repeat
        cases_out.append(first)
        if on_case:
            on_case(suite.name, first)
    result.suites.append({"name": suite.name, "cases": cases_out})
