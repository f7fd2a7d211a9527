"""Recommendations of an audit and their follow-up: the deadline from the policy, the overdue
notice once per deadline, the documents (SK, evidence) kept in the case's vault.

Revision ID: investigation_0004
Revises: investigation_0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "investigation_0004"
# The parts of issue 9 each start from investigation_0002; the integrator chains them.
down_revision: str | Sequence[str] | None = "investigation_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("addressed_to", sa.Text(), nullable=False),
        sa.Column("agency", sa.Text()),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date()),
        sa.Column("due_source", sa.Text()),
        sa.Column("due_basis", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("sealed_text", postgresql.JSONB(), nullable=False),
        sa.Column("issued_by", sa.Text(), nullable=False),
        sa.Column("issued_by_name", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overdue_noticed_for", sa.Date()),
        sa.Column("overdue_noticed_at", sa.DateTime(timezone=True)),
        sa.Column("carried_out_on", sa.Date()),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("completed_by", sa.Text()),
        sa.Column("completed_by_name", sa.Text()),
        sa.Column("on_time", sa.Boolean()),
    )
    op.create_index("recommendation_case", "recommendation", ["case_id", "issued_at"])
    op.create_index(
        "recommendation_open_due",
        "recommendation",
        ["tenant_id", "due"],
        postgresql_where=sa.text("completed_at IS NULL"),
    )
    op.create_index(
        "recommendation_overdue_round",
        "recommendation",
        ["due"],
        postgresql_where=sa.text("completed_at IS NULL AND due IS NOT NULL"),
    )
    op.create_table(
        "recommendation_follow_up",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("recommendation_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("sealed_note", postgresql.JSONB()),
        sa.Column("document_id", sa.Uuid()),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("dated", sa.Date()),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("recommendation_follow_up_case", "recommendation_follow_up", ["case_id", "recorded_at"])


def downgrade() -> None:
    op.drop_table("recommendation_follow_up")
    op.drop_table("recommendation")
