"""Reading and writing topics directly, as an outside Kafka client would."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

#: aiokafka's ConsumerRecord (the library ships no type information).
Record: TypeAlias = Any


async def produce(
    bootstrap_servers: str, topic: str, value: bytes, *, key: bytes | None = None, headers: list[tuple[str, bytes]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def read_until(
    bootstrap_servers: str,
    topic: str,
    done: Callable[[list[Record]], bool],
    *,
    within: float = 20.0,
) -> list[Record]:
    """Read ``topic`` from the beginning (no consumer group) until ``done(records)`` holds."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
        client_id=f"wbs-test-{uuid.uuid4().hex[:6]}",
    )
    await consumer.start()
    records: list[Record] = []
    deadline = time.monotonic() + within
    try:
        while not done(records):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out reading {topic}: {len(records)} record(s) so far")
            batches = await consumer.getmany(timeout_ms=int(min(remaining, 0.5) * 1000))
            for batch in batches.values():
                records.extend(batch)
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return records


def header(record: Record, name: str) -> str | None:
    for key, value in record.headers:
        if key == name:
            return str(value.decode())
    return None


def events(records: list[Record]) -> list[Any]:
    """The records that are valid WBS events, decoded (a topic may also hold a test's garbage)."""
    from wbs_contracts.wire import MalformedEvent, decode

    decoded = []
    for record in records:
        try:
            decoded.append(decode(record.headers, record.value))
        except MalformedEvent:
            continue
    return decoded
