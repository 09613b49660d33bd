"""Experiments: deterministic variants, one exposure per conversation, the style reaches respond, the report."""

from __future__ import annotations

from agent_graph_support import ScriptedEngine, rows, say, u


def _create(db, **kwargs):
    from store import experiments as experiment_store
    from store import tenants as tenant_store

    with db.admin_session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle="shira.kitchen")
        experiment_store.create(session=session, tenant_id=tenant.id, **kwargs)


def _engine() -> ScriptedEngine:
    return ScriptedEngine(lambda text: u("greeting") if text == "hi" else u("coupon_request", brands=("olivia",)))


def test_variant_is_stable_per_contact_and_exposure_logged_once_per_conversation(shira, make_agent):
    _create(shira, key="length", variants=[{"name": "short", "weight": 50}, {"name": "detailed", "weight": 50}],
            target_intents=["coupon_request"])
    agent = make_agent(shira, engine=_engine())

    greeting = say(agent, "hi", sender="c1")
    first = say(agent, "olivia code?", sender="c1", conversation_id=greeting.conversation_id)
    again = say(agent, "olivia code again?", sender="c1", conversation_id=greeting.conversation_id)
    other_conversation = say(agent, "olivia code?", sender="c1")

    assert greeting.trace["variants"] == {}  # not a targeted intent
    variant = first.trace["variants"]["length"]
    assert variant in ("short", "detailed")
    assert again.trace["variants"]["length"] == variant == other_conversation.trace["variants"]["length"]
    assert first.trace["style"]["length"] == variant
    exposures = rows(shira, "select conversation_id, variant from experiment_exposures order by id")
    assert [(e.conversation_id, e.variant) for e in exposures] == [
        (greeting.conversation_id, variant), (other_conversation.conversation_id, variant)]


def test_assignment_follows_the_weights_and_the_allocation():
    from store.experiments import assign
    from store.models import Experiment

    exp = Experiment(key="cta", allocation=0.5,
                     variants=[{"name": "a", "weight": 75, "style": {}}, {"name": "b", "weight": 25, "style": {}}])
    picks = [assign(exp, tenant_id=1, contact_key=i) for i in range(4000)]
    inside = [p["name"] for p in picks if p is not None]
    assert 0.45 < len(inside) / 4000 < 0.55
    assert 0.70 < inside.count("a") / len(inside) < 0.80
    assert picks == [assign(exp, tenant_id=1, contact_key=i) for i in range(4000)]
    other_tenant = [assign(exp, tenant_id=2, contact_key=i) for i in range(4000)]
    assert other_tenant != picks  # the tenant is part of the hash


def test_window_and_inactive_experiments_are_not_running(shira, make_agent):
    import datetime as dt

    _create(shira, key="future", variants=[{"name": "short"}, {"name": "detailed"}],
            starts_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    agent = make_agent(shira, engine=_engine())
    assert say(agent, "olivia code?").trace["variants"] == {}


def test_report_counts_copies_in_exposed_conversations(shira, make_agent):

    _create(shira, key="length", variants=[{"name": "short"}, {"name": "detailed"}])
    agent = make_agent(shira, engine=_engine())
    results = [say(agent, "olivia code?", sender=f"c{i}") for i in range(6)]
    copied = results[0]
    coupon_id = rows(shira, "select id from coupons where code = 'SHIRA15'")[0].id
    with shira.admin_engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(text("insert into coupon_events (tenant_id, coupon_id, kind, conversation_id, products, at) "
                          "select tenant_id, id, 'copied', :c, '[]', now() from coupons where id = :id"),
                     {"c": copied.conversation_id, "id": coupon_id})

    from store import experiments as experiment_store

    with shira.admin_session() as session:
        report = experiment_store.report(session=session, tenant_id=1)[0]
    by_name = {v.name: v for v in report.variants}
    assert sum(v.exposures for v in report.variants) == 6
    assert by_name[copied.trace["variants"]["length"]].conversions == 1
    assert report.p_value is not None and 0 <= report.p_value <= 1


def test_cli_creates_and_reports(shira, capsys):
    import typer
    from typer.testing import CliRunner

    from agent.commands import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    created = runner.invoke(app, ["experiments", "create", "shira.kitchen", "cta-test", "--variants",
                                  "short:50,detailed:50", "--intents", "coupon_request", "--cta", "short=Grab it"])
    assert created.exit_code == 0, created.output
    assert "short" in created.output and "Grab it" in created.output
    report = runner.invoke(app, ["experiments", "report", "shira.kitchen"])
    assert report.exit_code == 0 and "cta-test" in report.output and "p-value" in report.output
    bad = runner.invoke(app, ["experiments", "create", "shira.kitchen", "x", "--variants", "only:100"])
    assert bad.exit_code == 2 and "two variants" in bad.output


def test_two_proportion_test():
    from store.experiments import two_proportion_p_value

    assert two_proportion_p_value(50, 100, 50, 100) == 1.0
    assert two_proportion_p_value(10, 100, 30, 100) < 0.01
    assert two_proportion_p_value(0, 0, 1, 10) is None
