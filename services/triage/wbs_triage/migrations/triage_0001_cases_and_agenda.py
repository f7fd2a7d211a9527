"""Cases and agenda counters.

Revision ID: triage_0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("triage",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agenda_number", sa.Text(), nullable=False),
        sa.Column("agenda_year", sa.Integer(), nullable=False),
        sa.Column("agenda_sequence", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("sealed_substance", postgresql.JSONB(), nullable=False),
        sa.UniqueConstraint("tenant_id", "agenda_year", "agenda_sequence", name="case_agenda_unique"),
    )
    op.create_table(
        "agenda_counter",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("agenda_counter")
    op.drop_table("case")
