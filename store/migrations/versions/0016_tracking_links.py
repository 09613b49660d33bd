"""Tracking links (issue 13): a short, unguessable slug per coupon (or partnership link) and channel that
redirects to the shop, so a follower's click on WhatsApp is counted (as a `link_clicked` coupon event; no
IP kept). A tenant table under row-level security like every other.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

APP_ROLE = "influencer_app"
ISOLATION = "tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint"


def upgrade() -> None:
    op.create_table(
        "tracking_links",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("slug", sa.String(32), nullable=False, unique=True),
        sa.Column("coupon_id", sa.Integer(), sa.ForeignKey("coupons.id", ondelete="CASCADE"), nullable=True),
        sa.Column("partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("tenant_id", "coupon_id", "channel", "target", name="uq_tracking_link"),
    )
    op.execute('ALTER TABLE "tracking_links" ENABLE ROW LEVEL SECURITY')
    op.execute('ALTER TABLE "tracking_links" FORCE ROW LEVEL SECURITY')
    op.execute(f"""
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE POLICY tenant_isolation ON "tracking_links" TO {APP_ROLE} USING ({ISOLATION})
              WITH CHECK ({ISOLATION});
            GRANT SELECT, INSERT, UPDATE, DELETE ON "tracking_links" TO {APP_ROLE};
            GRANT USAGE, SELECT ON SEQUENCE "tracking_links_id_seq" TO {APP_ROLE};
          END IF;
        END $$;
    """)
    op.execute('CREATE POLICY operator_all ON "tracking_links" TO CURRENT_USER USING (true) WITH CHECK (true)')


def downgrade() -> None:
    op.drop_table("tracking_links")
