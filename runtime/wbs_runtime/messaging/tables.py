"""The outbox, inbox and dead-letter tables every service database has (the ``messaging`` migration branch)."""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

messaging_metadata = MetaData()

outbox = Table(
    "outbox",
    messaging_metadata,
    # Assigned at insert, before commit: never poll with ``seq > last_seen`` (see the relay).
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("topic", Text, nullable=False),
    Column("message_key", Text, nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("publish_attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    # Where the broker acknowledged it: tells what a memory-only broker lost when it restarted.
    Column("published_partition", Integer),
    Column("published_offset", BigInteger),
)
Index("outbox_unpublished_seq", outbox.c.seq, postgresql_where=outbox.c.published_at.is_(None))
Index("outbox_published_at", outbox.c.published_at, postgresql_where=outbox.c.published_at.is_not(None))

inbox = Table(
    "inbox",
    messaging_metadata,
    Column("consumer", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("topic", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("inbox_applied_at", inbox.c.applied_at)

#: parked: waiting for an operator; resend: an operator asked for it to be applied again (the
#: running service does it); resent: applied on resend; discarded: an operator gave up on it.
DEAD_LETTER_STATUSES = ("parked", "resend", "resent", "discarded")

dead_letter = Table(
    "dead_letter",
    messaging_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("consumer", Text, nullable=False),
    # The record as it was read, bytes intact.
    Column("topic", Text, nullable=False),
    Column("topic_partition", Integer, nullable=False),
    Column("topic_offset", BigInteger, nullable=False),
    Column("message_key", LargeBinary),
    Column("value", LargeBinary),
    Column("header_names", ARRAY(Text), nullable=False),
    Column("header_values", ARRAY(LargeBinary), nullable=False),
    # Known when the record was a valid event (not when it was malformed).
    Column("event_source", Text),
    Column("event_id", Uuid),
    Column("event_type", Text),
    Column("reason", Text, nullable=False),
    Column("error_type", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("status", Text, nullable=False, server_default="parked"),
    Column("status_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "status IN ({})".format(", ".join(f"'{s}'" for s in DEAD_LETTER_STATUSES)), name="dead_letter_status_known"
    ),
)
#: An event parked again while its row is still open (a redelivery, a replay) updates that row.
Index(
    "dead_letter_open_event",
    dead_letter.c.consumer,
    dead_letter.c.event_source,
    dead_letter.c.event_id,
    unique=True,
    postgresql_where=dead_letter.c.status.in_(("parked", "resend")),
)
Index("dead_letter_status", dead_letter.c.status, dead_letter.c.topic)

#: Each service's local copy of every tenant's current configuration (``tenant-configured``).
tenant_configuration = Table(
    "tenant_configuration",
    messaging_metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_id", Text),
    Column("ancestors", ARRAY(Text), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("configuration", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Each officer's roles in each tenant, as directory last announced them (``officer-roles``): the
#: roster of the services that assign work (``wbs_runtime.roster``).
officer_roles = Table(
    "officer_roles",
    messaging_metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("officer_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("roles", ARRAY(Text), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

#: Every event a service applied, as it was read, in the order applied (``wbs_runtime.messaging.journal``):
#: the history a service whose state is built only from events replays to rebuild it. Append-only;
#: a service keeps one only when it asks (``ServiceRuntime.keep_journal``).
event_journal = Table(
    "event_journal",
    messaging_metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    # The registry's topic name (without the environment's prefix): which handler applies it.
    Column("topic", Text, nullable=False),
    Column("event_source", Text, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("message_key", LargeBinary),
    Column("value", LargeBinary, nullable=False),
    Column("header_names", ARRAY(Text), nullable=False),
    Column("header_values", ARRAY(LargeBinary), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
#: An event is kept once, however often it was delivered.
Index("event_journal_event", event_journal.c.event_source, event_journal.c.event_id, unique=True)
