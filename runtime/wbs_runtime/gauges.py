"""Gauges measured by a query on a clock of their own.

A service registers a measurement (a coroutine that reads its database and sets its gauges); the
refresher runs each one at its interval, each under a timeout, independently of the relay and the
consumers: an outage that blocks those is exactly when operators look at the gauges. A failed
measurement leaves the gauge at its last value and is tried again at the next interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wbs_runtime.errors import describe

log = logging.getLogger(__name__)

Measure = Callable[[AsyncConnection], Awaitable[None]]


@dataclass
class _Registered:
    name: str
    measure: Measure
    every: float
    due: float = 0.0


class GaugeRefresher:
    def __init__(self, engine: AsyncEngine, *, every: float = 5.0, timeout: float = 5.0) -> None:
        self._engine = engine
        self._every = every
        self._timeout = timeout
        self._measures: dict[str, _Registered] = {}

    def register(self, name: str, measure: Measure, *, every: float | None = None) -> None:
        """Run ``measure`` every ``every`` seconds (the refresher's default when None)."""
        self._measures[name] = _Registered(name, measure, every or self._every)

    async def refresh_now(self) -> None:
        """Run every measurement now, due or not (tools and tests)."""
        await self.refresh_once(everything=True)

    async def refresh_once(self, *, everything: bool = False) -> None:
        """Run every measurement that is due now."""
        now = time.monotonic()
        for registered in self._measures.values():
            if registered.due > now and not everything:
                continue
            registered.due = now + registered.every
            try:
                async with asyncio.timeout(self._timeout), self._engine.connect() as db:
                    await registered.measure(db)
            except Exception as error:  # the gauge keeps its last value
                log.debug("cannot measure %s: %s", registered.name, describe(error))

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            await self.refresh_once()
            pause = min((r.due for r in self._measures.values()), default=time.monotonic() + self._every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=max(0.05, pause - time.monotonic()))
