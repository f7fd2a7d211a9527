"""The outbox and inbox tables every service database has (created by the ``messaging`` migration branch)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
)
Index("outbox_unpublished_seq", outbox.c.seq, postgresql_where=outbox.c.published_at.is_(None))

inbox = Table(
    "inbox",
    messaging_metadata,
    Column("consumer", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("topic", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
