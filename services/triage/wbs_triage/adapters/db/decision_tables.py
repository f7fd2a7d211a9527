"""Triage's tables of the end of the telaah: the BPK/APIP flag, the proposed decisions with their
approvals, and the links a forwarding or a merge ties between two cases. Words are sealed."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from wbs_triage.adapters.db.tables import metadata

#: Whether the same matter is being or has been audited by BPK or another APIP (004 BAB II C.4).
prior_audit_table = Table(
    "case_prior_audit",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("audited", Boolean, nullable=False),
    Column("auditor", Text),
    Column("auditor_name", Text, nullable=False, server_default=""),
    Column("state", Text),
    Column("sealed_note", JSONB),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

#: Every proposed decision, kept whatever became of it (approved, rejected, in effect at once).
decision_table = Table(
    "case_decision",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("status_before", Text, nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_by_name", Text, nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("approver_roles", JSONB, nullable=False),
    Column("sealed_text", JSONB, nullable=False),
    Column("not_processed_reason", Text),
    Column("forwarded_to_tenant", Text),
    Column("forwarded_to_external", Text),
    Column("forwarded_to_name", Text),
    Column("merged_into", Uuid),
    Column("forwarded_case_id", Uuid),
    Column("decided_by", Text),
    Column("decided_by_name", Text),
    Column("decided_as", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("sealed_rejection", JSONB),
    Index("case_decision_case", "case_id", "proposed_at"),
)

#: The trail a decision leaves between two cases, kept on both (forwarded to/from, merged into/from).
case_link_table = Table(
    "case_link",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("other_case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("other_tenant", Text, nullable=False),
    Column("other_agenda", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
