"""Intake's tables. No table holds a report's substance or the reporter's identity in the clear."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

tenant_table = Table(
    "tenant",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    # Kept from directory's tenant-configured: a body that is inactive (or an agency) takes no reports,
    # but its row stays for the reports it already has.
    Column("offered", Boolean, nullable=False, server_default=true()),
    Column("policy_version", Integer, nullable=False, server_default="0"),
)

category_table = Table(
    "tenant_category",
    metadata,
    Column("tenant_id", Text, ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True),
    Column("slug", Text, primary_key=True),
    Column("label_id", Text, nullable=False),
    Column("label_en", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

report_table = Table(
    "report",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("registration_number", Text, nullable=False, unique=True),
    Column("secret_hash", Text, nullable=False),
    Column("tenant_id", Text, ForeignKey("tenant.id"), nullable=False),
    Column("category", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)

status_table = Table(
    "report_status",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("status", Text, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

#: Submissions made with an ``Idempotency-Key``: only keyed digests of the key and of the request.
idempotency_table = Table(
    "idempotency_key",
    metadata,
    Column("key_digest", LargeBinary, primary_key=True),
    Column("request_digest", LargeBinary, nullable=False),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("idempotency_key_expires_at", "expires_at"),
)

#: The reporter's identity when they gave it: sealed to reporter-identity (only an approved
#: disclosure opens it), never in the clear.
reporter_identity_table = Table(
    "reporter_identity",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("sealed", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

#: Evidence files: the blob (ciphertext only) and its size and date; the file's name and type only
#: in the reporter's receipt, sealed to reporter-mailbox. The file key is not kept here: it went to
#: the case's officers sealed to case-substance, in evidence-added.
evidence_table = Table(
    "evidence",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("blob", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("sealed_receipt", JSONB, nullable=False),
    Index("evidence_report_id", "report_id", "added_at"),
)

#: Reporters signed in: a keyed digest of the token, the report, and when the session ends.
reporter_session_table = Table(
    "reporter_session",
    metadata,
    Column("token_digest", LargeBinary, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("reporter_session_expires_at", "expires_at"),
)

#: Reporters who follow their report with a pseudonym and password: a keyed digest of the
#: pseudonym's normal form (unique: one pseudonym, one report) and an argon2id hash of the password.
reporter_pseudonym_table = Table(
    "reporter_pseudonym",
    metadata,
    Column("pseudonym_digest", LargeBinary, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: The Kotak Komunikasi: each message sealed to reporter-mailbox (only intake opens it, for the
#: reporter signed in), both ways. Its id is the message id of the event, so a message delivered
#: twice is kept once.
mailbox_message_table = Table(
    "mailbox_message",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("direction", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("in_reply_to", Uuid, nullable=True),
    Column("answer_due", DateTime(timezone=True), nullable=True),
    Index("mailbox_message_report", "report_id", "sent_at"),
)

#: Reports a petugas recorded from another channel: where and when they arrived, and who recorded
#: them (the channel is the report's). ``forwarded``: the report went on to a body below.
recorded_report_table = Table(
    "recorded_report",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("received_by", Text, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("forwarded", Boolean, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

#: What the reporter's timeline says besides the status (``domain.reporter_notices``).
reporter_notice_table = Table(
    "reporter_notice",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("at", DateTime(timezone=True), primary_key=True),
    Column("body_name", Text),
)

#: Requests to disclose a reporter's identity and their decisions (``domain.disclosure``). The
#: reasons are the officers' own words about why; the identity itself stays in reporter_identity.
identity_disclosure_table = Table(
    "identity_disclosure",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_by_name", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("state", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_by_name", Text),
    Column("decision_reason", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Index("identity_disclosure_report", "report_id"),
    Index("identity_disclosure_tenant_state", "tenant_id", "state"),
)

#: How each telaah of the report ended (``domain.telaah``): the body it was forwarded to, and the
#: officers' reason for the reporter sealed to reporter-mailbox. One row per status reached.
telaah_end_table = Table(
    "report_telaah_end",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("status", Text, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("body_name", Text),
    Column("sealed_reason", JSONB),
    Column("reason_tenant", Text),
    Column("reason_case", Uuid),
)

#: A case another body registered when a telaah forwarded the report there (case-registered with
#: ``forwarded_from``): its disposition and decision reach the same reporter.
forwarded_case_table = Table(
    "forwarded_case",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("tenant_id", Text, nullable=False),
)
