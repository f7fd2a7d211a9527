"""The database engine every service uses: its pool, and what its errors say."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text

from tests.support.infrastructure import Infrastructure
from tests.support.services import fresh_database
from wbs_runtime.db import create_engine, create_sessionmaker, driver_connection, forget_driver


async def test_a_connection_the_server_dropped_is_replaced_before_use(infra: Infrastructure) -> None:
    """There is no ping per checkout (three round trips on asyncpg): a connection asyncpg already
    knows to be closed, after a restart or a terminated backend, is replaced at checkout."""
    url = await fresh_database(infra, "intake", "_engine")
    engine = create_engine(url, pool_size=2)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        database = engine.url.database
        admin = await asyncpg.connect(infra.postgres_admin_url)
        try:
            dropped = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
                database,
            )
        finally:
            await admin.close()
        assert dropped == 1
        await asyncio.sleep(0.2)  # the event loop notices the closed socket
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_statements_on_the_driver_run_in_the_sessions_transaction(infra: Infrastructure) -> None:
    """Even as the transaction's first statement (SQLAlchemy begins it lazily): rolled back and
    committed with the session, and never run outside it."""
    url = await fresh_database(infra, "intake", "_driver")
    engine = create_engine(url, pool_size=1)
    sessions = create_sessionmaker(engine)
    try:
        async with engine.begin() as db:
            await db.execute(text("CREATE TABLE noted (note text)"))
        async with sessions() as session:
            driver = await driver_connection(session)
            assert driver.is_in_transaction()
            await driver.execute("INSERT INTO noted VALUES ('rolled back')")
            await session.rollback()
            forget_driver(session)
        async with sessions() as session:
            await (await driver_connection(session)).execute("INSERT INTO noted VALUES ('committed')")
            await session.execute(text("INSERT INTO noted VALUES ('beside it')"))
            await session.commit()
            forget_driver(session)
        async with engine.connect() as db:
            notes = (await db.execute(text("SELECT note FROM noted ORDER BY note"))).scalars().all()
        assert notes == ["beside it", "committed"]
    finally:
        await engine.dispose()
