"""The channel interface, as Rasa's connectors: an input channel turns what arrives (an HTTP request,
a queued webhook) into an InboundMessage and hands it to the one `on_message` callback; an output
channel carries the turn's events and reply back to the person on that channel.

    on_message(message, output) -> TurnResult      (sync; channels call it from a worker thread)

`output.on_event` receives the agent's streaming events ({"type": "token"|"card"|"done", ...}) as
they happen; `output.send_reply` delivers the finished turn (the web returns it in the HTTP response,
WhatsApp sends it through Twilio). CollectingOutputChannel keeps everything, for tests.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from agent import InboundMessage, TurnResult

__all__ = [
    "InboundMessage",
    "TurnResult",
    "OnMessage",
    "InputChannel",
    "OutputChannel",
    "CollectingOutputChannel",
]


class OutputChannel(ABC):
    """Where the turn's events and reply go; methods may be called from any thread."""

    name: ClassVar[str] = "output"

    def on_event(self, event: dict[str, Any]) -> None:  # noqa: B027 - most outputs ignore streaming
        """A streaming event of the turn in progress (token, card, done)."""

    @abstractmethod
    def send_reply(self, message: InboundMessage, result: TurnResult) -> None:
        """Deliver the finished turn's reply (and cards) to the person who wrote."""


class CollectingOutputChannel(OutputChannel):
    """Keeps every event and reply in memory: the output of tests and of the JSON web endpoint."""

    name = "collector"

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.replies: list[tuple[InboundMessage, TurnResult]] = []
        self._lock = threading.Lock()

    def on_event(self, event: dict[str, Any]) -> None:
        """Remember the event."""
        with self._lock:
            self.events.append(dict(event))

    def send_reply(self, message: InboundMessage, result: TurnResult) -> None:
        """Remember the reply."""
        with self._lock:
            self.replies.append((message, result))

    @property
    def texts(self) -> list[str]:
        """The reply texts delivered so far."""
        return [r.reply for _, r in self.replies if r.reply]


OnMessage = Callable[[InboundMessage, OutputChannel], TurnResult]


class InputChannel(ABC):
    """A channel's way in: the HTTP routes it serves, all of them reaching the agent via on_message."""

    name: ClassVar[str]

    @abstractmethod
    def router(self, on_message: OnMessage) -> Any:
        """The FastAPI APIRouter of this channel, bound to the callback."""
