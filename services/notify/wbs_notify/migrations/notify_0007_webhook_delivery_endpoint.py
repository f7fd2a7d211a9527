"""An index on webhook_delivery(endpoint_id): disabling an endpoint (410) or removing it (the
cascade) looked its calls up through the whole table, the primary key leading with the notification.

Revision ID: notify_0007
Revises: notify_0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "notify_0007"
down_revision: str | Sequence[str] | None = "notify_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_webhook_delivery_endpoint", "webhook_delivery", ["endpoint_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_endpoint", "webhook_delivery")
