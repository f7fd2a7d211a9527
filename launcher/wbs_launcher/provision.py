"""One database and one role per service: a service can connect to its own database only."""

from __future__ import annotations

import re
import secrets

import asyncpg
from sqlalchemy.engine import make_url

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


async def provision(admin_url: str, service: str, database: str | None = None) -> str:
    """Create (if missing) role ``wbs_<service>`` and its database; return the service's URL.

    With a password-protected server (a real one, or a container) the role gets a fresh random
    password; the embedded server trusts local connections and needs none.
    """
    role = f"wbs_{service}"
    database = database or role
    for name in (role, database):
        if not _IDENTIFIER.match(name):  # identifiers are spliced into DDL below
            raise ValueError(f"not a safe database identifier: {name!r}")
    admin = make_url(admin_url)
    password = secrets.token_urlsafe(18) if admin.password else None
    connection = await asyncpg.connect(admin_url)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
            await connection.execute(f'CREATE ROLE "{role}" LOGIN')
        if password:
            await connection.execute(f"ALTER ROLE \"{role}\" PASSWORD '{password}'")
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await connection.execute(f'CREATE DATABASE "{database}" OWNER "{role}"')
        # Other services' roles cannot even connect: no shared tables, by construction.
        await connection.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
    finally:
        await connection.close()
    url = admin.set(username=role, password=password, database=database, drivername="postgresql")
    return url.render_as_string(hide_password=False)
