"""PostgreSQL through SQLAlchemy's asyncio extension on asyncpg."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Accept the usual ``postgresql://`` URL and point SQLAlchemy at asyncpg."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise ValueError(f"WBS needs PostgreSQL; got a {parsed.drivername} URL")
    return parsed.render_as_string(hide_password=False)


def plain_url(url: str) -> str:
    """The libpq form of a database URL, for asyncpg's own connections (LISTEN, advisory locks)."""
    return make_url(async_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    """A fixed pool of ``pool_size`` connections.

    No overflow: an overflow connection is closed as soon as it is returned, so a burst made
    PostgreSQL fork a backend (and asyncpg negotiate, first trying SSL) for nearly every request,
    which cost more CPU than the requests themselves. Past the pool, requests wait their turn.

    No ``pool_pre_ping``: on asyncpg it costs three round trips per checkout (BEGIN, a ping,
    ROLLBACK), a fifth of a submission's. A connection the server closed (a restart or a
    terminated backend) is already known to asyncpg and is replaced at checkout instead; one that
    fails in use invalidates the pool, and consumers wait the outage out (``errors``).

    hide_parameters: a failed statement's error text (which reaches logs and dead-letter headers)
    names the statement but never the values bound to it: secrets' digests, sealed documents.
    """
    engine = create_async_engine(async_url(url), pool_size=pool_size, max_overflow=0, hide_parameters=True)
    event.listen(engine.sync_engine, "checkout", _replace_closed_connection)
    return engine


def _replace_closed_connection(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")  # the pool connects anew


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
