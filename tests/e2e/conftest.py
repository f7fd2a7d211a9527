"""The whole system as separate processes, started by the same launcher as `make run`, on the
session's PostgreSQL and broker, with ports of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.infrastructure import Infrastructure, free_port
from tests.support.oidc import OidcEndpoint
from wbs_contracts.registry import SERVICES
from wbs_launcher.stack import Stack, StackConfig, StackFailed


@pytest.fixture(scope="session")
def oidc_endpoint() -> OidcEndpoint:
    """Where the single sign-on test runs its OpenID provider (started by that test only):
    directory is configured for it from the start."""
    return OidcEndpoint(free_port())


@pytest.fixture(scope="session")
def stack(
    infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory, oidc_endpoint: OidcEndpoint
) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("var")
    gateway_port = free_port()
    config = StackConfig(
        var_dir=var_dir,
        gateway_port=gateway_port,
        service_ports={s: free_port() for s in SERVICES},
        bootstrap_servers=infra.bootstrap_servers,
        postgres_admin_url=infra.postgres_admin_url,
        database_suffix=f"_{infra.namespace}_e2e",
        topic_prefix=f"{infra.namespace}.e2e.",
        service_log_dir=var_dir / "log",
        extra_env={
            "WBS_CONSUMER_BACKOFF_SECONDS": "0.05",
            "WBS_CONSUMER_MAX_ATTEMPTS": "3",
            # Each step of a test waits on hops between services: a short fetch wait, at the broker's CPU's expense.
            "WBS_KAFKA_FETCH_MAX_WAIT_MS": "50",
            # Every test client comes from 127.0.0.1: per-client throttling would count them all as one.
            "WBS_GATEWAY_SUBMISSIONS_PER_WINDOW": "0",
            "WBS_GATEWAY_STATUS_CHECKS_PER_WINDOW": "0",
            "WBS_DIRECTORY_OIDC_CLIENTS": json.dumps(oidc_endpoint.client_setting),
            "WBS_DIRECTORY_PUBLIC_URL": f"http://127.0.0.1:{gateway_port}",
        },
    )
    running = Stack(config)
    try:
        running.start()
    except StackFailed:
        running.stop()
        for log in sorted((var_dir / "log").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        raise
    yield running
    running.stop()
