"""Publishing events onto a topic the way a producing service would (or garbage, as a broken one might)."""

from __future__ import annotations

from typing import Any

from tests.support.kafka import produce
from wbs_contracts.envelope import Envelope
from wbs_contracts.wire import encode


async def publish(bootstrap_servers: str, topic: str, envelope: Envelope[Any]) -> None:
    record = encode(envelope)
    await produce(bootstrap_servers, topic, record.value, key=record.key, headers=list(record.headers))
