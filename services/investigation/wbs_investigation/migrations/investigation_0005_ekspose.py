"""The exposés before a hand-over (ekspose, BAB II C.6): the schedule and its invitation, the
minutes, the leaders' meeting after a disagreement, the result sent to the head of region.

Revision ID: investigation_0005
Revises: investigation_0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "investigation_0005"
# Parts A, B and D of the same issue add 0003, 0004 and 0006 beside this one; the integrator chains them.
down_revision: str | Sequence[str] | None = "investigation_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ekspose",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("letter_number", sa.Text(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by", sa.Text(), nullable=False),
        sa.Column("invited_by_name", sa.Text(), nullable=False),
        sa.Column("sealed_invitation", postgresql.JSONB(), nullable=False),
        sa.Column("invitation_document_id", sa.Uuid()),
        sa.Column("minutes_conclusion", sa.Text()),
        sa.Column("minutes_recorded_by", sa.Text()),
        sa.Column("minutes_recorded_by_name", sa.Text()),
        sa.Column("minutes_recorded_at", sa.DateTime(timezone=True)),
        sa.Column("sealed_minutes", postgresql.JSONB()),
        sa.Column("minutes_document_id", sa.Uuid()),
        sa.Column("leaders_held_on", sa.Date()),
        sa.Column("leaders_decision", sa.Text()),
        sa.Column("leaders_recorded_by", sa.Text()),
        sa.Column("leaders_recorded_by_name", sa.Text()),
        sa.Column("leaders_recorded_at", sa.DateTime(timezone=True)),
        sa.Column("sealed_leaders_meeting", postgresql.JSONB()),
        sa.Column("result_sent_to", sa.Text()),
        sa.Column("result_sent_on", sa.Date()),
        sa.Column("result_letter_number", sa.Text()),
        sa.Column("result_recorded_by", sa.Text()),
        sa.Column("result_recorded_by_name", sa.Text()),
        sa.Column("result_recorded_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ekspose_case", "ekspose", ["case_id", "scheduled_at"])


def downgrade() -> None:
    op.drop_table("ekspose")
