"""Public statistics: publications proposed and approved, each with its frozen snapshot.

Revision ID: reporting_0006
Revises: reporting_0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "reporting_0006"
down_revision: str | Sequence[str] | None = "reporting_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("through_month", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approver_roles", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("approved_by", sa.Text()),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("via_roles", postgresql.ARRAY(sa.Text()), nullable=False),
    )
    op.create_index("ix_publication_tenant_state", "publication", ["tenant_id", "state"])


def downgrade() -> None:
    op.drop_table("publication")
