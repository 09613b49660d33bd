"""The runner's eval-suite/1 additions: other tenants present for every case (so cross-tenant cases can
fail), turns by the owner and the follower in one case, a moving clock, and delivery checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from evals.runner import run_suites
from evals.sandbox import drop_eval_database, open_eval_database
from evals.suite import load_suite, load_suites
from store.models import Coupon, Tenant

SUITES = Path(__file__).resolve().parents[2] / "evals" / "suites"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bundle-shira.json"


@pytest.fixture(scope="module")
def eval_db(database):
    db = open_eval_database(database, name="influencer_os_eval_runner_test")
    yield db
    drop_eval_database(db)


@pytest.fixture(scope="module")
def agent(eval_db):
    from agent import Agent

    agent = Agent(eval_db)
    yield agent
    agent.close()


class _Leaky:
    """An agent that leaks: every reply carries the codes of every *other* tenant in the database."""

    def __init__(self, agent, db) -> None:
        self.agent, self.db = agent, db

    def handle(self, message, on_event=None):
        result = self.agent.handle(message, on_event=on_event)
        with self.db.admin_session() as s:
            codes = s.scalars(select(Coupon.code).join(Tenant).where(Tenant.handle != message.handle)).all()
        result.reply = (result.reply or "") + " " + " ".join(codes)
        return result


class _Silent:
    """An agent that answers nothing at all."""

    def __init__(self, agent) -> None:
        self.agent = agent

    def handle(self, message, on_event=None):
        result = self.agent.handle(message, on_event=on_event)
        result.reply = ""
        return result


def _cross_tenant(agent, db):
    suites = load_suites([SUITES / "avi-security.yaml", SUITES / "noa-security.yaml"])
    result = run_suites(suites, agent=agent, db=db, tags={"cross_tenant"})
    return [c for s in result.suites for c in s["cases"]]


def test_cross_tenant_cases_pass_on_the_agent_and_fail_on_a_leaking_or_silent_one(agent, eval_db):
    honest = _cross_tenant(agent, eval_db)
    assert len(honest) >= 10 and all(c.passed for c in honest), [c.id for c in honest if not c.passed]
    with eval_db.admin_session() as s:  # the other tenants were there to leak from
        handles = set(s.scalars(select(Tenant.handle)))
    assert {"avi.grill", "noa.moves", "maya.glow", "shira.kitchen"} <= handles
    leaky = _cross_tenant(_Leaky(agent, eval_db), eval_db)
    coupon_cases = [c for c in leaky if "coupon" in c.tags]
    assert coupon_cases and not any(c.passed for c in coupon_cases), [c.id for c in coupon_cases if c.passed]
    silent = _cross_tenant(_Silent(agent), eval_db)
    assert not any(c.passed for c in silent), [c.id for c in silent if c.passed]


MULTIPARTY = f"""format: eval-suite/1
name: multiparty
bundle: {FIXTURE}
influencer: shira.kitchen
now: 2026-11-23T10:00:00+02:00
cases:
  - id: human-then-owner
    channel: whatsapp
    turns:
      - user: "I want to talk to Shira herself please"
        expect:
          action: handoff
          delivered: [{{to: owner}}]
          not_delivered: follower
      - user: "what coupons are active?"
        role: owner
        at: "+2h"
        expect: {{contains: [SHIRA15], not_delivered: follower}}
    after:
      - {{resource: outbound_messages, where: {{to_role: owner, purpose: handoff}}, count: 1}}  # (+ reminders)
      - {{resource: contacts, where: {{channel: whatsapp}}, count: 2}}
      - {{resource: scheduled_jobs, where: {{kind: follow_up}}, count: 0}}
  - id: a-delivery-that-did-not-happen-fails
    turns:
      - user: "hi"
        expect: {{delivered: [{{to: owner, contains: [nothing like this]}}]}}
