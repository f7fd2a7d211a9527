"""Escalation (pelimpahan): each proposed hand-over of a case to APH or the KPK, its approval as the
tenant's policy asks, what was sent to the agency, and the agency's acknowledgement.

Revision ID: investigation_0006
Revises: investigation_0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "investigation_0006"
down_revision: str | Sequence[str] | None = "investigation_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("agency_name", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("estimated_loss_idr", sa.BigInteger(), nullable=False),
        sa.Column("report_number", sa.Text()),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_by_name", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposal_policy_version", sa.Integer(), nullable=False),
        sa.Column("approver_roles", postgresql.JSONB(), nullable=False),
        sa.Column("sealed_text", postgresql.JSONB(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_by_name", sa.Text()),
        sa.Column("decided_as", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("policy_version", sa.Integer()),
        sa.Column("policy_basis", sa.Text(), nullable=False, server_default=""),
        sa.Column("sealed_rejection", postgresql.JSONB()),
        sa.Column("from_name", sa.Text()),
        sa.Column("sealed_dossier", postgresql.JSONB()),
        sa.Column("documents", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("acknowledged_by", sa.Text()),
        sa.Column("agency_reference", sa.Text()),
    )
    op.create_index("escalation_case", "escalation", ["case_id"])
    op.create_index("escalation_agency_state", "escalation", ["agency", "state"])


def downgrade() -> None:
    op.drop_table("escalation")
