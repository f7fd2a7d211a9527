"""The audit itself: the Surat Tugas, the programme, Berita Acara Klarifikasi, the evidence register
with its custody, results, the auditee's responses and final reports.

Revision ID: investigation_0003
Revises: investigation_0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "investigation_0003"
down_revision: str | Sequence[str] | None = "investigation_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "surat_tugas",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Text(), nullable=False),
        sa.Column("issued_by_name", sa.Text(), nullable=False),
        sa.Column("team", postgresql.JSONB(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("budget_idr", sa.BigInteger(), nullable=False),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
    )
    op.create_index("surat_tugas_number", "surat_tugas", ["tenant_id", "number"], unique=True)
    op.create_index("surat_tugas_case", "surat_tugas", ["case_id", "issued_at"])
    op.create_table(
        "audit_programme",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_by_name", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "clarification",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("document_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("clarification_case", "clarification", ["case_id", "held_at"])
    op.create_table(
        "evidence_item",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("obtained_on", sa.Date(), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("document_id", sa.Uuid()),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_by_name", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("evidence_item_number", "evidence_item", ["case_id", "number"], unique=True)
    op.create_table(
        "evidence_custody",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("officer_id", sa.Text(), nullable=False),
        sa.Column("officer_name", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("evidence_custody_case", "evidence_custody", ["case_id", "at"])
    op.create_table(
        "audit_result",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("estimated_loss_idr", sa.BigInteger(), nullable=False),
        sa.Column("sealed_findings", postgresql.JSONB(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("audit_result_version", "audit_result", ["case_id", "version"], unique=True)
    op.create_table(
        "auditee_response",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("result_id", sa.Uuid(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("auditee_response_case", "auditee_response", ["case_id", "recorded_at"])
    op.create_table(
        "final_report",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Text(), nullable=False),
        sa.Column("issued_by_name", sa.Text(), nullable=False),
        sa.Column("result_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.create_index("final_report_number", "final_report", ["tenant_id", "number"], unique=True)
    op.create_index("final_report_revision", "final_report", ["case_id", "revision"], unique=True)


def downgrade() -> None:
    for table in (
        "final_report",
        "auditee_response",
        "audit_result",
        "evidence_custody",
        "evidence_item",
        "clarification",
        "audit_programme",
        "surat_tugas",
    ):
        op.drop_table(table)
