"""The data model: one tenant per influencer; every tenant-owned row carries tenant_id."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

EMBEDDING_DIM = 384
DEFAULT_TIMEZONE = "Asia/Jerusalem"  # a tenant's zone unless its bundle says otherwise

PARTNERSHIP_STATUSES = ("lead", "proposal", "negotiation", "contract", "active", "completed", "cancelled")
OPEN_PARTNERSHIP_STATUSES = ("lead", "proposal", "negotiation", "contract")
PUBLIC_STATUSES = ("active", "completed")  # what a follower may hear about (the pipeline is private)
DISCOUNT_TYPES = ("percentage", "fixed", "free_shipping")
TASK_TYPES = ("general", "content_creation", "approval", "payment", "meeting", "invoice_creation")
TASK_STATUSES = ("pending", "in_progress", "completed", "cancelled", "blocked")
TASK_PRIORITIES = ("low", "medium", "high", "urgent")
INVOICE_STATUSES = ("draft", "sent", "paid", "overdue", "cancelled")
COUPON_EVENT_KINDS = ("shown", "copied", "redeemed", "link_clicked")

Json = JSON().with_variant(JSONB(), "postgresql")
Money = Numeric(14, 2)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class TenantOwned:
    """Mixin: the tenant id every tenant-owned row carries."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Tenant(Timestamps, Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(30), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(Json, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    persona_notes: Mapped[str | None] = mapped_column(Text)
    instagram_profile: Mapped[dict[str, Any] | None] = mapped_column(Json)
    settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # allowed_origins, digest_hour
    faq: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)  # the bundle's [{q, a, lang?}]


