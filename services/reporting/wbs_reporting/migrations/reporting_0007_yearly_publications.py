"""Public statistics are published per whole year, once: at most one approved and one waiting
publication per body and year. Older publications of part of a year (or a second one of a year)
are set aside as superseded (``digantikan``): the public page shows whole years only.

Revision ID: reporting_0007
Revises: reporting_0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0007"
down_revision: str | Sequence[str] | None = "reporting_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE publication SET state = 'digantikan' WHERE through_month <> 12 AND state <> 'digantikan'")
    # Of several approved (or waiting) publications of one year, the latest proposed stays.
    op.execute(
        """
        UPDATE publication p SET state = 'digantikan'
        WHERE p.state IN ('disetujui', 'menunggu') AND EXISTS (
            SELECT 1 FROM publication q
            WHERE q.tenant_id = p.tenant_id AND q.year = p.year AND q.state = p.state
              AND (q.proposed_at, q.id) > (p.proposed_at, p.id)
        )
        """
    )
    op.create_index(
        "ux_publication_year_approved",
        "publication",
        ["tenant_id", "year"],
        unique=True,
        postgresql_where=sa.text("state = 'disetujui'"),
    )
    op.create_index(
        "ux_publication_year_waiting",
        "publication",
        ["tenant_id", "year"],
        unique=True,
        postgresql_where=sa.text("state = 'menunggu'"),
    )


def downgrade() -> None:
    op.drop_index("ux_publication_year_waiting", table_name="publication")
    op.drop_index("ux_publication_year_approved", table_name="publication")
