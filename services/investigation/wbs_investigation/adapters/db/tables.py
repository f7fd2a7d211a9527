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
    Index("case_file_tenant_status", "tenant_id", "status"),
)
