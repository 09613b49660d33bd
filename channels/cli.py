"""The `influencer-os` command: one root, with each area registering its own commands."""

from __future__ import annotations

import os
import sys

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="influencer-os",
    help="Influencer OS: an influencer's assistant for followers and for the business, by chat.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register_all() -> None:
    from agent import commands as agent_commands
    from channels import server_commands
    from evals import commands as eval_commands
    from knowledge import commands as knowledge_commands
    from persona import commands as persona_commands
    from store import commands as store_commands
    from tools import commands as tool_commands

    modules = (store_commands, knowledge_commands, persona_commands, agent_commands, tool_commands, server_commands,
               eval_commands)
    for module in modules:
        module.register(app)


def main() -> None:
    """Entry point of the console script: clear one-line errors, meaningful exit codes."""
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from store.db import DatabaseUnreachable

    _register_all()
    try:
        app()
    except DatabaseUnreachable as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":  # `python -m channels.cli` (how `serve` starts its job workers)
    main()
