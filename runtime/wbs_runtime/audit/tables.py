"""The audit tables every service database has (part of the runtime's ``messaging`` migration branch).

They are declared on :data:`~wbs_runtime.messaging.tables.messaging_metadata`, the runtime's one
metadata, so that migrations and the schema test see them with the outbox and inbox.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from wbs_runtime.messaging.tables import messaging_metadata

#: One row per action, never updated or deleted (a trigger refuses both); see ``chain.py`` for the hash.
audit_entry = Table(
    "audit_entry",
    messaging_metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("sequence", BigInteger, primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_name", Text),
    Column("role", Text),
    Column("session_id", Text),
    Column("action", Text, nullable=False),
    Column("object_type", Text),
    Column("object_id", Text),
    Column("details", JSONB, nullable=False),
    Column("correlation_id", Text),
    Column("previous_hash", Text, nullable=False),
    Column("entry_hash", Text, nullable=False),
    CheckConstraint("sequence >= 1", name="audit_entry_sequence_positive"),
)
#: An object's history (a case's, for the officers on it).
Index("audit_entry_object", audit_entry.c.tenant_id, audit_entry.c.object_type, audit_entry.c.object_id)

#: The head of each tenant's chain: the row an append locks (so appends to one chain take turns and
#: never fork or leave a gap), and what the service last published of it.
audit_chain = Table(
    "audit_chain",
    messaging_metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    Column("entry_hash", Text, nullable=False),
    Column("published_sequence", BigInteger),
    Column("published_hash", Text),
    Column("published_at", DateTime(timezone=True)),
)

#: Chain heads other services published, every distinct one (not only the latest): ``wbs audit
#: verify`` checks each producer's chains against them. Append-only, as ``audit_entry``.
audit_head_received = Table(
    "audit_head_received",
    messaging_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("producer", Text, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("entry_hash", Text, nullable=False),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("producer", "tenant_id", "sequence", "entry_hash", name="audit_head_received_distinct"),
)