class OwnerIdentity(TenantOwned, Base):
    __tablename__ = "owner_identities"
    __table_args__ = (
        # an owner's phone or token belongs to one influencer; a manager's phone may serve several
        Index("uq_owner_identity", "kind", "value", unique=True, postgresql_where=text("kind <> 'manager'")),
        Index("uq_owner_identity_tenant", "tenant_id", "kind", "value", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # phone | token | manager (a phone)
    value: Mapped[str] = mapped_column(String(128))  # E.164 phone, or sha256 of the token
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Persona(TenantOwned, Base):
    __tablename__ = "personas"
    __table_args__ = (UniqueConstraint("tenant_id", name="uq_persona_tenant"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    voice_description: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Post(TenantOwned, Base):
    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("tenant_id", "post_id", name="uq_post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[str] = mapped_column(String(64))
    short_code: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str | None] = mapped_column(String(32))
    caption: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[list[str]] = mapped_column(Json, default=list)
    mentions: Mapped[list[str]] = mapped_column(Json, default=list)
    tagged_users: Mapped[list[str]] = mapped_column(Json, default=list)
    url: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    likes: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[int | None] = mapped_column(Integer)
    is_sponsored: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class Contact(TenantOwned, Timestamps, Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("tenant_id", "channel", "external_id", name="uq_contact"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))  # web | whatsapp | cli
    external_id: Mapped[str] = mapped_column(String(128))  # phone (E.164) or web visitor id
    display_name: Mapped[str | None] = mapped_column(String(200))
    is_follower: Mapped[bool] = mapped_column(Boolean, default=False)
    consent: Mapped[str] = mapped_column(String(20), default="unknown")  # unknown | granted | withdrawn
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attributes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Conversation(TenantOwned, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("uq_conversation_number", "tenant_id", "number", unique=True,
              postgresql_where=text("number IS NOT NULL")),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(10), default="follower")  # follower | owner
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    paused: Mapped[bool] = mapped_column(Boolean, default=False)  # a human has taken over
    number: Mapped[int | None] = mapped_column(Integer)  # per tenant, once a human is asked in ("#12")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Message(TenantOwned, Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index(
            "uq_message_channel_id",
            "tenant_id",
            "channel",
            "channel_message_id",
            unique=True,
            postgresql_where=text("channel_message_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    channel: Mapped[str] = mapped_column(String(20))
    channel_message_id: Mapped[str | None] = mapped_column(String(128))
    content: Mapped[str] = mapped_column(Text)  # PII masked
    language: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(40))
    media: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    meta: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Partnership(TenantOwned, Timestamps, Base):
    __tablename__ = "partnerships"
    __table_args__ = (UniqueConstraint("tenant_id", "ref", name="uq_partnership_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(100))
    brand: Mapped[str] = mapped_column(String(200))
    brand_aliases: Mapped[list[str]] = mapped_column(Json, default=list)
    status: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    compensation_amount: Mapped[Decimal | None] = mapped_column(Money)
    compensation_currency: Mapped[str | None] = mapped_column(String(3))
    commission: Mapped[dict[str, Any] | None] = mapped_column(Json)  # {type: percentage|per_order, value, currency}
    costs: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)  # [{label, amount, currency}]
    deliverables: Mapped[list[str]] = mapped_column(Json, default=list)
    brief: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    faq: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)
    next_follow_up: Mapped[dt.date | None] = mapped_column(Date)


class Coupon(TenantOwned, Timestamps, Base):
    __tablename__ = "coupons"
    __table_args__ = (UniqueConstraint("tenant_id", "code", name="uq_coupon_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    discount_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    starts: Mapped[dt.date | None] = mapped_column(Date)
    expires: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    url: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[str | None] = mapped_column(Text)


class CouponEvent(TenantOwned, Base):
    __tablename__ = "coupon_events"
    __table_args__ = (
        Index(
            "uq_coupon_event_order",
            "tenant_id",
            "coupon_id",
            "order_id",
            unique=True,
            postgresql_where=text("order_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # shown | copied | redeemed | link_clicked
    order_id: Mapped[str | None] = mapped_column(String(100))
    order_amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    items: Mapped[int | None] = mapped_column(Integer)
    products: Mapped[list[str]] = mapped_column(Json, default=list)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Task(TenantOwned, Timestamps, Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(30), default="general")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # when a time was given
    notes: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Invoice(TenantOwned, Timestamps, Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("tenant_id", "number", name="uq_invoice_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    status: Mapped[str] = mapped_column(String(20))
    issued: Mapped[dt.date | None] = mapped_column(Date)
    due: Mapped[dt.date | None] = mapped_column(Date)
    paid_at: Mapped[dt.date | None] = mapped_column(Date)


class SupportIssue(TenantOwned, Timestamps, Base):
    __tablename__ = "support_issues"
    __table_args__ = (
        Index("uq_support_issue_number", "tenant_id", "number", unique=True,
              postgresql_where=text("number IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40), default="other")  # order_missing | code_not_working | other
    summary: Mapped[str] = mapped_column(Text)  # PII masked
    order_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    number: Mapped[int | None] = mapped_column(Integer)  # per tenant: "issue 3"
    closed_by: Mapped[str | None] = mapped_column(String(80))
    close_note: Mapped[str | None] = mapped_column(Text)


class Handoff(TenantOwned, Base):
    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting | active | released
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    released_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Event(TenantOwned, Base):
    """Something that happened, for the owner's notifications and for analytics."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_tenant_kind_at", "tenant_id", "kind", "at"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    conversation_id: Mapped[str | None] = mapped_column(String(36))
    contact_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(TenantOwned, Base):
    """A change an owner made by chat or API: who, where, when, before and after."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    actor: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(50))
    resource: Mapped[str] = mapped_column(String(30))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(Json)
    after: Mapped[dict[str, Any] | None] = mapped_column(Json)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Experiment(TenantOwned, Timestamps, Base):
    __tablename__ = "experiments"
    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_experiment_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    variants: Mapped[list[dict[str, Any]]] = mapped_column(Json)  # [{name, weight, style: {...}}]
    allocation: Mapped[float] = mapped_column(Float, default=1.0)
    starts_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    target_intents: Mapped[list[str]] = mapped_column(Json, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExperimentExposure(TenantOwned, Base):
    __tablename__ = "experiment_exposures"
    __table_args__ = (UniqueConstraint("experiment_id", "conversation_id", name="uq_exposure"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(36))
    contact_id: Mapped[int | None] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(50))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KnowledgeDocument(TenantOwned, Base):
    __tablename__ = "knowledge_documents"
    __table_args__ = (UniqueConstraint("tenant_id", "source_type", "source_ref", name="uq_knowledge_doc"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(30))  # post | partnership | partnership_faq | faq
    source_ref: Mapped[str] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    meta: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    embedder: Mapped[str | None] = mapped_column(String(100))  # whose vectors its chunks hold (0012)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class KnowledgeChunk(TenantOwned, Base):
    __tablename__ = "knowledge_chunks"
    __table_args__ = (
        Index(
            "ix_chunk_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
        # tenant_id inside the GIN index (btree_gin): a word search reads only the tenant's matches
        Index("ix_chunk_tenant_terms", "tenant_id", "terms_tsv", postgresql_using="gin"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("knowledge_documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text, default="")  # normalised, prefix-stripped search terms
    # stored, so ts_rank reads it instead of parsing `terms` again for every matching row
    terms_tsv: Mapped[Any] = mapped_column(
        TSVECTOR, Computed("to_tsvector('simple'::regconfig, terms)", persisted=True), deferred=True
    )
    # STORAGE PLAIN (migration 0005): inline, so a tenant-scoped exact scan doesn't go through TOAST
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIM))


class TurnTrace(TenantOwned, Base):
    __tablename__ = "turn_traces"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    trace: Mapped[dict[str, Any]] = mapped_column(Json)
    total_ms: Mapped[float] = mapped_column(Float)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TurnCheckpoint(TenantOwned, Base):
    """The agent's saved state of one conversation (its LangGraph checkpoint), one row, rewritten each turn."""

    __tablename__ = "turn_checkpoints"
    thread_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    checkpoint_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # the serializer's type tag
    state: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboundMessage(TenantOwned, Base):
    """A message we send on a channel (WhatsApp): its attempts and delivery status."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        # One row per logical send (e.g. "reply:<MessageSid>"): a retried job never sends twice.
        Index(
            "uq_outbound_dedupe",
            "tenant_id",
            "dedupe_key",
            unique=True,
            postgresql_where=text("dedupe_key IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    conversation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    to: Mapped[str] = mapped_column(String(64))  # masked: the number stays with the contact or owner identity
    to_role: Mapped[str | None] = mapped_column(String(10))  # follower | owner
    body: Mapped[str | None] = mapped_column(Text)
    content_sid: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(30), default="reply")
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|sent|delivered|failed|blocked_window
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


__all__ = [name for name in dir() if name[:1].isupper() and name not in {"Any", "Decimal", "JSON"}]
__all__ += ["utcnow", "EMBEDDING_DIM", "DEFAULT_TIMEZONE"]
__all__ += [
    "PARTNERSHIP_STATUSES",
    "OPEN_PARTNERSHIP_STATUSES",
    "PUBLIC_STATUSES",
    "DISCOUNT_TYPES",
    "TASK_TYPES",
    "TASK_STATUSES",
    "TASK_PRIORITIES",
    "INVOICE_STATUSES",
    "COUPON_EVENT_KINDS",
]


class ScheduledJob(TenantOwned, Base):
    """A job due at a time on the application's clock (a follow-up, a reminder): claimed once across workers."""

    __tablename__ = "scheduled_jobs"
    __table_args__ = (
        Index("ix_scheduled_jobs_due", "status", "due_at"),
        Index("uq_scheduled_job_dedupe", "tenant_id", "dedupe_key", unique=True,
              postgresql_where=text("dedupe_key IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="todo")  # todo|running|done|cancelled|failed|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # ids only, nothing personal
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Survey(TenantOwned, Base):
    """A satisfaction check sent to a follower and their answer (score 1-5 and/or a comment)."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), default="coupon")
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)  # PII masked
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id", ondelete="SET NULL"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"))
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
