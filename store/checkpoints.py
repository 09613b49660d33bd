"""The agent's saved state of a conversation (its LangGraph checkpoint): one row per conversation,
rewritten by each turn in the turn's own transaction, under row-level security like every tenant
row. What is in it is the caller's (agent._checkpoint): bytes and the serializer's type tag."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.orm import Session

from store.tenancy import bound_tenant

__all__ = ["Saved", "load", "save", "delete"]

_LOAD = "select checkpoint_id, kind, state from turn_checkpoints where thread_id = %(t)s"
_SAVE = (
    "insert into turn_checkpoints (thread_id, tenant_id, checkpoint_id, kind, state, updated_at) "
    "values (%(t)s, %(tenant)s, %(id)s, %(kind)s, %(state)s, now()) on conflict (thread_id) do update "
    "set checkpoint_id = excluded.checkpoint_id, kind = excluded.kind, state = excluded.state, updated_at = now()"
)
_DELETE = "delete from turn_checkpoints where thread_id = any(%(ts)s)"


class Saved(NamedTuple):
    checkpoint_id: str
    kind: str
    state: bytes


def load(*, session: Session, thread_id: str) -> Saved | None:
    """The conversation's saved state, or None (a new conversation, or one erased)."""
    row = session.connection().exec_driver_sql(_LOAD, {"t": thread_id}).first()
    return None if row is None else Saved(row[0], row[1], bytes(row[2]))


def save(*, session: Session, thread_id: str, checkpoint_id: str, kind: str, state: bytes) -> None:
    """Replace the conversation's saved state (the session must be scoped to its tenant)."""
    tenant_id = bound_tenant(session)
    if tenant_id is None:
        raise LookupError("a checkpoint is saved in a session scoped to its tenant")
    session.connection().exec_driver_sql(
        _SAVE, {"t": thread_id, "tenant": tenant_id, "id": checkpoint_id, "kind": kind, "state": state})


def delete(*, session: Session, thread_ids: list[str]) -> None:
    """Forget these conversations' saved state."""
    if thread_ids:
        session.connection().exec_driver_sql(_DELETE, {"ts": list(thread_ids)})
