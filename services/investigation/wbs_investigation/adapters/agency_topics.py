"""Each receiving agency's own topic, ``wbs.escalations.{agency}.v1`` (architecture section 5: one
topic per agency, so Kafka ACLs can confine each agency to its own). Agencies are tenants, not in
the registry's topic list, so investigation makes their topics: for every agency tenant it keeps, in
a background round (a new agency soon after directory announces it; all of them again now and then,
since a memory-only broker forgets its topics on restart), and before the first publish to one.
Creating a topic that exists does nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

from wbs_contracts.registry import escalations_to
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_runtime.messaging.kafka import ensure_topics

#: How often every kept agency's topic is looked at again, not only the new ones.
RECHECK_SECONDS = 300.0


class KafkaAgencyTopics:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        prefix: str = "",
        partitions: int | None = None,
        recheck_seconds: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._prefix = prefix
        self._partitions = partitions
        self._recheck_seconds = recheck_seconds
        self._clock = clock
        #: The agencies whose topics this process made or found.
        self._known: set[str] = set()
        self._next_recheck = 0.0

    async def ensure(self, agencies: Collection[str]) -> int:
        """Make the topics of ``agencies`` not known to exist; returns how many were created."""
        wanted = sorted(set(agencies) - self._known)
        if not wanted:
            return 0
        specs = [escalations_to(agency).topic_spec for agency in wanted]
        created = await ensure_topics(self._bootstrap_servers, specs, prefix=self._prefix, partitions=self._partitions)
        self._known.update(wanted)
        return len(created)

    async def keep(self, unit_of_work: Callable[[], SqlInvestigationUnitOfWork]) -> int:
        """One background round: the topics of the agency tenants kept (every one again after
        ``recheck_seconds``). Returns how many topics were created."""
        async with unit_of_work() as uow:
            agencies = await uow.tenants.agencies()
        if self._clock() >= self._next_recheck:
            self._next_recheck = self._clock() + self._recheck_seconds
            self._known.clear()
        return await self.ensure(agencies)
