"""Queue health's probe against the real broker: one Kafka client per consumer group, every one
of them closed with the probe. Its first measurement asked the groups' committed offsets all at
once and made a client inside each question: one per subscription (47), of which it kept one per
group; the rest were collected half-open, each logged as an error at every ``make run``."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from tests.support.infrastructure import Infrastructure
from wbs_runtime.messaging.kafka import ensure_topics
from wbs_runtime.monitoring import lag
from wbs_runtime.monitoring.lag import LagProbe, subscriptions


async def test_a_probe_keeps_one_client_per_group_and_closes_them_all(
    infra: Infrastructure, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = f"{infra.namespace}.probe."
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    count = 0  # not the clients themselves: one the probe drops must still be collected (and complain)

    class Counted(AIOKafkaConsumer):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            nonlocal count
            super().__init__(*args, **kwargs)
            count += 1

    monkeypatch.setattr(lag, "AIOKafkaConsumer", Counted)
    complaints: list[str] = []

    def complain(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        # Only this probe's clients: what earlier tests left to the collector is theirs. By class:
        # a collected client's weak reference is cleared before its __del__ complains.
        if isinstance(context.get("consumer"), Counted):
            complaints.append(str(context.get("message")))

    gc.collect()
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(complain)
    try:
        wanted = subscriptions(prefix)
        probe = LagProbe(infra.bootstrap_servers, wanted, client_id="wbs-probe-test")
        measured = await probe.measure()
        await probe.measure()  # the same clients again
        created = count
        await probe.close()
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
    assert {row.group for row in measured} == {s.group for s in wanted}
    assert created == len({s.group for s in wanted}) + 1  # one per group, and the reader without a group
    assert complaints == []
