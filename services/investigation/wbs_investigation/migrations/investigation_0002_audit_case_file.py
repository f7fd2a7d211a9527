"""The case file follows the telaah into audit: its status, the sealed conclusion and report for the
audit team, the result, the final report and the hand-over.

Revision ID: investigation_0002
Revises: investigation_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "investigation_0002"
down_revision: str | Sequence[str] | None = "investigation_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The telaah's decision may arrive before case-registered (another topic): no agenda yet.
    op.alter_column("case_file", "agenda_number", nullable=True)
    op.alter_column("case_file", "registered_on", nullable=True)
    op.add_column("case_file", sa.Column("audit_decided_at", sa.DateTime(timezone=True)))
    op.add_column("case_file", sa.Column("telaah_policy_version", sa.Integer()))
    op.add_column("case_file", sa.Column("sealed_conclusion", postgresql.JSONB()))
    op.add_column("case_file", sa.Column("sealed_report_substance", postgresql.JSONB()))
    op.add_column("case_file", sa.Column("result", sa.Text()))
    op.add_column("case_file", sa.Column("estimated_loss_idr", sa.BigInteger()))
    op.add_column("case_file", sa.Column("report_number", sa.Text()))
    op.add_column("case_file", sa.Column("report_issued_at", sa.DateTime(timezone=True)))
    op.add_column("case_file", sa.Column("handed_over_at", sa.DateTime(timezone=True)))
    op.add_column("case_file", sa.Column("ekspose_concluded_at", sa.DateTime(timezone=True)))
    op.add_column("case_file", sa.Column("sealed_ekspose_conclusion", postgresql.JSONB()))
    op.create_index("case_file_tenant_status", "case_file", ["tenant_id", "status"])
    op.create_table(
        "audit_team",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("officer_id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("seat", sa.Text(), nullable=False),
    )
    op.create_table(
        "case_document",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("blob", sa.Text(), nullable=False),
        sa.Column("sealed_key", postgresql.JSONB(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("case_document_case", "case_document", ["case_id", "kind"])


def downgrade() -> None:
    op.drop_table("case_document")
    op.drop_table("audit_team")
    op.drop_index("case_file_tenant_status", table_name="case_file")
    for column in (
        "sealed_ekspose_conclusion",
        "ekspose_concluded_at",
        "handed_over_at",
        "report_issued_at",
        "report_number",
        "estimated_loss_idr",
        "result",
        "sealed_report_substance",
        "sealed_conclusion",
        "telaah_policy_version",
        "audit_decided_at",
    ):
        op.drop_column("case_file", column)
    op.alter_column("case_file", "registered_on", nullable=False)
    op.alter_column("case_file", "agenda_number", nullable=False)
