"""How each telaah of a report ended, for the reporter's timeline, and the cases other bodies
registered for a report forwarded to them.

Revision ID: intake_0009
Revises: intake_0008
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "intake_0009"
down_revision: str | Sequence[str] | None = "intake_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_telaah_end",
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.Text(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body_name", sa.Text()),
        sa.Column("sealed_reason", JSONB()),
        sa.Column("reason_tenant", sa.Text()),
        sa.Column("reason_case", sa.Uuid()),
    )
    op.create_table(
        "forwarded_case",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("forwarded_case")
    op.drop_table("report_telaah_end")
