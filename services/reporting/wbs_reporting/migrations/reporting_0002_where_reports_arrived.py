"""Where a forwarded report arrived: its channel counts there, its case where it is handled.

Revision ID: reporting_0002
Revises: reporting_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0002"
down_revision: str | Sequence[str] | None = "reporting_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("case_fact", sa.Column("received_by", sa.Text(), nullable=True))
    op.create_index("ix_case_fact_received_by_submitted", "case_fact", ["received_by", "submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_case_fact_received_by_submitted", table_name="case_fact")
    op.drop_column("case_fact", "received_by")
