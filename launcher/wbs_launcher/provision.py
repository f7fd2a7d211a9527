"""One database and one role per service: a service can connect to its own database only."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re

import asyncpg
from sqlalchemy.engine import make_url

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


async def provision(admin_url: str, service: str, database: str | None = None) -> str:
    """Create (if missing) role ``wbs_<service>`` and its database; return the service's URL.

    With a password-protected server (a real one, a container, the embedded one) the role's
    password is derived from the administrator's (:func:`role_password`), so provisioning again
    gives the same: another start, or another test worker on a shared server, never makes the
    connections a running service opens with it fail. A role or database another process creates
    at the same moment is taken as made.
    """
    role = f"wbs_{service}"
    database = database or role
    for name in (role, database):
        if not _IDENTIFIER.match(name):  # identifiers are spliced into DDL below
            raise ValueError(f"not a safe database identifier: {name!r}")
    admin = make_url(admin_url)
    password = role_password(admin.password, role) if admin.password else None
    connection = await asyncpg.connect(admin_url)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
            with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
                await connection.execute(f'CREATE ROLE "{role}" LOGIN')
        if password:
            try:
                await connection.execute(f"ALTER ROLE \"{role}\" PASSWORD '{password}'")
            except asyncpg.InternalServerError as error:  # "tuple concurrently updated"
                if "concurrently" not in str(error):
                    raise  # else another process set the same password at the same moment
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await connection.execute(f'CREATE DATABASE "{database}" OWNER "{role}"')
        # Other services' roles cannot even connect: no shared tables, by construction.
        await connection.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
    finally:
        await connection.close()
    url = admin.set(username=role, password=password, database=database, drivername="postgresql")
    return url.render_as_string(hide_password=False)


def role_password(admin_password: str, role: str) -> str:
    """A service role's password: a keyed digest of its name under the administrator's password
    (who knows that one can set any role's password anyway). URL-safe, 144 bits."""
    digest = hmac.new(admin_password.encode(), f"wbs-role-password:{role}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()
