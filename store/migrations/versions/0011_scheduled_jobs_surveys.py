"""Time: scheduled jobs (follow-ups, reminders) on the application's clock, and survey answers

- `scheduled_jobs`: one row per job, per tenant: its kind, when it is due (the app clock, so tests and
  evals move it), status (todo, running, done, cancelled, failed, dead), attempts, the error, a
  dedupe key (one job per rule, contact and subject) and a payload of ids only. Workers claim due rows
  with FOR UPDATE SKIP LOCKED: a job runs once across processes and survives restarts.
- `surveys`: a follower's answer to a satisfaction check (kind, score 1-5 or none, comment), tied to
  the coupon and partnership it asked about; asked and not yet answered = no `answered_at`.

Both are tenant tables under row-level security like every other (0007).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

APP_ROLE = "influencer_app"
ISOLATION = "tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint"


def _isolate(table: str) -> None:
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(f"""
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE POLICY tenant_isolation ON "{table}" TO {APP_ROLE} USING ({ISOLATION}) WITH CHECK ({ISOLATION});
            GRANT SELECT, INSERT, UPDATE, DELETE ON "{table}" TO {APP_ROLE};
            GRANT USAGE, SELECT ON SEQUENCE "{table}_id_seq" TO {APP_ROLE};
          END IF;
        END $$;
    """)
    op.execute(f'CREATE POLICY operator_all ON "{table}" TO CURRENT_USER USING (true) WITH CHECK (true)')


def upgrade() -> None:
    op.create_table(
        "scheduled_jobs",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="todo"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("payload", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_scheduled_jobs_due", "scheduled_jobs", ["status", "due_at"])
    op.create_index("uq_scheduled_job_dedupe", "scheduled_jobs", ["tenant_id", "dedupe_key"], unique=True,
                    postgresql_where=sa.text("dedupe_key IS NOT NULL"))
    op.create_table(
        "surveys",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(30), nullable=False, server_default="coupon"),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("coupon_id", sa.Integer(), sa.ForeignKey("coupons.id", ondelete="SET NULL"), nullable=True),
        sa.Column("partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    _isolate("scheduled_jobs")
    _isolate("surveys")


def downgrade() -> None:
    op.drop_table("surveys")
    op.drop_table("scheduled_jobs")
