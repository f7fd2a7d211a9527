"""Notifications for officers and agencies too: a recipient, a subject, a link, and retries.

Revision ID: notify_0003
Revises: notify_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "notify_0003"
down_revision: str | Sequence[str] | None = "notify_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("notification", "case_id", nullable=True)
    op.add_column("notification", sa.Column("recipient_kind", sa.Text(), nullable=False, server_default="pelapor"))
    op.add_column("notification", sa.Column("recipient", sa.Text(), nullable=True))
    op.add_column("notification", sa.Column("subject", sa.Text(), nullable=True))
    op.add_column("notification", sa.Column("link", sa.Text(), nullable=True))
    op.add_column("notification", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("notification", sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("notification", sa.Column("last_error", sa.Text(), nullable=True))
    op.add_column("notification", sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    # The delivery round's question: what is due on a channel that retries.
    op.create_index(
        "ix_notification_due",
        "notification",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'antre' AND channel IN ('surel', 'webhook')"),
    )
    # An officer's inbox: their notifications in one tenant, newest first.
    op.create_index(
        "ix_notification_recipient", "notification", ["recipient_kind", "recipient", "tenant_id", "queued_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_notification_recipient", "notification")
    op.drop_index("ix_notification_due", "notification")
    for column in (
        "read_at",
        "last_error",
        "next_attempt_at",
        "attempts",
        "link",
        "subject",
        "recipient",
        "recipient_kind",
    ):
        op.drop_column("notification", column)
    op.alter_column("notification", "case_id", nullable=False)
