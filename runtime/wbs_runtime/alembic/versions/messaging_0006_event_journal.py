"""The event journal: every event a service applied, kept to rebuild its read models (opt-in per service).

Revision ID: messaging_0006
Revises: messaging_0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "messaging_0006"
down_revision: str | Sequence[str] | None = "messaging_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_journal",
        sa.Column("seq", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("event_source", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("message_key", sa.LargeBinary()),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("header_names", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("header_values", postgresql.ARRAY(sa.LargeBinary()), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("event_journal_event", "event_journal", ["event_source", "event_id"], unique=True)


def downgrade() -> None:
    op.drop_table("event_journal")
