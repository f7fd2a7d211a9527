"""A real OpenID Connect provider for the tests: node-oidc-provider (npm, certified), version pinned
in ``tests/support/oidc_provider/package-lock.json``, installed there with ``npm ci`` on first use
and started as a subprocess on a port of its own (``provider.mjs`` holds its configuration: one
client, accounts with passwords, ``amr`` reported)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
NODE = shutil.which("node")
NPM = shutil.which("npm")
STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Account:
    login: str
    password: str
    sub: str
    name: str = "Pegawai Uji"
    email: str = "pegawai@example.test"
    #: The provider asked a second factor (its ID token's amr says so).
    mfa: bool = False


CLIENT_ID = "wbs-uji"
CLIENT_SECRET = "rahasia-klien-uji-yang-panjang-0123456789"


@dataclass(frozen=True)
class OidcEndpoint:
    """Where a provider will listen, and our client there, known before it starts."""

    port: int
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def client_setting(self) -> dict[str, dict[str, str]]:
        """``WBS_DIRECTORY_OIDC_CLIENTS`` for this provider."""
        return {self.issuer: {"client_id": self.client_id, "client_secret": self.client_secret}}


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str

    @property
    def client_setting(self) -> dict[str, dict[str, str]]:
        """``WBS_DIRECTORY_OIDC_CLIENTS`` for this provider."""
        return {self.issuer: {"client_id": self.client_id, "client_secret": self.client_secret}}


def node_available() -> bool:
    return NODE is not None and NPM is not None


#: CI installs Node.js (.ci/run); there a missing node is a failure, not a skip.
needs_node = pytest.mark.skipif(
    not node_available() and os.environ.get("CI") != "true", reason="node and npm are needed for the OpenID provider"
)


def install() -> None:
    """``npm ci`` from the committed lock file, once per checkout."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    assert NPM is not None, "npm is required to install the OpenID provider"
    subprocess.run(
        [NPM, "ci", "--prefix", str(PROVIDER_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
        check=True,
        timeout=300,
    )


@contextlib.contextmanager
def oidc_provider(
    port: int,
    redirect_uris: Sequence[str],
    accounts: Sequence[Account],
    log_file: Path,
    *,
    client_id: str = CLIENT_ID,
    client_secret: str = CLIENT_SECRET,
) -> Iterator[RunningProvider]:
    assert NODE is not None, "Node.js is required for the OpenID provider"
    install()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "issuer": issuer,
        "port": port,
        "clients": [{"client_id": client_id, "client_secret": client_secret, "redirect_uris": list(redirect_uris)}],
        "accounts": [asdict(account) for account in accounts],
    }
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            [NODE, str(PROVIDER_DIR / "provider.mjs")],
            env={**os.environ, "WBS_TEST_OIDC_CONFIG": json.dumps(config)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(issuer, process, log_file)
        yield RunningProvider(issuer, client_id, client_secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(issuer: str, process: subprocess.Popen[bytes], log_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider stopped: {log_file.read_text()[-2000:]}")
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the OpenID provider did not start: {log_file.read_text()[-2000:]}")
