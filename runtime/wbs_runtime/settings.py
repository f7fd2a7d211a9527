"""Configuration from the environment, with defaults that match ``make run``'s embedded stack.

Every service reads ``KAFKA_BOOTSTRAP_SERVERS`` and its own ``WBS_<SERVICE>_*`` variables, e.g.
``WBS_INTAKE_DATABASE_URL`` and ``WBS_INTAKE_HTTP_PORT``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from wbs_contracts.registry import SERVICES

EMBEDDED_POSTGRES_PORT = 55432
EMBEDDED_KAFKA_PORT = 9092
GATEWAY_PORT = 8000


def default_http_port(service: str) -> int:
    """intake 8001, triage 8002, investigation 8003, notify 8004, reporting 8005."""
    return GATEWAY_PORT + 1 + SERVICES.index(service)


def default_database_url(service: str, port: int = EMBEDDED_POSTGRES_PORT) -> str:
    return f"postgresql://wbs_{service}@127.0.0.1:{port}/wbs_{service}"


def env_prefix(service: str) -> str:
    return f"WBS_{service.upper()}_"


class ServiceSettings(BaseSettings):
    """Settings shared by every service; each service subclasses it with its own env prefix."""

    # validate_by_name: tests and embedding code may pass settings by field name, not only by env.
    model_config = SettingsConfigDict(extra="ignore", validate_by_name=True)

    database_url: str
    http_host: str = "127.0.0.1"
    http_port: int
    database_pool_size: int = 10

    kafka_bootstrap_servers: str = Field(
        default=f"127.0.0.1:{EMBEDDED_KAFKA_PORT}",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "WBS_KAFKA_BOOTSTRAP_SERVERS"),
    )
    #: Lets several environments share one Kafka cluster (and lets tests run beside ``make run``).
    kafka_topic_prefix: str = Field(default="", validation_alias="WBS_KAFKA_TOPIC_PREFIX")
    #: Real Kafka supports idempotent producers; the embedded broker does not.
    kafka_idempotent_producer: bool = Field(default=False, validation_alias="WBS_KAFKA_IDEMPOTENT_PRODUCER")
    #: How long a fetch may wait for data. Kafka answers as soon as data arrives, so 500 ms costs
    #: nothing there; the embedded broker waits out the whole interval, so it defaults to 50 ms.
    kafka_fetch_max_wait_ms: int = Field(default=50, ge=1, validation_alias="WBS_KAFKA_FETCH_MAX_WAIT_MS")

    key_dir: Path | None = Field(default=None, validation_alias="WBS_KEY_DIR")
    keys_json: str | None = Field(default=None, validation_alias="WBS_KEYS")

    #: A failing handler is retried quickly, a few times within ``consumer_retry_seconds``, then its
    #: event is dead-lettered: one event must not hold its partition for long.
    consumer_max_attempts: int = Field(default=3, ge=1, validation_alias="WBS_CONSUMER_MAX_ATTEMPTS")
    consumer_backoff_seconds: float = Field(default=0.05, gt=0, validation_alias="WBS_CONSUMER_BACKOFF_SECONDS")
    consumer_retry_seconds: float = Field(default=0.5, gt=0, validation_alias="WBS_CONSUMER_RETRY_SECONDS")
    #: Records applied per batch (one transaction); what one fetch may return.
    consumer_max_records: int = Field(default=500, ge=1, validation_alias="WBS_CONSUMER_MAX_RECORDS")
    outbox_poll_seconds: float = Field(default=1.0, gt=0, validation_alias="WBS_OUTBOX_POLL_SECONDS")
    #: Published events are kept this long (for replays), then pruned.
    outbox_retention_days: float = Field(default=7, gt=0, validation_alias="WBS_OUTBOX_RETENTION_DAYS")
    #: Applied event ids are remembered this long; keep it above the outbox's and the broker's retention.
    inbox_retention_days: float = Field(default=30, gt=0, validation_alias="WBS_INBOX_RETENTION_DAYS")
    log_level: str = Field(default="INFO", validation_alias="WBS_LOG_LEVEL")
