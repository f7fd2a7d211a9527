"""The consumer's policy, on fakes: apply a fetch as one transaction with each event isolated,
dead-letter what cannot be parsed or fixed at once, retry other failures briefly then park them,
keep each case's order, never dead-letter because the database is down, and apply each event once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any, Self
from uuid import UUID, uuid4

import asyncpg
import pytest

from tests.support.database_errors import as_sqlalchemy_raises
from tests.support.events import case_registered, report_submitted
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED
from wbs_contracts.wire import MalformedEvent, encode
from wbs_runtime.crypto import MissingKey
from wbs_runtime.messaging.consumer import BatchConsumer, Parked, ReceivedRecord
from wbs_runtime.messaging.inbox import EventKey, event_key
from wbs_runtime.metrics import ServiceMetrics

TOPIC = "test." + CASE_REGISTERED.topic


class Database:
    """What has been committed: inbox claims and the handlers' effects, in commit order."""

    def __init__(self) -> None:
        self.claimed: set[EventKey] = set()
        self.effects: list[UUID] = []
        self.transactions = 0
        self.savepoints = 0
        #: Per transaction, the events the unit of work was told to expect.
        self.expected: list[list[UUID]] = []


class FakeInbox:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, events: Sequence[tuple[Envelope[Any], str]]) -> set[EventKey]:
        new = {event_key(e) for e, _ in events} - self._uow.claimed
        self._uow.claimed |= new
        return new

    async def release(self, events: Sequence[Envelope[Any]]) -> None:
        self._uow.claimed -= {event_key(e) for e in events}


