"""Tenants, their categories, reports and their status timeline.

Revision ID: intake_0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("intake",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
    )
    op.create_table(
        "tenant_category",
        sa.Column("tenant_id", sa.Text(), sa.ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("slug", sa.Text(), primary_key=True),
        sa.Column("label_id", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("registration_number", sa.Text(), nullable=False, unique=True),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "report_status",
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.Text(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_status")
    op.drop_table("report")
    op.drop_table("tenant_category")
    op.drop_table("tenant")
