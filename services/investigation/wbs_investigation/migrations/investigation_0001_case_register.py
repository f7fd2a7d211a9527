"""The case register.

Revision ID: investigation_0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "investigation_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("investigation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_file",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("agenda_number", sa.Text(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_file")
