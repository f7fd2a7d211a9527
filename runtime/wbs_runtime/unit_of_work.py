"""One database transaction per use case, with the outbox and inbox inside it."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Protocol, Self, get_type_hints

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec
from wbs_runtime.audit.trail import AuditTrail
from wbs_runtime.messaging.inbox import Inbox
from wbs_runtime.messaging.outbox import Outbox


class Repository:
    """Base of a service's repositories: each works inside the session of one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session


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
        for name, repository in self._repositories().items():
            setattr(self, name, repository(self.session))
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
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Isolates one event of a consumer's batch: if the block fails, its effects (and the
        events it recorded in the outbox) are rolled back alone, and the transaction goes on."""
        mark = self.outbox.mark()
        try:
            async with self.session.begin_nested():
                yield
        except BaseException:
            self.outbox.forget_since(mark)
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
