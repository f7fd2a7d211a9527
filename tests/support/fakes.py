"""Test doubles shared by the unit tests of several services."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class FakeTransaction:
    """The transactional part of a unit of work, in memory: counts the commits a use case made.

    Event handlers run inside the consumer's unit of work, so their fakes never enter it; this is
    here so that a fake satisfies the same ``Transactional`` protocol as the real unit of work."""

    commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def commit(self) -> None:
        self.commits += 1
