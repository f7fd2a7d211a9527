"""Measuring queue health on a clock of its own, keeping the latest measurement for the operators'
page and exporting it as Prometheus metrics, named as kafka_exporter names them (so dashboards and
alerts people already have work): ``kafka_consumergroup_lag``, ``kafka_consumergroup_current_offset``,
``kafka_topic_partition_current_offset``..., with the labels ``consumergroup``, ``topic`` and
``partition``; plus the lag in seconds and each service's readiness."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge

from wbs_runtime.clock import utc_now
from wbs_runtime.errors import describe
from wbs_runtime.monitoring.lag import LagProbe, PartitionLag
from wbs_runtime.monitoring.services import ServiceHealth, ServiceProbe

log = logging.getLogger(__name__)

GROUP_LABELS = ["consumergroup", "topic", "partition"]
TOPIC_LABELS = ["topic", "partition"]


@dataclass(frozen=True)
class GroupLag:
    """One consumer group's partitions, for the page."""

    group: str
    service: str
    partitions: tuple[PartitionLag, ...]

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)

    @property
    def lag_seconds(self) -> float | None:
        """The oldest unapplied record's age over all its partitions; None when it lags and no age was read."""
        known = [p.lag_seconds for p in self.partitions if p.lag_seconds is not None]
        if not known:
            return None if self.lag else 0.0
        return max(known)

    @property
    def lagging(self) -> tuple[PartitionLag, ...]:
        return tuple(p for p in self.partitions if p.lag)


@dataclass(frozen=True)
class QueueHealth:
    """The latest measurement. The lag is kept from the last time the broker answered."""

    measured_at: datetime | None = None
    partitions: tuple[PartitionLag, ...] = ()
    lag_measured_at: datetime | None = None
    #: Why the broker could not be asked this time (the lag shown is then older).
    broker_error: str | None = None
    services: tuple[ServiceHealth, ...] = field(default_factory=tuple)

    def groups(self) -> list[GroupLag]:
        by_group: dict[str, list[PartitionLag]] = {}
        for partition in self.partitions:
            by_group.setdefault(partition.group, []).append(partition)
        return [GroupLag(group, found[0].service, tuple(found)) for group, found in by_group.items()]


