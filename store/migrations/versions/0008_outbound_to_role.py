"""outbound_messages.to_role: whom a message went to (follower or owner), for delivery checks and the inbox

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbound_messages", sa.Column("to_role", sa.String(10), nullable=True))
    op.execute("UPDATE outbound_messages SET to_role = CASE WHEN purpose = 'reply' THEN 'follower' ELSE 'owner' END")


def downgrade() -> None:
    op.drop_column("outbound_messages", "to_role")
