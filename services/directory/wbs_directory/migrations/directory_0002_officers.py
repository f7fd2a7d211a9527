"""Officers, their grants per tenant, recovery codes and sign-in sessions.

Revision ID: directory_0002
Revises: directory_0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "directory_0002"
down_revision: str | Sequence[str] | None = "directory_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "officer",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("login", sa.Text(), nullable=False, unique=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.Text(), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("pending_totp_secret", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "officer_grant",
        sa.Column("officer_id", UUID(as_uuid=True), sa.ForeignKey("officer.id"), primary_key=True),
        sa.Column("tenant_id", sa.Text(), sa.ForeignKey("tenant.id"), primary_key=True),
        sa.Column("role", sa.Text(), primary_key=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
    )
    op.create_table(
        "recovery_code",
        sa.Column("officer_id", UUID(as_uuid=True), sa.ForeignKey("officer.id"), primary_key=True),
        sa.Column("digest", sa.Text(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "officer_session",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("officer_id", UUID(as_uuid=True), sa.ForeignKey("officer.id"), nullable=False),
        sa.Column("token_digest", sa.LargeBinary(), nullable=False, unique=True),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("amr", ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
    )
    op.create_index("officer_session_officer", "officer_session", ["officer_id"])


def downgrade() -> None:
    op.drop_index("officer_session_officer", table_name="officer_session")
    op.drop_table("officer_session")
    op.drop_table("recovery_code")
    op.drop_table("officer_grant")
    op.drop_table("officer")
