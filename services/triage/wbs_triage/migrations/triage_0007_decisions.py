"""The end of the telaah: the BPK/APIP flag, proposed decisions with their approvals, and the links
between cases a forwarding or a merge leaves.

Revision ID: triage_0007
Revises: triage_0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "triage_0007"
down_revision: str | Sequence[str] | None = "triage_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_prior_audit",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("audited", sa.Boolean(), nullable=False),
        sa.Column("auditor", sa.Text()),
        sa.Column("auditor_name", sa.Text(), nullable=False, server_default=""),
        sa.Column("state", sa.Text()),
        sa.Column("sealed_note", JSONB()),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_decision",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("status_before", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_by_name", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("approver_roles", JSONB(), nullable=False),
        sa.Column("sealed_text", JSONB(), nullable=False),
        sa.Column("not_processed_reason", sa.Text()),
        sa.Column("forwarded_to_tenant", sa.Text()),
        sa.Column("forwarded_to_external", sa.Text()),
        sa.Column("forwarded_to_name", sa.Text()),
        sa.Column("merged_into", sa.Uuid()),
        sa.Column("forwarded_case_id", sa.Uuid()),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_by_name", sa.Text()),
        sa.Column("decided_as", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("sealed_rejection", JSONB()),
    )
    op.create_index("case_decision_case", "case_decision", ["case_id", "proposed_at"])
    op.create_table(
        "case_link",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.Text(), primary_key=True),
        sa.Column("other_case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("other_tenant", sa.Text(), nullable=False),
        sa.Column("other_agenda", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_link")
    op.drop_index("case_decision_case", table_name="case_decision")
    op.drop_table("case_decision")
    op.drop_table("case_prior_audit")
