"""Submissions made with an Idempotency-Key, kept as keyed digests until they expire.

Revision ID: intake_0002
Revises: intake_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0002"
down_revision: str | Sequence[str] | None = "intake_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("key_digest", sa.LargeBinary(), primary_key=True),
        sa.Column("request_digest", sa.LargeBinary(), nullable=False),
        sa.Column("report_id", sa.Uuid(), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("idempotency_key_expires_at", "idempotency_key", ["expires_at"])


def downgrade() -> None:
    op.drop_index("idempotency_key_expires_at", table_name="idempotency_key")
    op.drop_table("idempotency_key")
