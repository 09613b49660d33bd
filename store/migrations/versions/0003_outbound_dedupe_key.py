"""outbound_messages.dedupe_key: one row per logical send, so a retried job never sends twice

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('outbound_messages', sa.Column('dedupe_key', sa.String(length=160), nullable=True))
    op.create_index(
        'uq_outbound_dedupe',
        'outbound_messages',
        ['tenant_id', 'dedupe_key'],
        unique=True,
        postgresql_where=sa.text('dedupe_key IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('uq_outbound_dedupe', table_name='outbound_messages')
    op.drop_column('outbound_messages', 'dedupe_key')