class QueueHealthMetrics:
    """The measurement as Prometheus metrics, in the registry of the service that measures it."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.lag = Gauge(
            "kafka_consumergroup_lag",
            "Records written to a partition and not yet applied by the consumer group.",
            GROUP_LABELS,
            registry=registry,
        )
        self.lag_sum = Gauge(
            "kafka_consumergroup_lag_sum",
            "Records not yet applied by the consumer group, over all partitions of the topic.",
            ["consumergroup", "topic"],
            registry=registry,
        )
        self.lag_seconds = Gauge(
            "wbs_consumergroup_lag_seconds",
            "Age of the oldest record of the partition the consumer group has not applied (0 when caught up).",
            GROUP_LABELS,
            registry=registry,
        )
        self.current_offset = Gauge(
            "kafka_consumergroup_current_offset",
            "The consumer group's committed offset (the log's start when it committed nothing).",
            GROUP_LABELS,
            registry=registry,
        )
        self.topic_offset = Gauge(
            "kafka_topic_partition_current_offset",
            "The offset of the next record to be written to the partition.",
            TOPIC_LABELS,
            registry=registry,
        )
        self.topic_oldest = Gauge(
            "kafka_topic_partition_oldest_offset",
            "The partition's first retained offset.",
            TOPIC_LABELS,
            registry=registry,
        )
        self.partitions = Gauge("kafka_topic_partitions", "Partitions of the topic.", ["topic"], registry=registry)
        self.ready = Gauge(
            "wbs_service_ready",
            "1 when the service's /readyz says ready; 0 when it does not, or cannot be reached.",
            ["service"],
            registry=registry,
        )
        self.check = Gauge(
            "wbs_service_readiness_check",
            "Each check of the service's /readyz (outbox_relay, consumers, database, broker): 1 ok, 0 failing.",
            ["service", "check"],
            registry=registry,
        )
        self.measured = Gauge(
            "wbs_queue_health_measured_timestamp_seconds",
            "When the consumer groups' lag was last read from the broker (Unix time).",
            registry=registry,
        )
        self.failures = Counter(
            "wbs_queue_health_failures",
            "Measurements that failed, by part: broker (the lag) or services (readiness and metrics).",
            ["part"],
            registry=registry,
        )
        for part in ("broker", "services"):
            self.failures.labels(part)

    def show_lag(self, partitions: Sequence[PartitionLag], at: datetime) -> None:
        """Replace the lag series (a group or partition that went away must not linger)."""
        every = (self.lag, self.lag_sum, self.lag_seconds, self.current_offset, self.topic_offset, self.topic_oldest)
        for gauge in (*every, self.partitions):
            gauge.clear()
        sums: dict[tuple[str, str], int] = {}
        counts: dict[str, set[int]] = {}
        for p in partitions:
            labels = (p.group, p.topic, str(p.partition))
            self.lag.labels(*labels).set(p.lag)
            self.current_offset.labels(*labels).set(p.current_offset)
            if p.lag_seconds is not None:
                self.lag_seconds.labels(*labels).set(p.lag_seconds)
            self.topic_offset.labels(p.topic, str(p.partition)).set(p.end_offset)
            self.topic_oldest.labels(p.topic, str(p.partition)).set(p.start_offset)
            sums[(p.group, p.topic)] = sums.get((p.group, p.topic), 0) + p.lag
            counts.setdefault(p.topic, set()).add(p.partition)
        for (group, topic), total in sums.items():
            self.lag_sum.labels(group, topic).set(total)
        for topic, found in counts.items():
            self.partitions.labels(topic).set(len(found))
        self.measured.set(at.timestamp())

    def show_services(self, services: Sequence[ServiceHealth]) -> None:
        self.check.clear()
        for health in services:
            self.ready.labels(health.service).set(1 if health.ready else 0)
            for check, outcome in health.checks.items():
                self.check.labels(health.service, check).set(1 if outcome == "ok" else 0)


class QueueHealthMonitor:
    """Measures the lag and the services together, keeps the result in :attr:`latest` and
    exports it. One measurement at a time; the page reads :attr:`latest` and never waits."""

    def __init__(
        self,
        lag: LagProbe,
        services: ServiceProbe,
        metrics: QueueHealthMetrics,
        *,
        clock: Callable[[], datetime] = utc_now,
        timeout: float = 15.0,
    ) -> None:
        self.lag_probe = lag
        self.services = services
        self.metrics = metrics
        self._clock = clock
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self.latest = QueueHealth()

    async def measure(self) -> QueueHealth:
        async with self._lock:
            lag, services = await asyncio.gather(self._lag(), self._services())
            now = self._clock()
            previous = self.latest
            if isinstance(lag, str):
                current = replace(previous, measured_at=now, broker_error=lag, services=tuple(services))
            else:
                current = QueueHealth(now, tuple(lag), now, None, tuple(services))
                self.metrics.show_lag(lag, now)
            self.metrics.show_services(services)
            self.latest = current
            return current

    async def _lag(self) -> list[PartitionLag] | str:
        try:
            async with asyncio.timeout(self._timeout):
                return await self.lag_probe.measure()
        except Exception as error:  # the page says why, and shows the lag last read
            self.metrics.failures.labels("broker").inc()
            log.warning("cannot read the consumer groups' lag: %s", describe(error))
            return describe(error)[:200] or type(error).__name__

    async def _services(self) -> list[ServiceHealth]:
        try:
            async with asyncio.timeout(self._timeout):
                return await self.services.probe_all()
        except Exception as error:  # each service's own failure is in its ServiceHealth; this is the probe's
            self.metrics.failures.labels("services").inc()
            log.warning("cannot read the services: %s", describe(error))
            return [ServiceHealth(service, error=describe(error)[:200]) for service in self.services.urls]

    async def round(self) -> int:
        """For ``ServiceRuntime.every``: one measurement, then wait for the next interval."""
        await self.measure()
        return 0

    async def close(self) -> None:
        await self.lag_probe.close()
        await self.services.close()
