"""Investigation's tables (kept equal to its migrations by a test)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

#: One row per case of every body: investigation hears of each case at registration and learns from
#: the telaah whether it is audited. Sealed columns hold ciphertext to case-substance only.
case_file_table = Table(
    "case_file",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("agenda_number", Text),
    Column("registered_on", Date),
    Column("status", Text, nullable=False),
    Column("audit_decided_at", DateTime(timezone=True)),
    Column("telaah_policy_version", Integer),
    #: The telaah's conclusion (TelaahConclusionV1) and the report (ReportSubstanceV1), as triage sealed them.
    Column("sealed_conclusion", JSONB),
    Column("sealed_report_substance", JSONB),
    Column("result", Text),
    Column("estimated_loss_idr", BigInteger),
    Column("report_number", Text),
    Column("report_issued_at", DateTime(timezone=True)),
    Column("handed_over_at", DateTime(timezone=True)),
    #: The exposé that preceded a hand-over (set by the ekspose when it concludes), and its
    #: conclusion (EksposeConclusionV1) sealed to case-substance, for the escalation's dossier.
    Column("ekspose_concluded_at", DateTime(timezone=True)),
    Column("sealed_ekspose_conclusion", JSONB),
    Index("case_file_tenant_status", "tenant_id", "status"),
)

#: The team the Surat Tugas names (the current one: a new Surat Tugas replaces it).
audit_team_table = Table(
    "audit_team",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("officer_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("seat", Text, nullable=False),
)

#: Every file of an audit: generated documents (Surat Tugas, laporan hasil audit), the files of a
#: Berita Acara Klarifikasi, evidence, an exposé's minutes, a recommendation's SK. The bytes are
#: encrypted in the blob store under a random key, which is kept sealed to case-substance.
case_document_table = Table(
    "case_document",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    #: What the document is (see ``DocumentKind``).
    Column("kind", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("blob", Text, nullable=False),
    Column("sealed_key", JSONB, nullable=False),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Index("case_document_case", "case_id", "kind"),
)
