"""Where a forwarded report arrived and the day a recorded report was received, and the index of
a tenant's cases newest first.

Revision ID: triage_0004
Revises: triage_0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "triage_0004"
down_revision: str | Sequence[str] | None = "triage_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("case", sa.Column("received_by", sa.Text()))
    op.add_column("case", sa.Column("received_on", sa.Date()))
    op.create_index("case_tenant_registered_at", "case", ["tenant_id", "registered_at"])


def downgrade() -> None:
    op.drop_index("case_tenant_registered_at", table_name="case")
    op.drop_column("case", "received_on")
    op.drop_column("case", "received_by")
