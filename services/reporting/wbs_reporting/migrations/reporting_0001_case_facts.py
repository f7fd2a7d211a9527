"""Countable facts per case.

Revision ID: reporting_0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("reporting",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_fact",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("category", sa.Text()),
        sa.Column("channel", sa.Text()),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("registered_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_case_fact_tenant_submitted", "case_fact", ["tenant_id", "submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_case_fact_tenant_submitted", table_name="case_fact")
    op.drop_table("case_fact")
