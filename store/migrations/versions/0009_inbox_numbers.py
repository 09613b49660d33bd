"""The inbox: per-tenant numbers for conversations a human is asked into and for support issues; who
closed an issue and why

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("number", sa.Integer(), nullable=True))
    op.create_index("uq_conversation_number", "conversations", ["tenant_id", "number"], unique=True,
                    postgresql_where=sa.text("number IS NOT NULL"))
    op.add_column("support_issues", sa.Column("number", sa.Integer(), nullable=True))
    op.add_column("support_issues", sa.Column("closed_by", sa.String(80), nullable=True))
    op.add_column("support_issues", sa.Column("close_note", sa.Text(), nullable=True))
    op.execute(
        "UPDATE support_issues s SET number = n.rn FROM (SELECT id, row_number() OVER "
        "(PARTITION BY tenant_id ORDER BY id) AS rn FROM support_issues) n WHERE s.id = n.id"
    )
    op.create_index("uq_support_issue_number", "support_issues", ["tenant_id", "number"], unique=True,
                    postgresql_where=sa.text("number IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("uq_support_issue_number", table_name="support_issues")
    op.drop_column("support_issues", "close_note")
    op.drop_column("support_issues", "closed_by")
    op.drop_column("support_issues", "number")
    op.drop_index("uq_conversation_number", table_name="conversations")
    op.drop_column("conversations", "number")
