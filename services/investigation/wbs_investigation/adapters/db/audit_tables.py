"""The audit's own tables: the Surat Tugas, the programme, clarifications, the evidence register with
its custody, results, the auditee's responses and final reports (kept equal to migration
investigation_0003 by a test). Whatever speaks of the matter is sealed to case-substance; dates,
numbers and who did what stay in the clear for the pages and the trail."""

from __future__ import annotations

from sqlalchemy import ARRAY, BigInteger, Column, Date, DateTime, Identity, Index, Integer, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from wbs_investigation.adapters.db.tables import metadata

#: Every Surat Tugas issued for a case (a new one replaces the team; the letters stay).
surat_tugas_table = Table(
    "surat_tugas",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", Text, nullable=False),
    Column("issued_by_name", Text, nullable=False),
    #: The team it named: [{officer_id, name, seat}], ketua tim first.
    Column("team", JSONB, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("budget_idr", BigInteger, nullable=False),
    Column("resources", Text, nullable=False),
    Column("document_id", Uuid, nullable=False),
    Index("surat_tugas_number", "tenant_id", "number", unique=True),
    Index("surat_tugas_case", "case_id", "issued_at"),
)

#: The audit programme of a case (the latest; each change is on the trail).
audit_programme_table = Table(
    "audit_programme",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_by_name", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: Every Berita Acara Klarifikasi, with the documents of its files.
clarification_table = Table(
    "clarification",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("document_ids", ARRAY(Uuid), nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_by_name", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("clarification_case", "case_id", "held_at"),
)

#: The evidence register: each item numbered within its case (B-1, B-2, ...).
evidence_item_table = Table(
    "evidence_item",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("number", Integer, nullable=False),
    Column("obtained_on", Date, nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("document_id", Uuid),
    Column("added_by", Text, nullable=False),
    Column("added_by_name", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Index("evidence_item_number", "case_id", "number", unique=True),
)

#: The chain of custody: who added, viewed or exported each item, and when. Only ever appended.
evidence_custody_table = Table(
    "evidence_custody",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("evidence_id", Uuid, nullable=False),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("officer_id", Text, nullable=False),
    Column("officer_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("recipient", Text, nullable=False, server_default=""),
    Index("evidence_custody_case", "case_id", "at"),
)

#: Every result recorded (a revision adds a version; the latest is in force).
audit_result_table = Table(
    "audit_result",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("result", Text, nullable=False),
    Column("estimated_loss_idr", BigInteger, nullable=False),
    Column("sealed_findings", JSONB, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_by_name", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("audit_result_version", "case_id", "version", unique=True),
)

#: The auditee's responses, each to one result.
auditee_response_table = Table(
    "auditee_response",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("result_id", Uuid, nullable=False),
    Column("responded_on", Date, nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_by_name", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("auditee_response_case", "case_id", "recorded_at"),
)

#: Every final report issued (a revised one after testing new evidence adds a revision).
final_report_table = Table(
    "final_report",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", Text, nullable=False),
    Column("issued_by_name", Text, nullable=False),
    Column("result_id", Uuid, nullable=False),
    Column("document_id", Uuid, nullable=False),
    Column("revision", Integer, nullable=False),
    Index("final_report_number", "tenant_id", "number", unique=True),
    Index("final_report_revision", "case_id", "revision", unique=True),
)
