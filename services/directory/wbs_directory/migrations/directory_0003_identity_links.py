"""Single sign-on: officers' identities at their bodies' OpenID providers, and the flows waiting
for a provider's answer.

Revision ID: directory_0003
Revises: directory_0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "directory_0003"
down_revision: str | Sequence[str] | None = "directory_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "officer_identity",
        sa.Column("issuer", sa.Text(), primary_key=True),
        sa.Column("subject", sa.Text(), primary_key=True),
        sa.Column("officer_id", UUID(as_uuid=True), sa.ForeignKey("officer.id"), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.Text(), nullable=False),
    )
    op.create_index("officer_identity_officer_issuer", "officer_identity", ["officer_id", "issuer"], unique=True)
    op.create_table(
        "sso_flow",
        sa.Column("token_digest", sa.LargeBinary(), primary_key=True),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=False),
        sa.Column("code_verifier", sa.Text(), nullable=False),
        sa.Column("officer_id", UUID(as_uuid=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("sso_flow_started", "sso_flow", ["started_at"])


def downgrade() -> None:
    op.drop_table("sso_flow")
    op.drop_table("officer_identity")
