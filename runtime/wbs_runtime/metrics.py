"""Prometheus metrics of one service process.

Each service gets its own registry, so several services can run in one test process.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

HANDLER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        labels = ["service", "topic"]
        self.consumed = Counter(
            "wbs_events_consumed_total",
            "Events taken off a topic, by outcome: applied, duplicate (already applied), dead_lettered.",
            [*labels, "outcome"],
            registry=self.registry,
        )
        self.failed = Counter(
            "wbs_event_failures_total",
            "Failed attempts to apply an event, by reason: malformed, unretryable, handler_error, infrastructure.",
            [*labels, "reason"],
            registry=self.registry,
        )
        self.produced = Counter(
            "wbs_events_produced_total",
            "Events the outbox relay or the dead-letter path published, acknowledged by all replicas.",
            labels,
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "wbs_event_handler_seconds",
            "Time to apply one event in its savepoint (its share of the batch's transaction).",
            labels,
            buckets=HANDLER_BUCKETS,
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "wbs_outbox_backlog_events", "Outbox events not yet published.", ["service"], registry=self.registry
        )
        self.outbox_oldest_age = Gauge(
            "wbs_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest outbox event not yet published (0 when none).",
            ["service"],
            registry=self.registry,
        )
        self.relay_errors = Counter(
            "wbs_outbox_relay_errors_total",
            "Outbox relay rounds that failed (broker or database unreachable).",
            ["service"],
            registry=self.registry,
        )
        self.relay_leader = Gauge(
            "wbs_outbox_relay_leader",
            "1 while this replica's outbox relay holds the service's relay lock and publishes; 0 on standby.",
            ["service"],
            registry=self.registry,
        )
        self.dead_letters_parked = Gauge(
            "wbs_dead_letters_parked",
            "Dead-lettered records not yet resolved (parked, or marked for resend), by topic and reason.",
            ["service", "topic", "reason"],
            registry=self.registry,
        )
        self.consumer_batch_events = Histogram(
            "wbs_consumer_batch_events",
            "Records per batch a consumer applied in one transaction.",
            ["service"],
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.outbox_backlog.labels(service).set(0)
        self.outbox_oldest_age.labels(service).set(0)
        self.relay_errors.labels(service)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
