"""The launcher's record of what every consumer applied, read from a real broker's committed offsets."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.support.infrastructure import Infrastructure
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_launcher import checkpoint
from wbs_runtime.messaging.kafka import TopicNames, ensure_topics
from wbs_runtime.messaging.restart import load_consumed


async def consume_and_commit(bootstrap: str, topic: str, group: str, count: int) -> None:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        seen = 0
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000)
            seen += sum(len(records) for records in batches.values())
        await consumer.commit()
    finally:
        await consumer.stop()


async def test_the_mark_is_the_lowest_offset_every_consumer_group_committed(
    infra: Infrastructure, tmp_path: Path
) -> None:
    prefix = f"{infra.namespace}.mark{uuid4().hex[:4]}."
    names = TopicNames(prefix)
    topic = names(REPORT_SUBMITTED.topic)
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers)
    await producer.start()
    try:
        for index in range(12):
            await producer.send_and_wait(topic, key=f"case-{index}".encode(), value=b"{}")
    finally:
        await producer.stop()

    nothing = await checkpoint.read_consumed(infra.bootstrap_servers, prefix)
    assert set(nothing[REPORT_SUBMITTED.topic].values()) == {0}

    *first, last = REPORT_SUBMITTED.consumers
    for service in first:
        await consume_and_commit(infra.bootstrap_servers, topic, names.group(service), 12)
    partway = await checkpoint.read_consumed(infra.bootstrap_servers, prefix)
    assert set(partway[REPORT_SUBMITTED.topic].values()) == {0}, f"{last} has applied nothing yet"

    await consume_and_commit(infra.bootstrap_servers, topic, names.group(last), 12)
    everyone = await checkpoint.read_consumed(infra.bootstrap_servers, prefix)
    assert sum(everyone[REPORT_SUBMITTED.topic].values()) == 12

    record = tmp_path / "broker-consumed.json"
    checkpoint.write(record, everyone)
    assert load_consumed(record) == everyone
    assert json.loads(record.read_text())["taken_at"]
    assert load_consumed(tmp_path / "absent.json") is None
