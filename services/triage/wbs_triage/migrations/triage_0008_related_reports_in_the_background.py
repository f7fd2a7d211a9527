"""Related reports are indexed beside the consumer, not in its transaction: each case says whether
it is indexed, and the cases waiting for it are found by a partial index.

Revision ID: triage_0008
Revises: triage_0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "triage_0008"
down_revision: str | Sequence[str] | None = "triage_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("case", sa.Column("related_indexed", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Cases indexed when they were registered (the index was written in the consumer until now).
    op.execute('UPDATE "case" SET related_indexed = true WHERE id IN (SELECT case_id FROM related_signature)')
    op.create_index(
        "case_related_pending",
        "case",
        ["registered_at"],
        postgresql_where=sa.text("NOT related_indexed"),
    )


def downgrade() -> None:
    op.drop_index("case_related_pending", table_name="case")
    op.drop_column("case", "related_indexed")
