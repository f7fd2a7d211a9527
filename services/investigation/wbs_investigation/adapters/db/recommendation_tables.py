"""The tables of recommendations and their follow-up (kept equal to migration investigation_0004)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB

from wbs_investigation.adapters.db.tables import metadata

#: Each recommendation of an audit, followed until it is done. Its words are sealed to
#: case-substance; the office it is addressed to and its deadline are not.
recommendation_table = Table(
    "recommendation",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    #: A ``RecommendationKind``.
    Column("kind", Text, nullable=False),
    Column("addressed_to", Text, nullable=False),
    #: The agency concerned (a referral to LPSK: the one the policy names).
    Column("agency", Text),
    Column("received_on", Date, nullable=False),
    #: The last day it may be done on; where that comes from (kebijakan / petugas) and on what basis.
    Column("due", Date),
    Column("due_source", Text),
    Column("due_basis", Text, nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("sealed_text", JSONB, nullable=False),
    Column("issued_by", Text, nullable=False),
    Column("issued_by_name", Text, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    #: The deadline whose overdue notice went out (once per deadline), and when.
    Column("overdue_noticed_for", Date),
    Column("overdue_noticed_at", DateTime(timezone=True)),
    Column("carried_out_on", Date),
    Column("completed_at", DateTime(timezone=True)),
    Column("completed_by", Text),
    Column("completed_by_name", Text),
    Column("on_time", Boolean),
    Index("recommendation_case", "case_id", "issued_at"),
    #: The tenant's follow-up queue and the overdue round read only what is not done.
    Index("recommendation_open_due", "tenant_id", "due", postgresql_where=text("completed_at IS NULL")),
    Index("recommendation_overdue_round", "due", postgresql_where=text("completed_at IS NULL AND due IS NOT NULL")),
)

#: What was done about a recommendation: notes (sealed), and documents kept in the case's vault
#: (``case_document``: the copy of an SK, other evidence) with their number and date.
recommendation_follow_up_table = Table(
    "recommendation_follow_up",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("recommendation_id", Uuid, nullable=False),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    #: catatan, sk or bukti (``FollowUpKind``).
    Column("kind", Text, nullable=False),
    Column("sealed_note", JSONB),
    Column("document_id", Uuid),
    Column("reference", Text, nullable=False),
    Column("dated", Date),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_by_name", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("recommendation_follow_up_case", "case_id", "recorded_at"),
)
