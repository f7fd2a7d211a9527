"""Database errors as the services really see them: asyncpg's, translated and wrapped by SQLAlchemy."""

from __future__ import annotations

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DBAPIError

_DBAPI = AsyncAdapt_asyncpg_dbapi(asyncpg)  # type: ignore[no-untyped-call]


def as_sqlalchemy_raises(error: asyncpg.PostgresError) -> DBAPIError:
    """What ``session.execute`` raises when asyncpg raised ``error`` (the dialect's own translation)."""
    for kind in type(error).__mro__:
        if kind in _DBAPI._asyncpg_error_translate:
            translated = _DBAPI._asyncpg_error_translate[kind](str(error), error)
            break
    else:
        raise TypeError(f"not an asyncpg error: {error!r}")
    wrapped: DBAPIError = DBAPIError.instance("SELECT 1", {}, translated, _DBAPI.Error)
    return wrapped
