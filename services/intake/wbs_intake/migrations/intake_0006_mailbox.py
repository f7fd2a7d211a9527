"""The Kotak Komunikasi: messages between the reporter and the officers, sealed to reporter-mailbox.

Revision ID: intake_0006
Revises: intake_0005
Create Date: 2026-11-23

(``down_revision`` is chained after the other parts of issue 7 when they are merged.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "intake_0006"
down_revision: str | Sequence[str] | None = "intake_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mailbox_message",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("in_reply_to", sa.Uuid(), nullable=True),
        sa.Column("answer_due", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("mailbox_message_report", "mailbox_message", ["report_id", "sent_at"])


def downgrade() -> None:
    op.drop_index("mailbox_message_report", table_name="mailbox_message")
    op.drop_table("mailbox_message")
