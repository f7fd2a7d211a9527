"""The telaah workspace: the registration record (pencatatan), the checklist and the free notes,
each sealed to case-substance; the related-reports index (keyed digests and signatures).

Revision ID: triage_0006
Revises: triage_0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0006"
# The integrator chains the parts of issue 8 (triage_0005, 0006, 0007) at merge.
down_revision: str | Sequence[str] | None = "triage_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_registration",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
    )
    op.create_table(
        "telaah_checklist",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "telaah_note",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Text(), nullable=False),
        sa.Column("author_name", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
    )
    op.create_index("telaah_note_case", "telaah_note", ["case_id", "written_at"])
    op.create_table(
        "related_digest",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("label", sa.Text(), primary_key=True),
        sa.Column("digest", sa.LargeBinary(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), primary_key=True),
    )
    op.create_index("related_digest_case", "related_digest", ["case_id"])
    op.create_table(
        "related_signature",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("signature", postgresql.ARRAY(sa.BigInteger()), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("related_signature")
    op.drop_index("related_digest_case", table_name="related_digest")
    op.drop_table("related_digest")
    op.drop_index("telaah_note_case", table_name="telaah_note")
    op.drop_table("telaah_note")
    op.drop_table("telaah_checklist")
    op.drop_table("case_registration")
