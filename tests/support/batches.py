"""A consumer's batch applied straight through ``BatchConsumer.apply`` (no broker), with what it
dead-letters kept in a list: for tests of one transaction per batch against real PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wbs_contracts.registry import EventSpec
from wbs_runtime.messaging.consumer import BatchConsumer, Handler, Parked
from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.service import ServiceRuntime


class ListSink:
    """The dead-letter sink: what was parked, in order."""

    def __init__(self) -> None:
        self.parked: list[Parked] = []

    async def park(self, parked: Sequence[Parked]) -> None:
        self.parked += parked


def batch_consumer(
    runtime: ServiceRuntime[Any], service: str, subscriptions: Sequence[tuple[str, EventSpec[Any], Handler[Any]]]
) -> tuple[BatchConsumer[Any], ListSink]:
    """``service``'s consumer on ``runtime``'s unit of work, subscribed (topic, spec, handler),
    retrying at once (three attempts)."""
    sink = ListSink()
    consumer: BatchConsumer[Any] = BatchConsumer(
        service=service,
        unit_of_work=runtime.unit_of_work,
        dead_letters=sink,
        metrics=ServiceMetrics(service),
        max_attempts=3,
        backoff_seconds=0.001,
    )
    for topic, spec, handler in subscriptions:
        consumer.subscribe(topic, spec, handler)
    return consumer, sink
