"""A brand communication may carry a date ("they will pay by Dec 10"): an open financial item past it is
an alert (rule brand_note_overdue).

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("brand_notes", sa.Column("due_date", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("brand_notes", "due_date")
