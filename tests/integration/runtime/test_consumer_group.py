"""A stopped consumer leaves its group at once, whatever generation the broker gave it: the next
member (a restarted service) is not assigned, then rebalanced again when the stopped one's session
times out."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from wbs_runtime.messaging.consumer import ReceivedRecord
from wbs_runtime.messaging.consumer_loop import ConsumerLoop
from wbs_runtime.metrics import ServiceMetrics


async def members(infra: Infrastructure, group: str) -> list[Any]:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap_servers)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    [(error_code, _group, _state, _type, _protocol, found)] = response.groups
    assert error_code == 0
    return list(found)


async def test_a_stopped_consumer_is_no_longer_a_member_of_its_group(infra: Infrastructure) -> None:
    topic = f"{infra.namespace}.leave.{uuid.uuid4().hex[:8]}"
    group = f"{topic}.group"
    await produce(infra.bootstrap_servers, topic, b"{}", headers=[])

    async def ignore(records: Sequence[ReceivedRecord]) -> None:
        return None

    loop = ConsumerLoop(
        bootstrap_servers=infra.bootstrap_servers,
        group_id=group,
        topics=[topic],
        apply=ignore,
        metrics=ServiceMetrics("notify"),
        client_id="wbs-test",
        fetch_max_wait_ms=50,
    )
    await loop.start()  # returns once the group was joined
    try:
        assert len(await members(infra, group)) == 1
    finally:
        await loop.stop()
    assert await members(infra, group) == []
