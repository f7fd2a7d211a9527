"""A case's evidence files: where the encrypted bytes are, and the file key sealed to case-substance.

Revision ID: triage_0003
Revises: triage_0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0003"
# The integrator chains the parts of issue 7 (triage_0002, 0003, 0004) at merge.
down_revision: str | Sequence[str] | None = "triage_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("blob", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("sealed_key", postgresql.JSONB(), nullable=False),
    )
    op.create_index("evidence_case_id", "evidence", ["case_id", "added_at"])


def downgrade() -> None:
    op.drop_index("evidence_case_id", table_name="evidence")
    op.drop_table("evidence")
