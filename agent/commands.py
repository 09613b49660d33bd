"""CLI of the agent: `ask`, `chat`, `trace` and `experiments create|report`."""

from __future__ import annotations

import getpass
import json
from typing import Any, NoReturn

import typer

__all__ = ["register"]

experiments_app = typer.Typer(help="Reply-style experiments: create, report.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _agent() -> Any:
    from agent.runtime import Agent
    from store.bootstrap import open_database

    return Agent(open_database())


def _role(as_: str) -> str:
    if as_ not in ("follower", "owner"):
        _fail("--as must be follower or owner")
    return as_


def _result_json(result: Any) -> dict[str, Any]:
    return {
        "conversation_id": result.conversation_id, "reply": result.reply, "language": result.language,
        "intent": result.intent, "action": result.action, "tools": result.tools, "cards": result.cards,
        "ms": result.ms, "duplicate": result.duplicate, "trace": result.trace,
    }


def ask(
    handle: str = typer.Argument(..., help="the influencer's handle"),
    message: str = typer.Argument(..., help="what the user writes"),
    as_: str = typer.Option("follower", "--as", help="follower or owner"),
    channel: str = typer.Option("web", "--channel", help="web, whatsapp or cli"),
    as_json: bool = typer.Option(False, "--json", help="print the reply and the trace as JSON"),
    conversation: str | None = typer.Option(None, "--conversation", help="continue this conversation"),
) -> None:
    """One turn: print the agent's reply (with --json: the reply and the trace)."""
    from agent.errors import InvalidMessage, UnknownConversation, UnknownTenant
    from agent.types import InboundMessage

    agent = _agent()
    try:
        result = agent.handle(InboundMessage(handle, channel, f"cli:{getpass.getuser()}", message,
                                             role=_role(as_), conversation_id=conversation))
    except (UnknownTenant, UnknownConversation, InvalidMessage) as exc:
        _fail(str(exc))
    finally:
        agent.close()
    if as_json:
        typer.echo(json.dumps(_result_json(result), ensure_ascii=False, indent=2))
        return
    typer.echo(result.reply)
    typer.echo(f"({result.intent} · {result.action} · {result.ms:.0f} ms · conversation {result.conversation_id})",
               err=True)


def chat(
    handle: str = typer.Argument(..., help="the influencer's handle"),
    as_: str = typer.Option("follower", "--as", help="follower or owner"),
    channel: str = typer.Option("cli", "--channel", help="web, whatsapp or cli"),
) -> None:
    """Talk to the agent in the terminal (Hebrew is printed as plain UTF-8; /quit to leave)."""
    from agent.errors import UnknownTenant
    from agent.types import InboundMessage

    role = _role(as_)
    agent = _agent()
    sender = f"cli:{getpass.getuser()}"
    try:
        conversation = agent.start_conversation(handle, channel, sender, role)
    except UnknownTenant as exc:
        agent.close()
        _fail(str(exc))
    typer.echo(f"chatting with {handle} as {role} (conversation {conversation}); /quit to leave", err=True)
    try:
        while True:
            try:
                line = input("> ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if line in ("/quit", "/exit", ":q"):
                break
            if not line:
                continue
            try:
                result = agent.handle(InboundMessage(handle, channel, sender, line, role=role,
                                                     conversation_id=conversation))
            except ValueError as exc:
                typer.echo(f"error: {exc}", err=True)
                continue
            if result.reply:
                typer.echo(result.reply)
            typer.echo(f"  · {result.intent} · {result.action} · {', '.join(result.tools) or 'no tools'} "
                       f"· {result.ms:.0f} ms", err=True)
    finally:
        agent.close()


def trace(conversation_id: str = typer.Argument(..., help="the conversation id")) -> None:
    """Print the traces of a conversation's turns, readably."""
    from agent.trace_view import render_traces
    from store import traces as trace_store
    from store.bootstrap import open_database

    db = open_database()
    with db.session() as session:
        conv = trace_store.find_conversation(session=session, conversation_id=conversation_id)
        if conv is None:
            _fail(f"no conversation {conversation_id!r}")
        rows = trace_store.for_conversation(session=session, tenant_id=conv.tenant_id, conversation_id=conv.id)
        typer.echo(render_traces(conv, rows))


@experiments_app.command("create")
def experiments_create(
    handle: str = typer.Argument(...),
    key: str = typer.Argument(..., help="the experiment's key, e.g. reply-length"),
    variants: str = typer.Option(..., "--variants", help="name:weight,... e.g. short:50,detailed:50"),
    intents: str = typer.Option("", "--intents", help="target intents, comma separated (default: all)"),
    allocation: float = typer.Option(1.0, "--allocation", help="share of contacts in the experiment (0-1]"),
    cta: list[str] = typer.Option([], "--cta", help="NAME=TEXT: the call to action of a variant"),
) -> None:
    """Create an experiment; a variant named short/medium/detailed sets the reply length."""
    from agent.trace_view import parse_variants
    from store import experiments as experiment_store
    from store import tenants as tenant_store
    from store.bootstrap import open_database

    try:
        parsed = parse_variants(variants, cta)
    except ValueError as exc:
        _fail(str(exc))
    db = open_database()
    try:
        with db.session() as session:
            tenant = tenant_store.get_by_handle(session=session, handle=handle)
            if tenant is None:
                _fail(f"no influencer with handle {handle!r}")
            if experiment_store.get(session=session, tenant_id=tenant.id, key=key):
                _fail(f"{handle} already has an experiment {key!r}")
            exp = experiment_store.create(session=session, tenant_id=tenant.id, key=key, variants=parsed,
                                          allocation=allocation,
                                          target_intents=[i.strip() for i in intents.split(",") if i.strip()])
            typer.echo(f"experiment {exp.key} for {handle}: " + ", ".join(
                f"{v['name']} ({v['weight']:g}, style {v['style']})" for v in exp.variants))
    except ValueError as exc:
        _fail(str(exc))


@experiments_app.command("report")
def experiments_report(handle: str = typer.Argument(...)) -> None:
    """Exposures and conversions (coupon copies) per variant, with a two-proportion z-test."""
    from agent.trace_view import render_report
    from store import experiments as experiment_store
    from store import tenants as tenant_store
    from store.bootstrap import open_database

    db = open_database()
    with db.session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle)
        if tenant is None:
            _fail(f"no influencer with handle {handle!r}")
        reports = experiment_store.report(session=session, tenant_id=tenant.id)
    typer.echo(render_report(handle, reports))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("ask")(ask)
    app.command("chat")(chat)
    app.command("trace")(trace)
    app.add_typer(experiments_app, name="experiments")
    from agent.nlu_commands import nlu_app

    app.add_typer(nlu_app, name="nlu")
