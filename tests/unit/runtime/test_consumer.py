"""The consumer's policy: dead-letter what cannot be parsed, retry failures with backoff up to a
limit, never dead-letter because the database is down, and apply each event once."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self

import asyncpg
import pytest

from tests.support.database_errors import as_sqlalchemy_raises
from tests.support.events import case_registered, report_submitted
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED
from wbs_contracts.wire import MalformedEvent, encode
from wbs_runtime.crypto import MissingKey
from wbs_runtime.messaging.consumer import Consumer, ReceivedRecord
from wbs_runtime.metrics import ServiceMetrics


class FakeInbox:
    def __init__(self) -> None:
        self.claimed: set[str] = set()

    async def claim(self, envelope: Envelope[Any], topic: str) -> bool:
        key = f"{envelope.source}/{envelope.id}"
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True


class FakeUnitOfWork:
    """Shares one inbox; a claim made in a transaction that does not commit is forgotten."""

    committed = FakeInbox()

    def __init__(self) -> None:
        self.inbox = FakeInbox()

    async def __aenter__(self) -> Self:
        self.inbox.claimed = set(FakeUnitOfWork.committed.claimed)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def commit(self) -> None:
        FakeUnitOfWork.committed.claimed = set(self.inbox.claimed)


class FakeDeadLetters:
    def __init__(self) -> None:
        self.parked: list[tuple[ReceivedRecord, BaseException, int, str]] = []

    async def park(self, record: ReceivedRecord, error: BaseException, attempts: int, reason: str) -> None:
        self.parked.append((record, error, attempts, reason))


class Handler:
    """Fails with the given errors, in order, then succeeds."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.calls = 0
        self.applied: list[Envelope[Any]] = []

    async def __call__(self, envelope: Envelope[Any], uow: FakeUnitOfWork) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.applied.append(envelope)


def record_of(envelope: Envelope[Any]) -> ReceivedRecord:
    wire = encode(envelope)
    return ReceivedRecord(CASE_REGISTERED.topic, 0, 42, wire.key, wire.value, wire.headers)


def consumer(handler: Handler, dead_letters: FakeDeadLetters, **options: Any) -> Consumer[FakeUnitOfWork]:
    FakeUnitOfWork.committed = FakeInbox()
    return Consumer(
        service="notify",
        event=CASE_REGISTERED,
        handler=handler,
        unit_of_work=FakeUnitOfWork,
        dead_letters=dead_letters,
        metrics=ServiceMetrics("notify"),
        max_attempts=options.pop("max_attempts", 3),
        backoff_seconds=0.001,
        **options,
    )


def consumed(c: Consumer[FakeUnitOfWork], outcome: str) -> float:
    value = c._metrics.registry.get_sample_value(
        "wbs_events_consumed_total", {"service": "notify", "topic": CASE_REGISTERED.topic, "outcome": outcome}
    )
    return value or 0.0


async def test_an_event_is_applied_once_even_when_delivered_twice() -> None:
    handler, dead = Handler(), FakeDeadLetters()
    apply = consumer(handler, dead)
    record = record_of(case_registered())
    await apply(record)
    await apply(record)
    assert handler.calls == 1
    assert (consumed(apply, "applied"), consumed(apply, "duplicate")) == (1, 1)
    assert dead.parked == []


@pytest.mark.parametrize(
    "record",
    [
        ReceivedRecord(CASE_REGISTERED.topic, 0, 1, b"k", b"{not json", ()),
        ReceivedRecord(CASE_REGISTERED.topic, 0, 1, b"k", b"{}", ((("ce_type"), b"wbs.triage.case-registered"),)),
        record_of(report_submitted()),  # a valid event, but not the one this topic carries
    ],
    ids=["garbage", "missing-headers", "wrong-type"],
)
async def test_what_cannot_be_parsed_is_dead_lettered_at_once(record: ReceivedRecord) -> None:
    handler, dead = Handler(), FakeDeadLetters()
    apply = consumer(handler, dead)
    await apply(record)
    assert handler.calls == 0
    [(parked, error, attempts, reason)] = dead.parked
    assert parked is record
    assert isinstance(error, MalformedEvent)
    assert (attempts, reason) == (1, "malformed")


async def test_a_failing_handler_is_retried_then_succeeds() -> None:
    handler, dead = Handler(RuntimeError("flaky"), RuntimeError("flaky again")), FakeDeadLetters()
    apply = consumer(handler, dead, max_attempts=3)
    await apply(record_of(case_registered()))
    assert handler.calls == 3
    assert len(handler.applied) == 1
    assert dead.parked == []


async def test_a_handler_that_keeps_failing_is_dead_lettered_and_the_consumer_goes_on() -> None:
    handler, dead = Handler(*[ValueError("bad data")] * 3), FakeDeadLetters()
    apply = consumer(handler, dead, max_attempts=3)
    poisoned = record_of(case_registered())
    await apply(poisoned)
    [(parked, error, attempts, reason)] = dead.parked
    assert (parked, str(error), attempts, reason) == (poisoned, "bad data", 3, "handler_error")
    await apply(record_of(case_registered()))
    assert len(handler.applied) == 1


async def test_a_failed_attempt_leaves_no_inbox_claim_behind() -> None:
    handler, dead = Handler(RuntimeError("rolled back")), FakeDeadLetters()
    apply = consumer(handler, dead, max_attempts=2)
    await apply(record_of(case_registered()))
    assert len(handler.applied) == 1  # the retry was not mistaken for a duplicate


async def test_an_unreachable_database_is_waited_out_not_dead_lettered() -> None:
    outage = [
        as_sqlalchemy_raises(asyncpg.exceptions.CannotConnectNowError("the database system is starting up")),
        as_sqlalchemy_raises(asyncpg.exceptions.AdminShutdownError("terminating connection")),
        as_sqlalchemy_raises(asyncpg.exceptions.TooManyConnectionsError("too many clients")),
        as_sqlalchemy_raises(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")),
        ConnectionRefusedError("connection refused"),
        as_sqlalchemy_raises(asyncpg.exceptions.DeadlockDetectedError("deadlock detected")),
    ]
    handler, dead = Handler(*outage), FakeDeadLetters()
    apply = consumer(handler, dead, max_attempts=2)
    await apply(record_of(case_registered()))
    assert handler.calls == 7
    assert len(handler.applied) == 1
    assert dead.parked == []


async def test_on_shutdown_an_outage_leaves_the_event_uncommitted() -> None:
    stopping = asyncio.Event()
    stopping.set()
    handler, dead = Handler(ConnectionResetError("gone")), FakeDeadLetters()
    apply = consumer(handler, dead, stopping=stopping)
    with pytest.raises(ConnectionResetError):
        await apply(record_of(case_registered()))
    assert dead.parked == []


async def test_what_retrying_cannot_fix_is_dead_lettered_at_once() -> None:
    handler, dead = Handler(MissingKey("no private key bps-1700/case-substance/abcd")), FakeDeadLetters()
    apply = consumer(handler, dead, max_attempts=5)
    await apply(record_of(case_registered()))
    assert handler.calls == 1
    [(_, error, attempts, reason)] = dead.parked
    assert (type(error), attempts, reason) == (MissingKey, 1, "unretryable")


async def test_a_constraint_violation_is_the_messages_fault_not_an_outage() -> None:
    violation = as_sqlalchemy_raises(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    handler, dead = Handler(*[violation] * 3), FakeDeadLetters()
    apply = consumer(handler, dead, max_attempts=3)
    await apply(record_of(case_registered()))
    [(_, _, attempts, reason)] = dead.parked
    assert (attempts, reason) == (3, "handler_error")
