"""Related reports: each case indexed without plaintext soon after it is registered (beside the
consumer, so registering stays fast) and again when its registration record changes; the tenant's
related cases found for the telaah, after indexing whatever of the tenant still waits."""

from __future__ import annotations

import logging
from collections.abc import Callable

from wbs_contracts.events.intake import ReportSubstanceV1
from wbs_contracts.sealed import SealedPayload
from wbs_triage.domain.case import Case
from wbs_triage.domain.registration import RegistrationDetailsV1, from_substance
from wbs_triage.domain.related import RelatedKey, Relation, index_entry, relations, terms_of
from wbs_triage.ports import Opener, TriageUnitOfWork

log = logging.getLogger(__name__)


def report_text(substance: ReportSubstanceV1) -> str:
    """The words compared between reports: the 4W1H as the reporter wrote them."""
    return "\n".join((substance.what, substance.where, substance.when, substance.who, substance.how))


class RelatedReports:
    def __init__(self, key: RelatedKey, opener: Opener) -> None:
        self._key = key
        self._opener = opener

    def substance(self, case: Case) -> ReportSubstanceV1 | None:
        sealed = SealedPayload.model_validate(case.sealed_substance)
        try:
            return self._opener.open(sealed, tenant=case.tenant, case=case.id, model=ReportSubstanceV1)
        except (LookupError, ValueError) as error:
            # The index helps the telaah; it never stops a report being registered.
            log.warning("case %s: substance not indexed for related reports: %s", case.id, error)
            return None

    async def index(
        self,
        case: Case,
        uow: TriageUnitOfWork,
        *,
        details: RegistrationDetailsV1 | None = None,
        substance: ReportSubstanceV1 | None = None,
    ) -> None:
        """Keep the case's digests and signature, replacing what was kept (in ``uow``'s
        transaction). The registration record the officers completed wins over the report's own
        words about whom and which unit it concerns."""
        substance = substance or self.substance(case)
        if details is None:
            details = from_substance(substance) if substance is not None else RegistrationDetailsV1()
        terms = terms_of(
            nips=[t.nip for t in details.terlapor],
            names=[t.nama for t in details.terlapor],
            units=[details.unit_terlapor],
        )
        text = report_text(substance) if substance is not None else ""
        await uow.related.replace(case.id, case.tenant, index_entry(self._key, case.tenant, terms, text))

    async def index_waiting(self, uow: TriageUnitOfWork, *, tenant: str | None = None, limit: int = 200) -> int:
        """Index up to ``limit`` cases (of ``tenant``, or any) that the index does not hold yet, in
        ``uow``'s transaction; how many."""
        waiting = await uow.related.unindexed(tenant=tenant, limit=limit)
        for case_id in waiting:
            case = await uow.cases.get(case_id)
            if case is not None:
                await self.index(case, uow)
        return len(waiting)

    async def of_case(self, case: Case, uow: TriageUnitOfWork) -> list[Relation]:
        """The tenant's cases related to ``case``, most related first (one indexed lookup). Cases
        of the tenant still waiting for the index are indexed first, so none is missed."""
        await self.index_waiting(uow, tenant=case.tenant)
        mine = await uow.related.signature(case.id) or ()
        return relations(mine, await uow.related.candidates(case.id, case.tenant))


async def index_waiting_cases(
    unit_of_work: Callable[[], TriageUnitOfWork], related: RelatedReports, *, batch: int = 100
) -> int:
    """One round of the background indexer: up to ``batch`` waiting cases in one transaction."""
    async with unit_of_work() as uow:
        indexed = await related.index_waiting(uow, limit=batch)
        await uow.commit()
    return indexed
