"""How each case's telaah ended, counted per body, month and outcome.

Revision ID: reporting_0003
Revises: reporting_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0003"
down_revision: str | Sequence[str] | None = "reporting_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telaah_decision",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_telaah_decision_tenant_decided", "telaah_decision", ["tenant_id", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_telaah_decision_tenant_decided", table_name="telaah_decision")
    op.drop_table("telaah_decision")
