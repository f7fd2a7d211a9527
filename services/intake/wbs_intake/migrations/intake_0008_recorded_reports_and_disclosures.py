"""Reports a petugas recorded from another channel (where and when they arrived, who recorded
them), what the reporter is told besides the status (forwarded, identity disclosed), and requests
to disclose a reporter's identity with their decisions.

Revision ID: intake_0008
Revises: intake_0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0008"
down_revision: str | Sequence[str] | None = "intake_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recorded_report",
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("received_by", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("forwarded", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reporter_notice",
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.Text(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("body_name", sa.Text()),
    )
    op.create_table(
        "identity_disclosure",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_by_name", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_by_name", sa.Text()),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
    )
    op.create_index("identity_disclosure_report", "identity_disclosure", ["report_id"])
    op.create_index("identity_disclosure_tenant_state", "identity_disclosure", ["tenant_id", "state"])


def downgrade() -> None:
    op.drop_index("identity_disclosure_tenant_state", table_name="identity_disclosure")
    op.drop_index("identity_disclosure_report", table_name="identity_disclosure")
    op.drop_table("identity_disclosure")
    op.drop_table("reporter_notice")
    op.drop_table("recorded_report")
