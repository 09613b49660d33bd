"""Brand communications (issue 14): per partnership, items by type (financial, legal, issue, creative,
other) that are open until closed: "they asked to move the December post to Dec 10", "the contract is not
signed yet". Text is stored with personal data masked. A tenant table under row-level security (0007).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

APP_ROLE = "influencer_app"
ISOLATION = "tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint"


def upgrade() -> None:
    op.create_table(
        "brand_notes",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("kind", sa.String(12), nullable=False, server_default="other"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute('ALTER TABLE "brand_notes" ENABLE ROW LEVEL SECURITY')
    op.execute('ALTER TABLE "brand_notes" FORCE ROW LEVEL SECURITY')
    op.execute(f"""
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE POLICY tenant_isolation ON "brand_notes" TO {APP_ROLE} USING ({ISOLATION}) WITH CHECK ({ISOLATION});
            GRANT SELECT, INSERT, UPDATE, DELETE ON "brand_notes" TO {APP_ROLE};
            GRANT USAGE, SELECT ON SEQUENCE "brand_notes_id_seq" TO {APP_ROLE};
          END IF;
        END $$;
    """)
    op.execute('CREATE POLICY operator_all ON "brand_notes" TO CURRENT_USER USING (true) WITH CHECK (true)')


def downgrade() -> None:
    op.drop_table("brand_notes")
