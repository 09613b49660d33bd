"""CLI commands of this area (registered on the root `influencer-os` app)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
