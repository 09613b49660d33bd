"""The errors a turn raises for its caller, by type: a channel maps each to its own answer (a 404, a
422 naming the field, a one-line CLI error) and never parses the message text."""

from __future__ import annotations

__all__ = ["InvalidMessage", "UnknownTenant", "UnknownConversation"]


class InvalidMessage(ValueError):
    """A message the agent refuses before anything runs: which field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class UnknownTenant(LookupError):
    """No influencer has that handle (the API answers 404)."""


class UnknownConversation(LookupError):
    """No conversation with that id for this influencer (the API answers 404)."""
