"""The Kotak Komunikasi: each case's messages, both ways, sealed to case-substance.

Revision ID: triage_0002
Revises: triage_0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0002"
down_revision: str | Sequence[str] | None = "triage_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_message",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("in_reply_to", sa.Uuid(), nullable=True),
        sa.Column("answer_due", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("case_message_case", "case_message", ["case_id", "sent_at"])


def downgrade() -> None:
    op.drop_index("case_message_case", table_name="case_message")
    op.drop_table("case_message")
