"""Configuration from the environment, with defaults that match ``make run``'s embedded stack.

Every service reads ``KAFKA_BOOTSTRAP_SERVERS``, the settings every service shares (``WBS_TIMEZONE``,
``WBS_KAFKA_*``, ``WBS_KEY_DIR``...) and its own ``WBS_<SERVICE>_*`` variables, e.g.
``WBS_INTAKE_DATABASE_URL`` and ``WBS_INTAKE_HTTP_PORT``. A service's settings class is one line::

    class TriageSettings(ServiceSettings):
        service = "triage"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator, model_validator
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


#: Where the bodies of the embedded demonstration and most Indonesian bodies keep time (WIB).
DEFAULT_TIMEZONE = "Asia/Jakarta"


#: S3's rules for bucket names (3 to 63 lowercase letters, digits, dots and hyphens).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
AddressingStyle = Literal["auto", "path", "virtual"]


@dataclass(frozen=True)
class BlobDirectory:
    """Evidence kept in a directory (``file:///...`` or ``WBS_BLOB_DIR``)."""

    path: Path


@dataclass(frozen=True)
class S3Location:
    """Evidence kept in an S3-compatible bucket, each blob's key under ``prefix`` (empty, or
    ending in ``/``)."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: AddressingStyle = "auto"


def parse_blob_url(url: str) -> BlobDirectory | S3Location:
    """``file:///var/lib/wbs/blobs`` or ``s3://bucket/optional/prefix``; raises ValueError with
    what is wrong. Credentials never go in the URL: S3's come from the standard AWS variables."""
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise ValueError(f"a blob URL has no query or fragment: {url!r}")
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError(f"a file blob URL names an absolute path, file:///var/lib/wbs/blobs: {url!r}")
        return BlobDirectory(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if "@" in parts.netloc or ":" in parts.netloc:
            raise ValueError("an s3:// blob URL holds no credentials or port (AWS_ACCESS_KEY_ID, WBS_S3_ENDPOINT_URL)")
        if not _BUCKET.fullmatch(parts.netloc) or ".." in parts.netloc:
            raise ValueError(f"not an S3 bucket name: {parts.netloc!r}")
        segments = [segment for segment in parts.path.split("/") if segment]
        if any(not _PREFIX_SEGMENT.fullmatch(segment) or segment in (".", "..") for segment in segments):
            raise ValueError(f"not a key prefix: {parts.path!r} (letters, digits, '.', '_', '-' between slashes)")
        return S3Location(bucket=parts.netloc, prefix="".join(f"{segment}/" for segment in segments))
    raise ValueError(f"blob URLs are file:///path or s3://bucket/prefix, not {url!r}")


class ServiceSettings(BaseSettings):
    """Settings shared by every service. A service subclasses it and names itself in ``service``,
    which sets its variables' prefix (``WBS_<SERVICE>_``), its default database and its port."""

    # validate_by_name: tests and embedding code may pass settings by field name, not only by env.
    model_config = SettingsConfigDict(extra="ignore", validate_by_name=True)

    service: ClassVar[str]

    #: Empty means the service's database on the embedded PostgreSQL.
    database_url: str = ""
    http_host: str = "127.0.0.1"
    #: 0 means the service's default port (8001-8005).
    http_port: int = 0
    database_pool_size: int = 10
    #: One calendar for the whole deployment until each tenant carries its own (the directory
    #: issue): the agenda year and the statistics month must never disagree.
    timezone: str = Field(default=DEFAULT_TIMEZONE, validation_alias="WBS_TIMEZONE")
    #: Larger request bodies get a 413 (``WBS_<SERVICE>_MAX_REQUEST_BODY_BYTES``).
    max_request_body_bytes: int = Field(default=64 * 1024, gt=0)

    kafka_bootstrap_servers: str = Field(
        default=f"127.0.0.1:{EMBEDDED_KAFKA_PORT}",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "WBS_KAFKA_BOOTSTRAP_SERVERS"),
    )
    #: Lets several environments share one Kafka cluster (and lets tests run beside ``make run``).
    kafka_topic_prefix: str = Field(default="", validation_alias="WBS_KAFKA_TOPIC_PREFIX")
    #: Real Kafka supports idempotent producers; the embedded broker does not.
    kafka_idempotent_producer: bool = Field(default=False, validation_alias="WBS_KAFKA_IDEMPOTENT_PRODUCER")
    #: How long a fetch may wait for data: Kafka's own default. Kafka answers as soon as data
    #: arrives, so it costs nothing there. The embedded broker answers within about half of it
    #: (each hop between services waits that much more), but every fetch costs it CPU: at 50 ms
    #: the idle system spent about one core of two on fetches (bench/RESULTS.md). Tests choose 50.
    kafka_fetch_max_wait_ms: int = Field(default=500, ge=1, validation_alias="WBS_KAFKA_FETCH_MAX_WAIT_MS")
    #: Partitions of every topic WBS creates, instead of the registry's (topics that exist keep
    #: theirs). Fewer cost the embedded broker less per fetch but slow down catching up
    #: (``wbs_launcher.stack.Stack.partitions``).
    kafka_partitions: int | None = Field(default=None, ge=1, validation_alias="WBS_KAFKA_PARTITIONS")

    key_dir: Path | None = Field(default=None, validation_alias="WBS_KEY_DIR")
    #: Plain HTTP on 127.0.0.1 (``make run``, tests): the pages' cookies without the Secure flag.
    insecure_cookies: bool = False
    #: Where evidence files are kept, encrypted (``wbs_runtime.blobs``): the same directory for
    #: intake, which writes them, and triage, which serves them to officers.
    blob_dir: Path = Field(default=Path("var/blobs"), validation_alias="WBS_BLOB_DIR")
    #: Or anywhere else: ``file:///path`` or ``s3://bucket/prefix`` (S3-compatible storage, with the
    #: ``WBS_S3_*`` settings below and the standard AWS credentials). Empty means ``blob_dir``.
    blob_url: str = Field(default="", validation_alias="WBS_BLOB_URL")
    #: S3-compatible storage that is not AWS (MinIO, Ceph, a cloud's own): its address.
    s3_endpoint_url: str | None = Field(default=None, validation_alias="WBS_S3_ENDPOINT_URL")
    s3_region: str | None = Field(default=None, validation_alias="WBS_S3_REGION")
    #: Buckets as a path (``endpoint/bucket/key``), which most S3-compatible servers need, or as a
    #: host name (``bucket.endpoint``). Unset: path with an endpoint, botocore's choice without one.
    s3_addressing_style: AddressingStyle | None = Field(default=None, validation_alias="WBS_S3_ADDRESSING_STYLE")
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
    #: How often the heads of the audit chains that changed are published (and once more at shutdown).
    audit_head_seconds: float = Field(default=60, gt=0, validation_alias="WBS_AUDIT_HEAD_SECONDS")
    log_level: str = Field(default="INFO", validation_alias="WBS_LOG_LEVEL")

    def __init__(self, **values: Any) -> None:
        super().__init__(_env_prefix=env_prefix(type(self).service), **values)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Jakarta)") from error
        return value

    @field_validator("blob_url")
    @classmethod
    def _known_blob_url(cls, value: str) -> str:
        if value:
            parse_blob_url(value)
        return value

    @model_validator(mode="after")
    def _service_defaults(self) -> Self:
        service = type(self).service
        if not self.database_url:
            self.database_url = default_database_url(service)
        if not self.http_port:
            self.http_port = default_http_port(service)
        return self

    def blob_location(self) -> BlobDirectory | S3Location:
        """Where this service's evidence blobs are: ``blob_url``, else the directory ``blob_dir``."""
        if not self.blob_url:
            return BlobDirectory(self.blob_dir)
        location = parse_blob_url(self.blob_url)
        if isinstance(location, S3Location):
            style = self.s3_addressing_style or ("path" if self.s3_endpoint_url else "auto")
            return S3Location(
                bucket=location.bucket,
                prefix=location.prefix,
                endpoint_url=self.s3_endpoint_url,
                region=self.s3_region,
                addressing_style=style,
            )
        return location

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
