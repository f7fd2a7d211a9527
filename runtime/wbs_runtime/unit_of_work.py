"""One database transaction per use case, with the outbox and inbox inside it."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, get_type_hints

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec
from wbs_runtime.audit.trail import AuditTrail
from wbs_runtime.db import driver_connection, forget_driver
from wbs_runtime.messaging.inbox import Inbox
from wbs_runtime.messaging.outbox import Outbox


class Repository:
    """Base of a service's repositories: each works inside the session of one unit of work.

    A consumer applies a batch of events in one transaction, and a statement per event is what
    limits its throughput. A repository may therefore hold state for the whole transaction:

    - :meth:`expect` is told the events about to be applied, before their handlers run, so it can
      read in one query what they will ask of it;
    - writes may be held back and written all at once by :meth:`flush`, just before commit;
    - :meth:`mark` and :meth:`rewind` forget what an event did when its savepoint is rolled back,
      so that what is held stays in step with the database.

    Handlers stay written per event; by default a repository holds nothing.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def expect(self, events: Sequence[Envelope[Any]]) -> None:
        """The events a consumer is about to apply in this transaction."""

    def mark(self) -> object:
        """What to go back to if the savepoint that begins now is rolled back."""
        return None

    def rewind(self, mark: object) -> None:
        """The savepoint that began at ``mark`` was rolled back: forget what was held since."""

    async def flush(self) -> None:
        """Write what was held back; runs in the transaction, just before it commits."""

    async def _driver(self) -> asyncpg.Connection:
        """The asyncpg connection of this unit of work's transaction, for hot statements (see
        :func:`wbs_runtime.db.driver_connection`)."""
        return await driver_connection(self._session)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ReadOnce(Generic[K, V]):
    """What a repository read in its transaction, by key: a batch asks the same question for many
    of its events (the same tenant's rules, the same tenant's officers). It lives as long as the
    repository, one unit of work; :meth:`forget` it when the transaction writes what was read."""

    def __init__(self, read: Callable[[K], Awaitable[V]]) -> None:
        self._read = read
        self._answers: dict[K, V] = {}

    async def __call__(self, key: K) -> V:
        if key not in self._answers:
            self._answers[key] = await self._read(key)
        return self._answers[key]

    def forget(self) -> None:
        self._answers.clear()


class UnitOfWork:
    """Services subclass this and declare their repositories as annotated attributes::

        class SqlTriageUnitOfWork(UnitOfWork):
            cases: SqlCaseRepository
            agenda: SqlAgenda

    Entering the unit of work opens a session and gives each declared :class:`Repository` that session.

    Leaving the block without :meth:`commit` rolls everything back: the state change, the events
    it recorded in the outbox and the inbox claim all go, or none does.
    """

    session: AsyncSession
    outbox: Outbox
    inbox: Inbox
    #: Where the use case records what an officer did, in the same transaction (``wbs_runtime.audit``).
    audit: AuditTrail

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], consumer: str) -> None:
        self._sessionmaker = sessionmaker
        self._consumer = consumer

    async def __aenter__(self) -> Self:
        self.session = self._sessionmaker()
        self.audit = AuditTrail(self.session)
        self.outbox = Outbox(self.session)
        self.inbox = Inbox(self.session, self._consumer)
        self._in_use: list[Repository] = []
        for name, repository in self._repositories().items():
            instance = repository(self.session)
            setattr(self, name, instance)
            self._in_use.append(instance)
        return self

    @classmethod
    @functools.cache
    def _repositories(cls) -> dict[str, type[Repository]]:
        """The attributes this class declares as repositories (resolved once per class)."""
        return {
            name: hint
            for name, hint in get_type_hints(cls).items()
            if isinstance(hint, type) and issubclass(hint, Repository)
        }

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        forget_driver(self.session)
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def expect(self, events: Sequence[Envelope[Any]]) -> None:
        """Tell the repositories which events a consumer is about to apply (see :class:`Repository`)."""
        for repository in self._in_use:
            await repository.expect(events)

    async def commit(self) -> None:
        for repository in self._in_use:
            await repository.flush()
        await self.outbox.flush()
        await self.session.commit()
        self.outbox.committed()
        forget_driver(self.session)  # the next transaction may run on another connection

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Isolates one event of a consumer's batch: if the block fails, its effects (and the
        events it recorded in the outbox, and what repositories held for it) are rolled back
        alone, and the transaction goes on."""
        mark = self.outbox.mark()
        held = [repository.mark() for repository in self._in_use]
        try:
            async with self.session.begin_nested():
                # SQLAlchemy emits SAVEPOINT lazily, with the block's first statement through the
                # session; statements on the driver would not be inside it. Emit it now.
                await self.session.connection()
                yield
        except BaseException:
            self.outbox.forget_since(mark)
            for repository, repository_mark in zip(self._in_use, held, strict=True):
                repository.rewind(repository_mark)
            raise


class Transactional(Protocol):
    """The part of a unit of work that use cases see; services' ports extend it with repositories."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...


class EventOutbox(Protocol):
    """Where use cases record the events their change causes (the outbox, or a test fake)."""

    async def add(self, spec: EventSpec[Any], envelope: Envelope[Any]) -> None: ...