class FakeUnitOfWork:
    """A transaction on :class:`Database`: nothing is visible to others until commit, and a
    savepoint's changes are undone when its block fails."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.inbox = FakeInbox(self)

    async def __aenter__(self) -> Self:
        self.claimed = set(self._database.claimed)
        self.effects = list(self._database.effects)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def expect(self, events: Sequence[Envelope[Any]]) -> None:
        self._database.expected.append([e.id for e in events])

    async def commit(self) -> None:
        self._database.claimed = set(self.claimed)
        self._database.effects = list(self.effects)
        self._database.transactions += 1

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        self._database.savepoints += 1
        claimed, effects = set(self.claimed), list(self.effects)
        try:
            yield
        except BaseException:
            self.claimed, self.effects = claimed, effects
            raise


class FakeDeadLetters:
    def __init__(self) -> None:
        self.calls: list[list[Parked]] = []

    @property
    def parked(self) -> list[Parked]:
        return [p for call in self.calls for p in call]

    async def park(self, parked: Sequence[Parked]) -> None:
        self.calls.append(list(parked))


class Handler:
    """Records its effect, then fails with the errors scripted for the event (in order), if any."""

    def __init__(self, failures: dict[UUID, list[BaseException]] | None = None) -> None:
        self.failures = failures or {}
        self.calls: list[UUID] = []

    async def __call__(self, envelope: Envelope[Any], uow: FakeUnitOfWork) -> None:
        self.calls.append(envelope.id)
        uow.effects.append(envelope.id)  # written before failing: a failure must undo it
        scripted = self.failures.get(envelope.id)
        if scripted:
            raise scripted.pop(0)


def always(error: BaseException, times: int = 100) -> list[BaseException]:
    return [error] * times


def record_of(envelope: Envelope[Any], offset: int = 0) -> ReceivedRecord:
    wire = encode(envelope)
    return ReceivedRecord(TOPIC, 0, offset, wire.key, wire.value, wire.headers)


def records(*envelopes: Envelope[Any]) -> list[ReceivedRecord]:
    return [record_of(e, offset) for offset, e in enumerate(envelopes)]


class Setup:
    def __init__(self, handler: Handler, **options: Any) -> None:
        self.database = Database()
        self.dead = FakeDeadLetters()
        self.handler = handler
        self.metrics = ServiceMetrics("notify")
        self.consumer: BatchConsumer[FakeUnitOfWork] = BatchConsumer(
            service="notify",
            unit_of_work=lambda: FakeUnitOfWork(self.database),
            dead_letters=self.dead,
            metrics=self.metrics,
            max_attempts=options.pop("max_attempts", 3),
            backoff_seconds=options.pop("backoff_seconds", 0.001),
            retry_seconds=options.pop("retry_seconds", 5.0),
            **options,
        )
        self.consumer.subscribe(TOPIC, CASE_REGISTERED, handler)

    def consumed(self, outcome: str) -> float:
        labels = {"service": "notify", "topic": CASE_REGISTERED.topic, "outcome": outcome}
        return self.metrics.registry.get_sample_value("wbs_events_consumed_total", labels) or 0.0


async def test_a_batch_is_applied_in_one_transaction() -> None:
    events = [case_registered() for _ in range(50)]
    setup = Setup(Handler())
    outcome = await setup.consumer.apply(records(*events))
    assert setup.database.effects == [e.id for e in events]
    assert setup.database.transactions == 1
    assert setup.database.savepoints == 0  # savepoints only once an event fails
    assert (outcome.applied, outcome.duplicates, outcome.parked) == (50, 0, ())


async def test_an_event_is_applied_once_even_when_delivered_twice() -> None:
    event, other = case_registered(), case_registered()
    setup = Setup(Handler())
    await setup.consumer.apply(records(event, event, other))  # twice in one fetch (a replay)
    await setup.consumer.apply(records(event))  # and again later (a redelivery)
    assert setup.handler.calls == [event.id, other.id]
    assert (setup.consumed("applied"), setup.consumed("duplicate")) == (2, 2)
    assert setup.dead.parked == []


@pytest.mark.parametrize(
    "record",
    [
        ReceivedRecord(TOPIC, 0, 1, b"k", b"{not json", ()),
        ReceivedRecord(TOPIC, 0, 1, b"k", b"{}", ((("ce_type"), b"wbs.triage.case-registered"),)),
        record_of(report_submitted()),  # a valid event, but not the one this topic carries
        ReceivedRecord("test.some.other.topic", 0, 1, b"k", b"{}", ()),  # not a topic it consumes
    ],
    ids=["garbage", "missing-headers", "wrong-type", "wrong-topic"],
)
async def test_what_cannot_be_parsed_is_dead_lettered_at_once(record: ReceivedRecord) -> None:
    good = case_registered()
    setup = Setup(Handler())
    await setup.consumer.apply([record, record_of(good, 2)])
    assert setup.handler.calls == [good.id]
    [parked] = setup.dead.parked
    assert parked.record is record
    assert isinstance(parked.error, MalformedEvent)
    assert (parked.attempts, parked.reason, parked.envelope) == (1, "malformed", None)


async def test_a_failing_handler_is_retried_then_succeeds() -> None:
    event = case_registered()
    setup = Setup(Handler({event.id: [RuntimeError("flaky"), RuntimeError("flaky again")]}), max_attempts=3)
    await setup.consumer.apply(records(event))
    assert setup.handler.calls == [event.id] * 3
    assert setup.database.effects == [event.id]
    assert setup.dead.parked == []


async def test_one_failing_event_is_rolled_back_alone_and_parked_while_the_batch_commits() -> None:
    events = [case_registered() for _ in range(5)]
    poisoned = events[2]
    setup = Setup(Handler({poisoned.id: always(ValueError("bad data"))}), max_attempts=3)
    outcome = await setup.consumer.apply(records(*events))
    assert setup.database.effects == [e.id for e in events if e is not poisoned]  # its effect was undone
    assert setup.handler.calls.count(poisoned.id) == 3
    [parked] = setup.dead.parked
    assert (parked.envelope, str(parked.error), parked.attempts, parked.reason) == (
        poisoned,
        "bad data",
        3,
        "handler_error",
    )
    assert outcome.applied == 4
    assert event_key(poisoned) not in setup.database.claimed  # a resend must not look like a duplicate
    assert setup.database.savepoints >= 4  # once it failed, every event went in a savepoint


async def test_the_unit_of_work_expects_the_events_it_will_apply_and_no_duplicates() -> None:
    """What lets repositories read ahead once per batch instead of once per event."""
    applied, fresh, failing = case_registered(), case_registered(), case_registered()
    setup = Setup(Handler({failing.id: [ValueError("once")]}))
    await setup.consumer.apply(records(applied))
    setup.database.expected.clear()
    await setup.consumer.apply(records(applied, fresh, failing))
    assert setup.database.expected[0] == [fresh.id, failing.id]  # the duplicate is not expected
    # the batch again, with savepoints, the failed event held back; then the failed event alone
    assert setup.database.expected[1:] == [[fresh.id], [failing.id]]


async def test_a_failed_attempt_leaves_no_inbox_claim_behind() -> None:
    event = case_registered()
    setup = Setup(Handler({event.id: [RuntimeError("rolled back")]}), max_attempts=2)
    await setup.consumer.apply(records(event))
    assert setup.database.effects == [event.id]  # the retry was not mistaken for a duplicate


async def test_a_cases_later_events_wait_for_its_failed_event() -> None:
    case = uuid4()
    first, second = case_registered(case_id=case, sequence=1), case_registered(case_id=case, sequence=2)
    other = case_registered()
    setup = Setup(Handler({first.id: [RuntimeError("once")]}))
    await setup.consumer.apply(records(first, other, second))
    assert setup.database.effects == [other.id, first.id, second.id]


async def test_a_cases_later_events_follow_once_its_failed_event_is_parked() -> None:
    case = uuid4()
    first, second = case_registered(case_id=case, sequence=1), case_registered(case_id=case, sequence=2)
    setup = Setup(Handler({first.id: always(MissingKey("no private key"))}))
    await setup.consumer.apply(records(first, second))
    assert setup.database.effects == [second.id]
    assert [p.envelope for p in setup.dead.parked] == [first]


async def test_retrying_one_event_is_bounded_by_the_retry_time_not_only_the_attempts() -> None:
    """With 0.2 s, 0.4 s, 0.8 s... between attempts and 0.5 s to spend, the third attempt would
    start after 0.6 s: it is not made, however many attempts are allowed."""
    event = case_registered()
    handler = Handler({event.id: always(RuntimeError("still broken"))})
    setup = Setup(handler, max_attempts=100, backoff_seconds=0.2, retry_seconds=0.5)
    await setup.consumer.apply(records(event))
    [parked] = setup.dead.parked
    assert parked.attempts == len(handler.calls) == 2


async def test_many_events_that_retrying_cannot_fix_are_parked_in_one_pass() -> None:
    """Intake meeting 273 registrations of reports it never received: each is tried once."""
    events = [case_registered() for _ in range(273)]
    handler = Handler({e.id: [MissingKey("no private key")] for e in events})
    setup = Setup(handler, max_attempts=5)
    await setup.consumer.apply(records(*events))
    assert len(handler.calls) == 273
    [call] = setup.dead.calls
    assert [(p.envelope, p.attempts, p.reason) for p in call] == [(e, 1, "unretryable") for e in events]
    assert setup.database.effects == []


async def test_an_unreachable_database_is_waited_out_not_dead_lettered() -> None:
    outage: list[BaseException] = [
        as_sqlalchemy_raises(asyncpg.exceptions.CannotConnectNowError("the database system is starting up")),
        as_sqlalchemy_raises(asyncpg.exceptions.AdminShutdownError("terminating connection")),
        as_sqlalchemy_raises(asyncpg.exceptions.TooManyConnectionsError("too many clients")),
        as_sqlalchemy_raises(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")),
        ConnectionRefusedError("connection refused"),
        as_sqlalchemy_raises(asyncpg.exceptions.DeadlockDetectedError("deadlock detected")),
    ]
    event, other = case_registered(), case_registered()
    setup = Setup(Handler({event.id: outage}), max_attempts=2)
    await setup.consumer.apply(records(other, event))
    assert setup.handler.calls.count(event.id) == 7
    assert setup.database.effects == [other.id, event.id]  # the batch was rerun, each applied once
    assert setup.dead.parked == []


async def test_on_shutdown_an_outage_leaves_the_batch_uncommitted() -> None:
    stopping = asyncio.Event()
    stopping.set()
    event = case_registered()
    setup = Setup(Handler({event.id: [ConnectionResetError("gone")]}), stopping=stopping)
    with pytest.raises(ConnectionResetError):
        await setup.consumer.apply(records(case_registered(), event))
    assert setup.dead.parked == []
    assert setup.database.effects == []


async def test_what_retrying_cannot_fix_is_dead_lettered_at_once() -> None:
    event = case_registered()
    setup = Setup(Handler({event.id: [MissingKey("no private key bps-1700/case-substance/abcd")]}), max_attempts=5)
    await setup.consumer.apply(records(event))
    assert setup.handler.calls == [event.id]
    [parked] = setup.dead.parked
    assert (type(parked.error), parked.attempts, parked.reason) == (MissingKey, 1, "unretryable")


async def test_a_constraint_violation_is_the_messages_fault_not_an_outage() -> None:
    event = case_registered()
    violation = as_sqlalchemy_raises(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    setup = Setup(Handler({event.id: always(violation)}), max_attempts=3)
    await setup.consumer.apply(records(event))
    [parked] = setup.dead.parked
    assert (parked.attempts, parked.reason) == (3, "handler_error")


class FailingCommit(FakeUnitOfWork):
    """A failure no savepoint contains: the commit itself fails when one event is in the batch."""

    poison: UUID

    async def commit(self) -> None:
        if FailingCommit.poison in self.effects:
            raise ValueError("deferred constraint violated")
        await super().commit()


async def test_a_failure_outside_every_savepoint_is_found_by_applying_one_by_one() -> None:
    events = [case_registered() for _ in range(4)]
    FailingCommit.poison = events[1].id
    setup = Setup(Handler())
    setup.consumer._unit_of_work = lambda: FailingCommit(setup.database)
    await setup.consumer.apply(records(*events))
    assert setup.database.effects == [e.id for e in events if e is not events[1]]
    [parked] = setup.dead.parked
    assert (parked.envelope, parked.reason) == (events[1], "handler_error")
