"""knowledge_chunks: keep rows up to ~4 KB whole in the heap (toast_tuple_target = 4080)

With the embedding inline (0005) a chunk row is ~2.4 KB, just over the default 2 KB at which
PostgreSQL moves the largest value (the stored tsvector) out to TOAST. Ranking a common word then
fetched TOAST for every matching row: 148 ms for 2,500 matches in a 5,000-post tenant; inline, 9 ms.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE knowledge_chunks SET (toast_tuple_target = 4080)")
    # Existing rows keep their TOASTed values until rewritten; rewriting recomputes terms_tsv inline.
    op.execute("UPDATE knowledge_chunks SET terms = terms || ''")


def downgrade() -> None:
    op.execute("ALTER TABLE knowledge_chunks RESET (toast_tuple_target)")
