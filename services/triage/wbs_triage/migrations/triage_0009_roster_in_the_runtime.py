"""The roster moves into the runtime (``officer_roles``, messaging_0005), shared with investigation:
triage's rows are carried over and its own table dropped.

Revision ID: triage_0009
Revises: triage_0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0009"
down_revision: str | Sequence[str] | None = "triage_0008"
branch_labels: str | Sequence[str] | None = None
#: The runtime's table must exist before the rows move into it.
depends_on: str | Sequence[str] | None = "messaging_0005"


def upgrade() -> None:
    op.execute(
        """
        INSERT INTO officer_roles (tenant_id, officer_id, name, roles, active, changed_at)
        SELECT tenant_id, officer_id, name, roles, active, changed_at FROM officer_roster
        ON CONFLICT (tenant_id, officer_id) DO UPDATE
            SET name = excluded.name, roles = excluded.roles, active = excluded.active, changed_at = excluded.changed_at
            WHERE officer_roles.changed_at < excluded.changed_at
        """
    )
    op.drop_table("officer_roster")


def downgrade() -> None:
    op.create_table(
        "officer_roster",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("officer_id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO officer_roster (tenant_id, officer_id, name, roles, active, changed_at) "
        "SELECT tenant_id, officer_id, name, roles, active, changed_at FROM officer_roles"
    )
