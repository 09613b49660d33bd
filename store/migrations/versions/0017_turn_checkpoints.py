"""The agent's saved state of a conversation: one row per conversation, written in the turn's own
transaction, under row-level security like every tenant table (issue 16).

LangGraph's PostgresSaver kept every checkpoint of every turn (a row and its blobs per turn, never
deleted) on connections of its own, outside the turn's transaction and outside row-level security.
Its tables go: the next turn of a conversation that was open during the upgrade starts without its
short-term memory (the messages themselves are untouched).

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

APP_ROLE = "influencer_app"
ISOLATION = "tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint"
LANGGRAPH_TABLES = ("checkpoint_writes", "checkpoint_blobs", "checkpoints", "checkpoint_migrations")


def upgrade() -> None:
    op.create_table(
        "turn_checkpoints",
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("checkpoint_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.execute('ALTER TABLE "turn_checkpoints" ENABLE ROW LEVEL SECURITY')
    op.execute('ALTER TABLE "turn_checkpoints" FORCE ROW LEVEL SECURITY')
    op.execute(f"""
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE POLICY tenant_isolation ON "turn_checkpoints" TO {APP_ROLE} USING ({ISOLATION})
              WITH CHECK ({ISOLATION});
            GRANT SELECT, INSERT, UPDATE, DELETE ON "turn_checkpoints" TO {APP_ROLE};
          END IF;
        END $$;
    """)
    op.execute('CREATE POLICY operator_all ON "turn_checkpoints" TO CURRENT_USER USING (true) WITH CHECK (true)')
    for table in LANGGRAPH_TABLES:
        op.execute(f'DROP TABLE IF EXISTS "{table}"')


def downgrade() -> None:
    op.drop_table("turn_checkpoints")
