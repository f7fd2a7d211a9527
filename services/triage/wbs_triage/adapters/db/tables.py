"""Triage's tables. No table holds a report's substance, a message or a name of a file in the clear."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

case_table = Table(
    "case",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("agenda_number", Text, nullable=False),
    Column("agenda_year", Integer, nullable=False),
    Column("agenda_sequence", Integer, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("sealed_substance", JSONB, nullable=False),
    Column("received_by", Text),
    Column("received_on", Date),
    Column("disposed_at", DateTime(timezone=True)),
    Column("follow_up_due", DateTime(timezone=True)),
    Column("waiting_on_reporter_since", DateTime(timezone=True)),
    #: Whether the related-reports index holds the case (it is indexed beside the consumer).
    Column("related_indexed", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("tenant_id", "agenda_year", "agenda_sequence", name="case_agenda_unique"),
    Index("case_tenant_registered_at", "tenant_id", "registered_at"),
    # The queue's late filter: a registered case by its day, a disposed one by its team's due time.
    Index("case_tenant_status_registered_on", "tenant_id", "status", "registered_on"),
    Index("case_tenant_follow_up_due", "tenant_id", "follow_up_due"),
    Index("case_related_pending", "registered_at", postgresql_where=text("NOT related_indexed")),
)

agenda_counter = Table(
    "agenda_counter",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_sequence", Integer, nullable=False),
)

#: A case's evidence files: where the encrypted bytes are, and the file key sealed to
#: case-substance. No foreign key to the case: a file may be announced before its case is registered.
evidence_table = Table(
    "evidence",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("blob", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("sealed_key", JSONB, nullable=False),
    Index("evidence_case_id", "case_id", "added_at"),
)

#: The Kotak Komunikasi: every message of a case, both ways, sealed to case-substance. No foreign
#: key to ``case``: a reporter's message may arrive before its case is registered (another topic).
case_message_table = Table(
    "case_message",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("in_reply_to", Uuid, nullable=True),
    Column("answer_due", DateTime(timezone=True), nullable=True),
    Index("case_message_case", "case_id", "sent_at"),
)

#: Every disposition of a case, kept (a re-disposition adds one): who, when, the team, the
#: instruction sealed to case-substance, and the follow-up due it set.
case_disposition_table = Table(
    "case_disposition",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("disposed_at", DateTime(timezone=True), nullable=False),
    Column("disposed_by", Text, nullable=False),
    Column("disposed_by_name", Text, nullable=False),
    Column("team", JSONB, nullable=False),
    Column("sealed_instruction", JSONB, nullable=False),
    Column("follow_up_due", DateTime(timezone=True), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Index("case_disposition_case", "case_id", "disposed_at"),
)

#: The current team of each case (replaced by a re-disposition); the queue's officer filter.
case_team_table = Table(
    "case_team",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("officer_id", Text, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("name", Text, nullable=False),
    Index("case_team_officer", "tenant_id", "officer_id", "case_id"),
)
