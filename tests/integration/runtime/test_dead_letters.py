"""Dead letters kept durably and resent by the running service, with the operators' commands,
against real PostgreSQL and a real Kafka-protocol broker."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select, update

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import header, produce, read_until
from tests.support.publish import publish
from tests.support.services import migrated_database, running
from tests.support.waiting import eventually
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED, dead_letter_topic
from wbs_contracts.wire import encode
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.entrypoint import PROGRAM, NotifySettings
from wbs_notify.usecases import acknowledge_registration
from wbs_runtime.clock import utc_now
from wbs_runtime.messaging.outbox import Outbox
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.ops import dlq
from wbs_runtime.ops import outbox as outbox_ops
from wbs_runtime.service import ServiceRuntime


@dataclass
class Broken:
    """A handler with a bug for some cases, until a fix is deployed."""

    cases: set[UUID] = field(default_factory=set)
    secret: str = "rahasia-dari-isi-laporan"

    def __post_init__(self) -> None:
        self._acknowledge = acknowledge_registration(utc_now)

    async def __call__(self, event: Envelope[Any], uow: SqlNotifyUnitOfWork) -> None:
        if event.data.case_id in self.cases:
            # What a careless handler might raise: a query's parameters (content) in SQLAlchemy's
            # text. They may reach neither the table, nor the headers, nor the logs.
            raise ValueError(f"cannot handle\n[SQL: SELECT ...]\n[parameters: ('{self.secret}',)]")
        await self._acknowledge(event, uow)


@dataclass
class Service:
    runtime: ServiceRuntime[SqlNotifyUnitOfWork]
    url: str
    prefix: str
    bootstrap: str
    handler: Broken

    async def publish(self, event: Envelope[Any]) -> None:
        await publish(self.bootstrap, self.prefix + CASE_REGISTERED.topic, event)

    async def queued(self, case_id: UUID) -> bool:
        async with self.runtime.sessionmaker() as session:
            query = select(notification_table.c.case_id).where(notification_table.c.case_id == case_id)
            return (await session.execute(query)).first() is not None

    def gauge(self, reason: str) -> float:
        labels = {"service": "notify", "topic": CASE_REGISTERED.topic, "reason": reason}
        return self.runtime.metrics.registry.get_sample_value("wbs_dead_letters_parked", labels) or 0.0


@pytest.fixture(scope="module")
async def service(infra: Infrastructure) -> AsyncIterator[Service]:
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata)
    prefix = f"{infra.namespace}.dlq{uuid4().hex[:4]}."
    settings = NotifySettings(
        database_url=url,
        kafka_bootstrap_servers=infra.bootstrap_servers,
        kafka_topic_prefix=prefix,
        consumer_backoff_seconds=0.01,
        outbox_poll_seconds=0.2,
        kafka_fetch_max_wait_ms=50,
    )
    runtime: ServiceRuntime[SqlNotifyUnitOfWork] = ServiceRuntime(settings, SqlNotifyUnitOfWork)
    handler = Broken()
    runtime.subscribe(CASE_REGISTERED, handler)
    async with running(runtime):
        yield Service(runtime, url, prefix, infra.bootstrap_servers, handler)


async def parked(service: Service, event_id: UUID) -> dlq.DeadLetter | None:
    for letter in await dlq.list_dead_letters(service.url, "notify"):
        detail = await dlq.show_dead_letter(service.url, "notify", letter.id)
        if detail and detail.event_id == str(event_id) and letter.status == "parked":
            return letter
    return None


async def test_a_dead_letter_is_kept_with_its_bytes_and_resent_after_the_fix(service: Service) -> None:
    event = case_registered()
    service.handler.cases.add(event.data.case_id)
    wire = encode(event)
    headers = [*wire.headers, ("trace", b"\xff\x00")]  # bytes that are not text: kept intact
    await produce(service.bootstrap, service.prefix + CASE_REGISTERED.topic, wire.value, key=wire.key, headers=headers)

    letter = await eventually(lambda: parked(service, event.id), what="the dead letter kept")
    assert (letter.topic, letter.reason, letter.error_type, letter.attempts) == (
        service.prefix + CASE_REGISTERED.topic,
        "handler_error",
        "ValueError",
        3,
    )
    assert service.handler.secret not in letter.error
    assert "parameters" not in letter.error
    detail = await dlq.show_dead_letter(service.url, "notify", letter.id)
    assert detail is not None
    assert (detail.key, detail.value, list(detail.headers)) == (wire.key, wire.value, headers)
    assert detail.attributes["id"] == str(event.id)
    assert detail.attributes["type"] == CASE_REGISTERED.event_type
    shown = dlq.format_detail(detail)
    assert f"notify:{letter.id}" in shown
    assert "trace: 0xff00" in shown
    assert f"notify:{letter.id}" in dlq.format_list([letter])

    copies = await read_until(
        service.bootstrap,
        service.prefix + dead_letter_topic("notify").name,
        lambda rs: any(header(r, "ce_id") == str(event.id) for r in rs),
    )
    [copy] = [r for r in copies if header(r, "ce_id") == str(event.id)]
    assert copy.value == wire.value
    assert dict(copy.headers)["trace"] == b"\xff\x00"
    assert service.handler.secret not in (header(copy, "wbs-dlq-error") or "")

    await service.runtime.gauges.refresh_now()
    assert service.gauge("handler_error") >= 1

    # Still broken: resending parks it again, with the new error and the attempts added up.
    outcomes = await dlq.resend(service.url, "notify", [letter.id], wait_seconds=20)
    assert [(o.name, o.status) for o in outcomes] == [(f"notify:{letter.id}", "parked")]
    [again] = [d for d in await dlq.list_dead_letters(service.url, "notify") if d.id == letter.id]
    assert (again.status, again.attempts) == ("parked", 6)

    service.handler.cases.clear()  # the fix is deployed
    outcomes = await dlq.resend(service.url, "notify", [letter.id], wait_seconds=20)
    assert [(o.name, o.status) for o in outcomes] == [(f"notify:{letter.id}", "resent")]
    assert await service.queued(event.data.case_id)
    [done] = await dlq.list_dead_letters(service.url, "notify", statuses=["resent"])
    assert done.id == letter.id
    await service.runtime.gauges.refresh_now()
    assert service.gauge("handler_error") == 0


async def test_the_same_event_parked_again_updates_its_open_row(service: Service) -> None:
    event = case_registered()
    service.handler.cases.add(event.data.case_id)
    await service.publish(event)
    first = await eventually(lambda: parked(service, event.id), what="parked once")
    await service.publish(event)  # a replay of the producer's outbox delivers it again

    async def parked_twice() -> bool:
        [row] = [d for d in await dlq.list_dead_letters(service.url, "notify") if d.id == first.id]
        return row.attempts == 6

    await eventually(parked_twice, what="the same row updated")
    assert await dlq.discard(service.url, [first.id]) == [first.id]
    assert await dlq.request_resend(service.url, [first.id]) == []  # discarded is not parked


async def test_events_retrying_cannot_fix_leave_at_once_and_the_others_flow(service: Service) -> None:
    poisoned = [case_registered() for _ in range(40)]
    healthy = [case_registered() for _ in range(10)]
    service.handler.cases.update(e.data.case_id for e in poisoned)
    await asyncio.gather(*(service.publish(e) for e in [*poisoned, *healthy]))

    async def all_healthy_applied() -> bool:
        return all([await service.queued(e.data.case_id) for e in healthy])

    await eventually(all_healthy_applied, what="the healthy events applied")

    async def all_parked() -> bool:
        letters = await dlq.list_dead_letters(service.url, "notify", statuses=["parked"], limit=1000)
        return len({d.id for d in letters}) >= 40

    await eventually(all_parked, what="the poisoned events parked")


def test_the_commands_plug_into_argparse_with_help_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="wbs")
    commands = parser.add_subparsers(dest="command", required=True)
    dlq.register(commands, database_urls=lambda: {})
    outbox_ops.register(commands, database_urls=lambda: {})
    arguments = parser.parse_args(["dlq", "resend", "triage:3", "intake:4", "--wait", "1"])
    assert (arguments.dlq_command, arguments.ids, arguments.wait) == ("resend", ["triage:3", "intake:4"], 1.0)
    assert callable(arguments.handler)
    assert callable(parser.parse_args(["outbox", "status"]).handler)
    with pytest.raises(SystemExit):
        parser.parse_args(["dlq", "--help"])
    assert "surat mati" in capsys.readouterr().out
    assert dlq.parse_name("triage:12") == ("triage", 12)
    with pytest.raises(ValueError, match="SERVICE:ID"):
        dlq.parse_name("12")


async def test_outbox_status_shows_backlog_and_stuck_events(service: Service) -> None:
    relay = service.runtime.relay
    relay.stop()  # keep the event unpublished for the look (this module's last test)
    await eventually(lambda: _not_leading(relay), what="the relay stopped")
    stuck = case_registered()
    async with service.runtime.sessionmaker() as session:
        await Outbox(session).add(CASE_REGISTERED, stuck)
        await session.commit()
    async with service.runtime.sessionmaker() as session:  # as if the relay had failed 7 times
        await session.execute(
            update(outbox)
            .where(outbox.c.event_id == stuck.id)
            .values(publish_attempts=7, last_error="KafkaTimeoutError")
        )
        await session.commit()
    [status] = await outbox_ops.status_of_all({"notify": service.url})
    assert status.error is None
    assert status.unpublished >= 1
    assert any(e.attempts == 7 and e.last_error == "KafkaTimeoutError" for e in status.stuck)
    text = outbox_ops.format_status([status])
    assert "KafkaTimeoutError" in text
    assert "notify" in text
    [unreachable] = await outbox_ops.status_of_all({"triage": "postgresql://nobody@127.0.0.1:1/none"})
    assert unreachable.error is not None


async def _not_leading(relay: Any) -> bool:
    return not relay.is_leader
