"""The audit trail: hash-chained entries per tenant, each chain's head, and heads kept from other services.

``audit_entry`` and ``audit_head_received`` refuse UPDATE, DELETE and TRUNCATE by trigger. That
stops mistakes and casual edits; someone who drops the trigger is caught by ``wbs audit verify``.

Revision ID: messaging_0003
Revises: messaging_0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "messaging_0003"
down_revision: str | Sequence[str] | None = "messaging_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("audit_entry", "audit_head_received")


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("sequence", sa.BigInteger(), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_name", sa.Text()),
        sa.Column("role", sa.Text()),
        sa.Column("session_id", sa.Text()),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("object_type", sa.Text()),
        sa.Column("object_id", sa.Text()),
        sa.Column("details", postgresql.JSONB(), nullable=False),
        sa.Column("correlation_id", sa.Text()),
        sa.Column("previous_hash", sa.Text(), nullable=False),
        sa.Column("entry_hash", sa.Text(), nullable=False),
        sa.CheckConstraint("sequence >= 1", name="audit_entry_sequence_positive"),
    )
    op.create_index("audit_entry_object", "audit_entry", ["tenant_id", "object_type", "object_id"])
    op.create_table(
        "audit_chain",
        sa.Column("tenant_id", sa.Text(), primary_key=True),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.Text(), nullable=False),
        sa.Column("published_sequence", sa.BigInteger()),
        sa.Column("published_hash", sa.Text()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "audit_head_received",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("producer", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.Text(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("producer", "tenant_id", "sequence", "entry_hash", name="audit_head_received_distinct"),
    )
    op.execute(
        """
        CREATE FUNCTION wbs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION wbs_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION wbs_append_only()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
    op.execute("DROP FUNCTION wbs_append_only()")
    op.drop_table("audit_head_received")
    op.drop_table("audit_chain")
    op.drop_index("audit_entry_object", table_name="audit_entry")
    op.drop_table("audit_entry")
