"""Indexing a tenant's cases for related reports all at once: cases registered before the index
existed, or after its key changed (the operators' ``reindex-related`` command)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from wbs_triage.ports import Keys, TriageUnitOfWork
from wbs_triage.usecases.registration import _details
from wbs_triage.usecases.related import RelatedReports


async def reindex_tenant(
    tenant: str,
    unit_of_work: Callable[[], TriageUnitOfWork],
    related: RelatedReports,
    keys: Keys,
    *,
    batch: int = 200,
) -> int:
    """Index every case of the tenant again, ``batch`` cases per transaction, from the record as
    the workspace reads it; how many cases were indexed."""
    indexed, after = 0, None
    while True:
        async with unit_of_work() as uow:
            cases: list[UUID] = await uow.related.cases_after(tenant, after, limit=batch)
            if not cases:
                return indexed
            for case_id in cases:
                case = await uow.cases.get(case_id)
                if case is not None:
                    details = (await _details(case, uow, keys, related)).details
                    await related.index(case, uow, details=details)
                    indexed += 1
            await uow.commit()
            after = cases[-1]
