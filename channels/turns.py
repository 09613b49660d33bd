"""The `on_message` callback every channel reaches the agent through."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from channels.base import InboundMessage, OutputChannel, TurnResult

__all__ = ["TurnRunner"]

log = logging.getLogger(__name__)


class TurnRunner:
    """Runs `agent.handle` for an inbound message and hands the result to the output channel.

    Blocking: call it from a worker thread. Turns of one conversation are serialised by the agent
    (a Postgres advisory lock per conversation and per channel message id), so a retried message
    waits for the first attempt and gets its stored reply back."""

    def __init__(self, agent: Any, *, after_turn: Callable[[TurnResult], None] | None = None) -> None:
        self.agent = agent
        self.after_turn = after_turn

    def __call__(self, message: InboundMessage, output: OutputChannel) -> TurnResult:
        """Run one turn, deliver its reply, then run the `after_turn` hook (the notifier's nudge)."""
        result = self.agent.handle(message, on_event=output.on_event)
        output.send_reply(message, result)
        if self.after_turn is not None:
            try:
                self.after_turn(result)
            except Exception:  # a hook must never cost the follower the reply already sent
                log.exception("after_turn hook failed")
        return result
