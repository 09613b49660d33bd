"""Which tenant a session works for, told to PostgreSQL so row-level security enforces it.

The application connects as `influencer_app`, for which every tenant table shows only the rows of
`app.tenant_id` (see migration 0007). `bind(session, tenant_id)` records the tenant on the session
and sets it with SET LOCAL semantics (`set_config(..., true)`) in the current transaction; every
later transaction of the session gets it again as it begins. A session never bound sees no tenant
rows at all: forgetting to scope a query fails closed.

Finding the tenant in the first place goes through three SECURITY DEFINER functions that return
only a tenant id: of an owner identity, of a web conversation id, of a Twilio message sid.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

__all__ = ["bind", "bound_tenant", "tenant_of_owner", "tenants_of_manager", "tenant_of_conversation",
           "tenant_of_outbound"]

_KEY = "tenant_id"
_SET = "select set_config('app.tenant_id', %s, true)"


def bind(session: Session, tenant_id: int) -> None:
    """Scope this session (now and in its later transactions) to one tenant."""
    tenant_id = int(tenant_id)
    if session.info.get(_KEY) == tenant_id and session.in_transaction():
        return
    session.info[_KEY] = tenant_id
    if session.in_transaction():
        session.connection().exec_driver_sql(_SET, (str(tenant_id),))


def bound_tenant(session: Session) -> int | None:
    """The tenant this session is scoped to, or None."""
    return session.info.get(_KEY)


@event.listens_for(Session, "after_begin")
def _scope_transaction(session: Session, transaction: Any, connection: Any) -> None:
    tenant_id = session.info.get(_KEY)
    # A savepoint (each tool runs in one) lives inside a transaction already scoped: set_config(..., true)
    # holds until that transaction ends, a rollback to the savepoint included. Once per transaction.
    if tenant_id is not None and not getattr(transaction, "nested", False):
        connection.exec_driver_sql(_SET, (str(tenant_id),))


def tenant_of_owner(session: Session, *, kind: str, value: str) -> int | None:
    """The tenant an owner identity (a phone, a token hash) belongs to."""
    return session.scalar(select(func.ios_tenant_of_owner(kind, value)))


def tenants_of_manager(session: Session, phone: str) -> list[int]:
    """The tenants a manager phone (E.164) serves, oldest first."""
    return [int(t) for t in session.scalar(select(func.ios_tenants_of_manager(phone))) or []]


def tenant_of_conversation(session: Session, conversation_id: str) -> int | None:
    """The tenant a conversation id belongs to (a web visitor holds only the id)."""
    return session.scalar(select(func.ios_tenant_of_conversation(conversation_id)))


def tenant_of_outbound(session: Session, provider_id: str) -> int | None:
    """The tenant whose outbound message Twilio reports on."""
    return session.scalar(select(func.ios_tenant_of_outbound(provider_id)))
