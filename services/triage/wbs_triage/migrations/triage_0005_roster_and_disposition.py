"""The roster (each officer's roles per tenant, from directory), disposisi (every disposition
kept, the current team), and the clocks the queue filters by on each case.

Revision ID: triage_0005
Revises: triage_0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0005"
down_revision: str | Sequence[str] | None = "triage_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "officer_roster",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("officer_id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_disposition",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disposed_by", sa.Text(), nullable=False),
        sa.Column("disposed_by_name", sa.Text(), nullable=False),
        sa.Column("team", postgresql.JSONB(), nullable=False),
        sa.Column("sealed_instruction", postgresql.JSONB(), nullable=False),
        sa.Column("follow_up_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
    )
    op.create_index("case_disposition_case", "case_disposition", ["case_id", "disposed_at"])
    op.create_table(
        "case_team",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("officer_id", sa.Text(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
    )
    op.create_index("case_team_officer", "case_team", ["tenant_id", "officer_id", "case_id"])
    op.add_column("case", sa.Column("disposed_at", sa.DateTime(timezone=True)))
    op.add_column("case", sa.Column("follow_up_due", sa.DateTime(timezone=True)))
    op.add_column("case", sa.Column("waiting_on_reporter_since", sa.DateTime(timezone=True)))
    op.create_index("case_tenant_status_registered_on", "case", ["tenant_id", "status", "registered_on"])
    op.create_index("case_tenant_follow_up_due", "case", ["tenant_id", "follow_up_due"])


def downgrade() -> None:
    op.drop_index("case_tenant_follow_up_due", table_name="case")
    op.drop_index("case_tenant_status_registered_on", table_name="case")
    op.drop_column("case", "waiting_on_reporter_since")
    op.drop_column("case", "follow_up_due")
    op.drop_column("case", "disposed_at")
    op.drop_index("case_team_officer", table_name="case_team")
    op.drop_table("case_team")
    op.drop_index("case_disposition_case", table_name="case_disposition")
    op.drop_table("case_disposition")
    op.drop_table("officer_roster")
