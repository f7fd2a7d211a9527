"""Investigation's use cases."""

from __future__ import annotations

from typing import Any

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.ports import InvestigationUnitOfWork


async def open_case_file(event: Envelope[Any], uow: InvestigationUnitOfWork) -> None:
    """Handler of ``case-registered``: the case enters investigation's register, awaiting telaah."""
    data: CaseRegisteredV1 = event.data
    await uow.case_files.open(
        CaseFile(
            case_id=data.case_id,
            tenant=event.tenant,
            agenda_number=data.agenda_number,
            registered_on=data.registered_on,
        )
    )
