"""PostgreSQL through SQLAlchemy's asyncio extension on asyncpg."""

from __future__ import annotations

from typing import Any

import asyncpg
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


def create_sessionmaker(engine: AsyncEngine, **info: Any) -> async_sessionmaker[AsyncSession]:
    """``info``: what every session carries in ``Session.info`` (the outbox's doorbell, say)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


_DRIVER = "wbs_driver_connection"


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under ``session``'s transaction (begun now if it was not yet), for
    the statements a service runs thousands of times a second.

    Measured: executing a statement through the session costs about 170-350 us of CPU, of which
    the round trip through asyncpg is about 40 us; the rest is SQLAlchemy setting up each
    execution. A statement run here is part of the same transaction, committed or rolled back with
    it, and prepared once per connection by asyncpg's statement cache. Errors are asyncpg's own
    (``errors`` recognises them by SQLSTATE), and carry no parameters.

    The connection is remembered for the session's current transaction; :func:`forget_driver`
    must be called when that transaction ends (the unit of work does).
    """
    remembered = session.info.get(_DRIVER)
    if remembered is not None:
        return remembered
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    adapted = raw.dbapi_connection
    # SQLAlchemy's asyncpg adapter begins the transaction lazily, at its first statement; a
    # statement run on the driver before that would run outside it, so begin it here.
    if getattr(adapted, "_transaction", None) is None:
        await adapted._start_transaction()  # type: ignore[union-attr]
    driver = raw.driver_connection
    session.info[_DRIVER] = driver
    return driver


def forget_driver(session: AsyncSession) -> None:
    session.info.pop(_DRIVER, None)
