"""The telaah's tables: the registration record, the checklist and the notes (each sealed to
case-substance), and the related-reports index (keyed digests and signatures: no plaintext)."""

from __future__ import annotations

from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Index, LargeBinary, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from wbs_triage.adapters.db.tables import metadata

#: The pencatatan the officers completed: RegistrationDetailsV1, sealed.
case_registration_table = Table(
    "case_registration",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", Text, nullable=False),
)

#: The five steps of each case's telaah with their notes: TelaahChecklistV1, sealed.
telaah_checklist_table = Table(
    "telaah_checklist",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: The penelaah's free notes, only ever added to: TelaahNoteV1, sealed.
telaah_note_table = Table(
    "telaah_note",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("author_id", Text, nullable=False),
    Column("author_name", Text, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("sealed", JSONB, nullable=False),
    Index("telaah_note_case", "case_id", "written_at"),
)

#: Each case's keyed digests (terlapor NIP/NRP and name, unit, bands of the text's signature):
#: the primary key is the lookup of the cases sharing a digest within a tenant.
related_digest_table = Table(
    "related_digest",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("label", Text, primary_key=True),
    Column("digest", LargeBinary, primary_key=True),
    Column("case_id", Uuid, primary_key=True),
    Index("related_digest_case", "case_id"),
)

#: Each case's keyed MinHash signature, to tell how similar two candidates' texts are.
related_signature_table = Table(
    "related_signature",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("signature", ARRAY(BigInteger), nullable=False),
)
