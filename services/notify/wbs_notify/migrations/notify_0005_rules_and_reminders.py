"""Who is told what: each case's team (from its latest disposition) and the reminders of deadlines.

Revision ID: notify_0005
Revises: notify_0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "notify_0005"
down_revision: str | Sequence[str] | None = "notify_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_team",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("members", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=False),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("deadline", sa.Text(), nullable=False),
        sa.Column("reference", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
    )
    # The round's question: which waiting reminders are due.
    op.create_index("ix_reminder_due", "reminder", ["fire_at"], postgresql_where=sa.text("state = 'menunggu'"))
    # Cancelling a deadline's reminders when it is met.
    op.create_index("ix_reminder_reference", "reminder", ["reference", "deadline"])


def downgrade() -> None:
    op.drop_index("ix_reminder_reference", "reminder")
    op.drop_index("ix_reminder_due", "reminder")
    op.drop_table("reminder")
    op.drop_table("case_team")
