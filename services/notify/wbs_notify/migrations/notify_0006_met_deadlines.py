"""Deadlines met: a telaah decision or a completed recommendation may arrive before the event that
sets the deadline (topics are not ordered against one another); planning then finds it met and
plans no reminder.

Revision ID: notify_0006
Revises: notify_0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "notify_0006"
down_revision: str | Sequence[str] | None = "notify_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "met_deadline",
        sa.Column("deadline", sa.Text(), primary_key=True),
        sa.Column("reference", sa.Uuid(), primary_key=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("met_deadline")
