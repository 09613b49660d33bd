"""knowledge_chunks.embedding stored inline (STORAGE PLAIN), not in TOAST

pgvector stores a vector out of line once a row passes ~2 KB, which a 384-dim vector plus the
chunk's text and terms does. A tenant-scoped exact search then reads three pages per row through
the TOAST index (15k buffers for a 5,000-post tenant); inline it reads ~1.2k.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE knowledge_chunks ALTER COLUMN embedding SET STORAGE PLAIN")
    # Rows written before keep their out-of-line value until rewritten; rewrite them now.
    op.execute("UPDATE knowledge_chunks SET embedding = embedding::text::vector")


def downgrade() -> None:
    op.execute("ALTER TABLE knowledge_chunks ALTER COLUMN embedding SET STORAGE EXTERNAL")
