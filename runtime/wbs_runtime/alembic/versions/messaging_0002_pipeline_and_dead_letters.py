"""Where each event was published, indexes for pruning, and the dead letters kept durably.

Revision ID: messaging_0002
Revises: messaging_0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "messaging_0002"
down_revision: str | Sequence[str] | None = "messaging_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("published_partition", sa.Integer()))
    op.add_column("outbox", sa.Column("published_offset", sa.BigInteger()))
    op.create_index(
        "outbox_published_at", "outbox", ["published_at"], postgresql_where=sa.text("published_at IS NOT NULL")
    )
    op.create_index("inbox_applied_at", "inbox", ["applied_at"])
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("topic_partition", sa.Integer(), nullable=False),
        sa.Column("topic_offset", sa.BigInteger(), nullable=False),
        sa.Column("message_key", sa.LargeBinary()),
        sa.Column("value", sa.LargeBinary()),
        sa.Column("header_names", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("header_values", postgresql.ARRAY(sa.LargeBinary()), nullable=False),
        sa.Column("event_source", sa.Text()),
        sa.Column("event_id", sa.Uuid()),
        sa.Column("event_type", sa.Text()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("error_type", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("status", sa.Text(), nullable=False, server_default="parked"),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('parked', 'resend', 'resent', 'discarded')", name="dead_letter_status_known"),
    )
    op.create_index(
        "dead_letter_open_event",
        "dead_letter",
        ["consumer", "event_source", "event_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('parked', 'resend')"),
    )
    op.create_index("dead_letter_status", "dead_letter", ["status", "topic"])


def downgrade() -> None:
    op.drop_index("dead_letter_status", table_name="dead_letter")
    op.drop_index("dead_letter_open_event", table_name="dead_letter")
    op.drop_table("dead_letter")
    op.drop_index("inbox_applied_at", table_name="inbox")
    op.drop_index("outbox_published_at", table_name="outbox")
    op.drop_column("outbox", "published_offset")
    op.drop_column("outbox", "published_partition")
