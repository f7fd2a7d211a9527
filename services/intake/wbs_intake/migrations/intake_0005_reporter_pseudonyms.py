"""Reporters who chose a pseudonym and password (nama samaran, kata sandi): a keyed digest of the
pseudonym (unique) and an argon2id hash of the password, per report.

Revision ID: intake_0005
Revises: intake_0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0005"
down_revision: str | Sequence[str] | None = "intake_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reporter_pseudonym",
        sa.Column("pseudonym_digest", sa.LargeBinary(), primary_key=True),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reporter_pseudonym")
