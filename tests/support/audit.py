"""An audit trail in memory, for use cases tested on fakes (the real one is ``uow.audit``)."""

from __future__ import annotations

from collections import defaultdict

from wbs_runtime.audit import GENESIS_HASH, AuditEntry, ChainedEntry
from wbs_runtime.audit.chain import chain
from wbs_runtime.clock import Clock, utc_now


class MemoryAuditTrail:
    """Chains entries exactly as the database trail does (same checks, same hashes). It does not
    see transactions: a fake unit of work that rolls back should make a new one."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock
        self.chains: dict[str, list[ChainedEntry]] = defaultdict(list)

    async def append(self, entry: AuditEntry) -> ChainedEntry:
        entries = self.chains[entry.tenant_id]
        previous = entries[-1].entry_hash if entries else GENESIS_HASH
        chained = chain(entry, sequence=len(entries) + 1, previous_hash=previous, now=self._clock())
        entries.append(chained)
        return chained

    async def history(self, tenant_id: str, object_type: str, object_id: str) -> list[ChainedEntry]:
        return [e for e in self.chains[tenant_id] if (e.object_type, e.object_id) == (object_type, object_id)]

    def actions(self, tenant: str) -> list[tuple[str, str | None]]:
        """(action, object id) of each of ``tenant``'s entries, in order: what tests usually assert."""
        return [(e.action, e.object_id) for e in self.chains[tenant]]
