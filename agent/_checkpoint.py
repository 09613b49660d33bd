"""The checkpointer: a conversation's state saved in the turn's own transaction, one row per conversation.

LangGraph's PostgresSaver took a connection of its own for every read and write (outside the turn's
transaction and its row-level security), kept every checkpoint of every turn forever (a row and blobs
per turn), and cost three statements and a commit a turn. This saver implements the same interface
over `store.checkpoints`: inside a turn (`in_turn(session)`) it reads and writes on the turn's session,
so the state commits or rolls back with the turn's messages; outside one (a test's `get_state`, the
erasure of a thread after its turn) it opens a session scoped to the conversation's tenant.

A turn's scratch (catalog, persona, understanding, tool results, reply...: `PER_TURN_KEYS`) is set
afresh by the next turn's input, so it is saved as None; history, pending confirmations and the turn
count stay. Only the latest checkpoint exists: nothing here replays or forks earlier ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)

from agent.state import PER_TURN_KEYS
from store import checkpoints as checkpoint_store
from store.tenancy import bind, tenant_of_conversation

__all__ = ["TurnCheckpointSaver", "in_turn"]

_TURN_SESSION: ContextVar[Any] = ContextVar("turn_checkpoint_session", default=None)
_TURN_INPUT = frozenset({"text", "media", "message_id", "now"})  # set by every turn's input


def _config(thread_id: str, checkpoint_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": "", "checkpoint_id": checkpoint_id}}


@contextmanager
def in_turn(session: Any) -> Iterator[None]:
    """Checkpoints read and written in this block go through the turn's session (its transaction)."""
    token = _TURN_SESSION.set(session)
    try:
        yield
    finally:
        _TURN_SESSION.reset(token)


class TurnCheckpointSaver(BaseCheckpointSaver[int]):
    """LangGraph's checkpointer interface over one row per conversation (store.checkpoints)."""

    def __init__(self, database: Any) -> None:
        super().__init__()
        self.db = database

    @contextmanager
    def _session(self, thread_id: str) -> Iterator[Any]:
        turn = _TURN_SESSION.get()
        if turn is not None:
            yield turn
            return
        with self.db.session() as session:
            tenant_id = tenant_of_conversation(session, thread_id)
            if tenant_id is not None:
                bind(session, tenant_id)
            yield None if tenant_id is None else session

    @staticmethod
    def _thread(config: RunnableConfig) -> str:
        return str(config["configurable"]["thread_id"])

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The conversation's saved state (None for a new conversation, or when another id is asked for)."""
        thread_id = self._thread(config)
        with self._session(thread_id) as session:
            saved = None if session is None else checkpoint_store.load(session=session, thread_id=thread_id)
        wanted = config["configurable"].get("checkpoint_id")
        if saved is None or (wanted and wanted != saved.checkpoint_id):
            return None
        data = self.serde.loads_typed((saved.kind, saved.state))
        return CheckpointTuple(config=_config(thread_id, saved.checkpoint_id), checkpoint=data["checkpoint"],
                               metadata=data["metadata"], parent_config=None, pending_writes=[])

    def list(self, config: RunnableConfig | None, *, filter: dict[str, Any] | None = None,
             before: RunnableConfig | None = None, limit: int | None = None) -> Iterator[CheckpointTuple]:
        """The one saved checkpoint of a thread, if any (there is no history to list)."""
        found = self.get_tuple(config) if config is not None and before is None else None
        if found is not None and limit != 0:
            yield found

    def put(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
            new_versions: ChannelVersions) -> RunnableConfig:
        """Save the state without the turn's scratch, replacing the conversation's previous one."""
        thread_id = self._thread(config)
        saved = checkpoint.copy()
        saved["channel_values"] = {k: None if k in PER_TURN_KEYS or k in _TURN_INPUT else v
                                   for k, v in checkpoint["channel_values"].items()}
        kind, state = self.serde.dumps_typed({"checkpoint": saved, "metadata": metadata})
        with self._session(thread_id) as session:
            if session is None:
                raise LookupError(f"no conversation {thread_id!r} to save a checkpoint for")
            checkpoint_store.save(session=session, thread_id=thread_id, checkpoint_id=checkpoint["id"],
                                  kind=kind, state=state)
        return _config(thread_id, checkpoint["id"])

    def put_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        """Not kept: pending writes let an interrupted run resume, and a turn never resumes (every turn
        starts from new input; a failed one is answered and stored by Agent.handle)."""

    def delete_thread(self, thread_id: str) -> None:
        """Forget a conversation's saved state."""
        with self._session(thread_id) as session:
            if session is not None:
                checkpoint_store.delete(session=session, thread_ids=[thread_id])
