"""Queue health's parts on fakes: a partition's lag, reading a service's /readyz and /metrics, the
exported metrics, and a measurement that keeps the last lag when the broker cannot be asked."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiokafka.errors import KafkaError
from prometheus_client import CollectorRegistry, generate_latest

from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.monitoring import (
    GroupLag,
    LagProbe,
    PartitionLag,
    QueueHealthMetrics,
    QueueHealthMonitor,
    ServiceProbe,
    subscriptions,
)
from wbs_runtime.monitoring.services import DeadLetterCount


def partition(
    committed: int | None, start: int, end: int, seconds: float | None = 0.0, number: int = 0
) -> PartitionLag:
    return PartitionLag("wbs-notify", "notify", "wbs.triage.case-registered.v1", number, committed, start, end, seconds)


def test_a_partitions_lag_counts_what_the_group_has_not_applied() -> None:
    assert partition(committed=7, start=0, end=10).lag == 3
    assert partition(committed=10, start=0, end=10).lag == 0
    # Never committed: the group reads from the earliest offset, so all that is retained waits.
    assert (partition(None, 4, 10).lag, partition(None, 4, 10).current_offset) == (6, 4)
    # Committed below what retention kept: what was removed can no longer be applied, nor waits.
    assert partition(committed=2, start=5, end=9).lag == 4


def test_subscriptions_follow_the_topic_registry_with_the_environments_prefix() -> None:
    found = subscriptions("uji.")
    assert ("uji.wbs-notify", "uji.wbs.triage.case-registered.v1", "notify") in [
        (s.group, s.topic, s.service) for s in found
    ]
    assert all(s.group.startswith("uji.wbs-") and s.topic.startswith("uji.wbs.") for s in found)
    assert "agency" not in {s.service for s in found}  # agencies' consumers are their own


def service_answers(readiness: tuple[int, object], metrics: tuple[int, str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/readyz":
            status, body = readiness
            return httpx.Response(status, text=body if isinstance(body, str) else json.dumps(body))
        status, text = metrics
        return httpx.Response(status, text=text)

    return httpx.MockTransport(answer)


def exposition_of(service: str, *, leader: bool, backlog: int, parked: dict[tuple[str, str], int]) -> str:
    metrics = ServiceMetrics(service)
    metrics.outbox_backlog.labels(service).set(backlog)
    metrics.outbox_oldest_age.labels(service).set(12.5)
    metrics.relay_errors.labels(service).inc(3)
    metrics.relay_leader.labels(service).set(1 if leader else 0)
    for (topic, reason), count in parked.items():
        metrics.dead_letters_parked.labels(service, topic, reason).set(count)
    return generate_latest(metrics.registry).decode()


async def test_a_service_is_read_from_its_readiness_and_its_own_metrics() -> None:
    exposition = exposition_of(
        "triage", leader=False, backlog=4, parked={("wbs.intake.report-submitted.v1", "unretryable"): 2}
    )
    # A sample labelled with another service (a scrape passing through, say) is not triage's.
    exposition += 'wbs_outbox_backlog_events{service="intake"} 99.0\n'
    readiness = {"status": "not-ready", "checks": {"outbox_relay": "ok", "consumers": "error: not running"}}
    transport = service_answers((503, readiness), (200, exposition))
    async with httpx.AsyncClient(transport=transport) as client:
        health = await ServiceProbe({"triage": "http://triage.test"}, client=client).probe("triage")
    assert (health.reachable, health.ready, health.error) == (True, False, None)
    assert health.checks == {"outbox_relay": "ok", "consumers": "error: not running"}
    assert (health.outbox_backlog, health.outbox_oldest_age_seconds, health.relay_errors) == (4, 12.5, 3)
    assert health.relay_state == "standby"
    assert health.dead_letters == (DeadLetterCount("wbs.intake.report-submitted.v1", "unretryable", 2),)
    assert health.dead_letters_parked == 2


async def test_a_service_that_cannot_be_read_says_why_and_is_not_ready() -> None:
    transport = service_answers((502, "<html>bad gateway</html>"), (500, "oops"))
    async with httpx.AsyncClient(transport=transport) as client:
        health = await ServiceProbe({"notify": "http://notify.test"}, client=client).probe("notify")
    assert (health.reachable, health.ready, health.relay_state) == (False, False, "unknown")
    assert health.error is not None
    assert "/readyz: 502" in health.error
    assert "/metrics: 500" in health.error

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        gone = await ServiceProbe({"notify": "http://notify.test"}, client=client).probe("notify")
    assert (gone.reachable, gone.ready) == (False, False)
    assert gone.error is not None
    assert "connection refused" in gone.error


def samples(registry: CollectorRegistry, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in registry.collect()
        for sample in family.samples
        if sample.name == name
    }


def test_the_exported_lag_replaces_the_previous_measurement() -> None:
    registry = CollectorRegistry()
    metrics = QueueHealthMetrics(registry)
    at = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    metrics.show_lag([partition(3, 0, 10, 42.0, number=0), partition(None, 0, 2, None, number=1)], at)
    lag = samples(registry, "kafka_consumergroup_lag")
    group = ("consumergroup", "wbs-notify")
    topic = ("topic", "wbs.triage.case-registered.v1")
    assert lag == {(group, ("partition", "0"), topic): 7, (group, ("partition", "1"), topic): 2}
    # An age that could not be read is left out, not reported as 0.
    assert samples(registry, "wbs_consumergroup_lag_seconds") == {(group, ("partition", "0"), topic): 42.0}
    assert samples(registry, "kafka_consumergroup_lag_sum") == {(group, topic): 9}
    assert samples(registry, "kafka_topic_partition_current_offset")[(("partition", "1"), topic)] == 2
    assert samples(registry, "wbs_queue_health_measured_timestamp_seconds") == {(): at.timestamp()}

    metrics.show_lag([partition(10, 0, 10, 0.0, number=0)], at + timedelta(seconds=15))
    assert samples(registry, "kafka_consumergroup_lag") == {(group, ("partition", "0"), topic): 0}


class FailingLag(LagProbe):
    def __init__(self, measurements: list[list[PartitionLag] | Exception]) -> None:
        super().__init__("unused:9092", [])
        self.measurements = measurements

    async def measure(self) -> list[PartitionLag]:
        found = self.measurements.pop(0)
        if isinstance(found, Exception):
            raise found
        return found


async def test_when_the_broker_cannot_be_asked_the_last_lag_stays_with_the_reason() -> None:
    registry = CollectorRegistry()
    lag = FailingLag([[partition(3, 0, 10, 5.0)], ConnectionError("broker gone")])
    transport = service_answers((200, {"status": "ready", "checks": {"database": "ok"}}), (200, ""))
    async with httpx.AsyncClient(transport=transport) as client:
        monitor = QueueHealthMonitor(
            lag, ServiceProbe({"notify": "http://notify.test"}, client=client), QueueHealthMetrics(registry)
        )
        first = await monitor.measure()
        second = await monitor.measure()
    assert first.broker_error is None
    assert second.broker_error == "broker gone"
    assert second.partitions == first.partitions
    assert second.lag_measured_at == first.lag_measured_at
    assert second.measured_at is not None
    assert first.measured_at is not None
    assert second.measured_at >= first.measured_at
    assert [g.lag for g in second.groups()] == [7]
    assert samples(registry, "wbs_queue_health_failures_total")[(("part", "broker"),)] == 1
    assert samples(registry, "wbs_service_ready") == {(("service", "notify"),): 1}


@pytest.mark.parametrize(
    ("ages", "lag", "expected"),
    [((5.0, None), 3, 5.0), ((None,), 2, None), ((0.0,), 0, 0.0)],
)
def test_a_groups_age_is_its_oldest_known_one(ages: tuple[float | None, ...], lag: int, expected: float | None) -> None:
    parts = tuple(partition(10 - lag if i == 0 else 10, 0, 10, age, number=i) for i, age in enumerate(ages))
    assert GroupLag("wbs-notify", "notify", parts).lag_seconds == expected


async def test_a_probe_that_cannot_reach_the_broker_leaves_no_client_open() -> None:
    """At a service's start the broker may not answer yet: the client that failed to start must be
    stopped, not left to be collected half-open (47 'Unclosed AIOKafkaConsumer' at one make run)."""
    complaints: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: complaints.append(str(context.get("message"))))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"127.0.0.1:{probe.getsockname()[1]}"  # bound, never listening: refused at once
        lag = LagProbe(nowhere, subscriptions())
        for _ in range(3):
            with pytest.raises(KafkaError):
                await lag.measure()
    gc.collect()
    await asyncio.sleep(0)
    assert [c for c in complaints if "Unclosed" in c] == []
