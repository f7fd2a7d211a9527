"""Reporters' sessions (a keyed digest of the token, the report, when the session ends), and the
reporter's identity, sealed to reporter-identity.

Revision ID: intake_0004
Revises: intake_0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "intake_0004"
down_revision: str | Sequence[str] | None = "intake_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reporter_session",
        sa.Column("token_digest", sa.LargeBinary(), primary_key=True),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("reporter_session_expires_at", "reporter_session", ["expires_at"])
    op.create_table(
        "reporter_identity",
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sealed", postgresql.JSONB(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reporter_identity")
    op.drop_index("reporter_session_expires_at", table_name="reporter_session")
    op.drop_table("reporter_session")
