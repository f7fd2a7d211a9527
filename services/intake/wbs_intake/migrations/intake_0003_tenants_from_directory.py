"""Tenants now come from directory's tenant-configured events: whether a body takes reports, and
the policy version its categories came from.

Revision ID: intake_0003
Revises: intake_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0003"
down_revision: str | Sequence[str] | None = "intake_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tenant", sa.Column("offered", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("tenant", sa.Column("policy_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("tenant", "policy_version")
    op.drop_column("tenant", "offered")
