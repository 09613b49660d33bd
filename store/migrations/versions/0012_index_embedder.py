"""The knowledge index records the embedder of each document's vectors, so vectors of different models
are never compared: a search with another embedder than the index was built with uses words only until
`influencer-os reindex` (or the next import) re-embeds.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("knowledge_documents", sa.Column("embedder", sa.String(100), nullable=True))


def downgrade() -> None:
    op.drop_column("knowledge_documents", "embedder")
