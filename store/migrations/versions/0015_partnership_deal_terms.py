"""A partnership's deal terms beyond the fee (issue 13): the commission on sales through its codes
({type: percentage|per_order, value, currency}) and its costs ([{label, amount, currency}]), as the
bundle format carries them; profit = fee + commission - costs.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("partnerships", sa.Column("commission", postgresql.JSONB(), nullable=True))
    op.add_column("partnerships", sa.Column("costs", postgresql.JSONB(), nullable=False,
                                            server_default=sa.text("'[]'::jsonb")))


def downgrade() -> None:
    op.drop_column("partnerships", "costs")
    op.drop_column("partnerships", "commission")