"""


def test_owner_and_follower_turns_a_moving_clock_and_delivery_checks(agent, eval_db, tmp_path):
    path = tmp_path / "multiparty.yaml"
    path.write_text(MULTIPARTY, encoding="utf-8")
    result = run_suites([load_suite(path)], agent=agent, db=eval_db)
    cases = {c.id: c for s in result.suites for c in s["cases"]}
    good = cases["human-then-owner"]
    assert good.passed, [t["failures"] for t in good.turns] + [a for a in good.after if not a["passed"]]
    assert good.turns[1]["intent"] == "owner_query" or "SHIRA15" in good.turns[1]["reply"]
    bad = cases["a-delivery-that-did-not-happen-fails"]
    assert not bad.passed and bad.turns[0]["failures"][0].startswith("delivered[0]")


def test_new_keys_are_validated_with_their_path(tmp_path):
    from evals.suite import SuiteInvalid

    path = tmp_path / "bad.yaml"
    path.write_text(MULTIPARTY.replace('at: "+2h"', 'at: "tomorrow"').replace("[{to: owner}]", "[{to: boss}]"),
                    encoding="utf-8")
    with pytest.raises(SuiteInvalid) as error:
        load_suite(path)
    text = "\n".join(error.value.errors)
    assert "cases[0].turns[1].at" in text and "cases[0].turns[0].expect.delivered[0].to" in text


class _ForgetsConsent:
    """An agent that says the right words but never records the follower's consent decision."""

    def __init__(self, agent, db) -> None:
        self.agent, self.db = agent, db

    def handle(self, message, on_event=None):
        from sqlalchemy import update

        from store.models import Contact

        result = self.agent.handle(message, on_event=on_event)
        with self.db.admin_session() as s:
            s.execute(update(Contact).values(consent="unknown", consent_at=None))
        return result


def test_consent_cases_fail_when_the_decision_is_not_recorded(agent, eval_db):
    suites = load_suites([SUITES / "avi-follower-en.yaml", SUITES / "noa-follower-he.yaml"])
    honest = [c for s in run_suites(suites, agent=agent, db=eval_db, tags={"consent"}).suites for c in s["cases"]]
    assert honest and all(c.passed for c in honest), [c.id for c in honest if not c.passed]
    forgetful = _ForgetsConsent(agent, eval_db)
    broken = [c for s in run_suites(suites, agent=forgetful, db=eval_db, tags={"consent"}).suites for c in s["cases"]]
    assert broken and not any(c.passed for c in broken)


RELAYS = f"""format: eval-suite/1
name: relays
bundle: {FIXTURE}
influencer: shira.kitchen
now: 2026-11-23T10:00:00+02:00
cases:
  - id: a-relay-is-a-delivery
    channel: {{channel}}
    turns:
      - user: "I want to talk to Shira herself please"
      - role: owner
        at: "{{at}}"
        user: "reply 1: hi, Shira here"
        expect: {{{{delivered: [{{{{to: follower, contains: ["Shira here"]}}}}]}}}}
"""


@pytest.mark.parametrize(("channel", "at", "delivered"), [
    ("whatsapp", "+1h", True),    # free-form inside the window
    ("web", "+1h", True),         # shown in the visitor's chat window
    ("whatsapp", "+11h", True),   # still inside the window (the idle hand-back is 12 h after no reply)
])
def test_the_owners_relay_counts_as_delivered_only_when_it_went_out(agent, eval_db, tmp_path, channel, at,
                                                                      delivered):
    path = tmp_path / "relays.yaml"
    path.write_text(RELAYS.format(channel=channel, at=at), encoding="utf-8")
    case = run_suites([load_suite(path)], agent=agent, db=eval_db).suites[0]["cases"][0]
    assert case.passed is delivered, case.turns[-1]["failures"]


def test_a_relay_outside_the_window_is_not_a_delivery(agent, eval_db, tmp_path):
    suite = RELAYS.format(channel="whatsapp", at="+1h")
    assert 'expect: {delivered: [{to: follower, contains: ["Shira here"]}]}' in suite
    suite = suite.replace(
        """        expect: {delivered: [{to: follower, contains: ["Shira here"]}]}""",
        """      - role: owner
        at: "+10h"
        user: "reply 1: still there?"
      - role: owner
        at: "+10h"
        user: "reply 1: one more thing"
      - role: owner
        at: "+10h"
        user: "reply 1: hello?"
        expect: {delivered: [{to: follower, contains: ["hello?"]}]}""")
    path = tmp_path / "late.yaml"
    path.write_text(suite, encoding="utf-8")
    case = run_suites([load_suite(path)], agent=agent, db=eval_db).suites[0]["cases"][0]
    assert not case.passed and case.turns[-1]["failures"][0].startswith("delivered[0]")  # 31 h after they wrote
