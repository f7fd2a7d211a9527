"""Evidence files: each file's blob, size and date, and the reporter's receipt of its name, sealed
to reporter-mailbox.

Revision ID: intake_0007
Revises: intake_0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "intake_0007"
# The integrator chains the parts of issue 7 (intake_0005, 0006, 0007, 0008) at merge.
down_revision: str | Sequence[str] | None = "intake_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("blob", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("sealed_receipt", postgresql.JSONB(), nullable=False),
    )
    op.create_index("evidence_report_id", "evidence", ["report_id", "added_at"])


def downgrade() -> None:
    op.drop_index("evidence_report_id", table_name="evidence")
    op.drop_table("evidence")
