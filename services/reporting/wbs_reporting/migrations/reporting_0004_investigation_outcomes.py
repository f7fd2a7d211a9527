"""What became of the audits: final reports, recommendations and hand-overs, counted per body and month.

Revision ID: reporting_0004
Revises: reporting_0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0004"
down_revision: str | Sequence[str] | None = "reporting_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_report_fact",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("estimated_loss_idr", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_audit_report_fact_tenant_issued", "audit_report_fact", ["tenant_id", "issued_at"])
    op.create_table(
        "recommendation_fact",
        sa.Column("recommendation_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True)),
        sa.Column("due", sa.Date()),
        sa.Column("overdue_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("on_time", sa.Boolean()),
    )
    op.create_index("ix_recommendation_fact_tenant", "recommendation_fact", ["tenant_id"])
    op.create_table(
        "hand_over_fact",
        sa.Column("escalation_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_hand_over_fact_tenant_approved", "hand_over_fact", ["tenant_id", "approved_at"])


def downgrade() -> None:
    op.drop_table("hand_over_fact")
    op.drop_table("recommendation_fact")
    op.drop_table("audit_report_fact")
