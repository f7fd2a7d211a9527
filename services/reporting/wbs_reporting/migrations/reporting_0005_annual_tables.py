"""The annual tables: each case's disposition (case-disposed), and what officers write for the annual
report: the monthly kendala, solusi and evaluation, and who signs it.

Revision ID: reporting_0005
Revises: reporting_0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0005"
down_revision: str | Sequence[str] | None = "reporting_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE_FIELDS = (
    "kendala",
    "solusi",
    "evaluasi_solusi",
    "bukti_tindak_lanjut",
    "evaluasi",
    "hasil_penanganan",
    "keterangan",
)
SIGN_OFF_FIELDS = (
    "kepala_jabatan",
    "kepala_nama",
    "kepala_nip",
    "ketua_jabatan",
    "ketua_nama",
    "ketua_nip",
    "tempat",
    "tanggal",
)


def _texts(names: Sequence[str]) -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column(name, sa.Text(), nullable=False, server_default="") for name in names]


def upgrade() -> None:
    op.create_table(
        "case_disposition",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=False),
    )
    op.create_index("ix_case_disposition_tenant_disposed", "case_disposition", ["tenant_id", "disposed_at"])
    op.create_table(
        "month_note",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("month", sa.Integer(), primary_key=True),
        *_texts(NOTE_FIELDS),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "annual_sign_off",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        *_texts(SIGN_OFF_FIELDS),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("annual_sign_off")
    op.drop_table("month_note")
    op.drop_index("ix_case_disposition_tenant_disposed", table_name="case_disposition")
    op.drop_table("case_disposition")
