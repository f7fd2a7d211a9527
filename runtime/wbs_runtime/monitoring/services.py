"""Each service's readiness, outbox, relay and dead letters, read over HTTP from what it serves to
probes and scrapers (``/readyz``, ``/metrics``): services never read one another's tables."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx
from prometheus_client.parser import text_string_to_metric_families

from wbs_runtime.errors import describe

#: Why a service could not be read, kept short: it is shown to operators as it is.
ERROR_WIDTH = 200


@dataclass(frozen=True)
class DeadLetterCount:
    topic: str
    reason: str
    count: int


@dataclass(frozen=True)
class ServiceHealth:
    service: str
    #: ``/readyz`` answered (200 or 503, with its checks).
    reachable: bool = False
    ready: bool = False
    #: check -> "ok" or "error: ..." (outbox_relay, consumers, database, broker).
    checks: Mapping[str, str] = field(default_factory=dict)
    outbox_backlog: int | None = None
    outbox_oldest_age_seconds: float | None = None
    relay_errors: int | None = None
    #: This replica's relay holds the service's relay lock (publishes); False: on standby.
    relay_leader: bool | None = None
    dead_letters: tuple[DeadLetterCount, ...] = ()
    #: What went wrong reading it (unreachable, not JSON, no metrics).
    error: str | None = None

    @property
    def dead_letters_parked(self) -> int:
        return sum(d.count for d in self.dead_letters)

    @property
    def relay_state(self) -> str:
        """``publishing``, ``standby``, ``stopped`` or ``unknown``."""
        running = self.checks.get("outbox_relay")
        if running is None:
            return "unknown"
        if running != "ok":
            return "stopped"
        if self.relay_leader is None:
            return "unknown"
        return "publishing" if self.relay_leader else "standby"


class ServiceProbe:
    """Reads each service at its internal address (``urls``: service -> base URL)."""

    def __init__(
        self, urls: Mapping[str, str], *, client: httpx.AsyncClient | None = None, timeout: float = 3.0
    ) -> None:
        self.urls = {service: url.rstrip("/") for service, url in urls.items()}
        self._client = client
        self._owns_client = client is None
        self._timeout = timeout

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout)
        return self._client

    async def probe_all(self) -> list[ServiceHealth]:
        return list(await asyncio.gather(*(self.probe(service) for service in self.urls)))

    async def probe(self, service: str) -> ServiceHealth:
        base = self.urls[service]
        readiness, metrics = await asyncio.gather(
            self._get(f"{base}/readyz"), self._get(f"{base}/metrics"), return_exceptions=True
        )
        errors: list[str] = []
        reachable = ready = False
        checks: dict[str, str] = {}
        if isinstance(readiness, BaseException):
            errors.append(f"/readyz: {describe(readiness)}")
        else:
            try:
                document = json.loads(readiness.text)
                checks = {str(k): str(v) for k, v in dict(document.get("checks") or {}).items()}
                reachable = readiness.status_code in (200, 503)
                ready = readiness.status_code == 200 and document.get("status") == "ready"
            except (ValueError, TypeError, AttributeError):
                errors.append(f"/readyz: {readiness.status_code}, not a readiness answer")
        found = ServiceHealth(service, reachable=reachable, ready=ready, checks=checks)
        if isinstance(metrics, BaseException):
            errors.append(f"/metrics: {describe(metrics)}")
        elif metrics.status_code != 200:
            errors.append(f"/metrics: {metrics.status_code}")
        else:
            try:
                found = _with_metrics(found, metrics.text)
            except ValueError as error:
                errors.append(f"/metrics: {describe(error)}")
        if errors:
            found = replace(found, error="; ".join(errors)[:ERROR_WIDTH])
        return found

    async def _get(self, url: str) -> httpx.Response:
        return await self._http().get(url, timeout=self._timeout)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await client.aclose()


def _with_metrics(health: ServiceHealth, exposition: str) -> ServiceHealth:
    """The service's own samples (label ``service``) of the outbox, relay and dead-letter metrics."""
    backlog = oldest = errors = leader = None
    dead: list[DeadLetterCount] = []
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.labels.get("service") != health.service:
                continue
            if sample.name == "wbs_outbox_backlog_events":
                backlog = int(sample.value)
            elif sample.name == "wbs_outbox_oldest_unpublished_age_seconds":
                oldest = float(sample.value)
            elif sample.name == "wbs_outbox_relay_errors_total":
                errors = int(sample.value)
            elif sample.name == "wbs_outbox_relay_leader":
                leader = sample.value >= 1
            elif sample.name == "wbs_dead_letters_parked" and sample.value > 0:
                dead.append(
                    DeadLetterCount(sample.labels.get("topic", ""), sample.labels.get("reason", ""), int(sample.value))
                )
    return replace(
        health,
        outbox_backlog=backlog,
        outbox_oldest_age_seconds=oldest,
        relay_errors=errors,
        relay_leader=leader,
        dead_letters=tuple(sorted(dead, key=lambda d: (d.topic, d.reason))),
    )
