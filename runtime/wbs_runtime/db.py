"""PostgreSQL through SQLAlchemy's asyncio extension on asyncpg."""

from __future__ import annotations

from sqlalchemy.engine import make_url
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
    hide_parameters: a failed statement's error text (which reaches logs and dead-letter headers)
    names the statement but never the values bound to it: secrets' digests, sealed documents.
    """
    return create_async_engine(
        async_url(url), pool_size=pool_size, max_overflow=0, pool_pre_ping=True, hide_parameters=True
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
