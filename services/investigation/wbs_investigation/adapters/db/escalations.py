"""The hand-overs (pelimpahan) of every case: proposed, decided, sent, acknowledged."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.investigation import AuditResult, EscalatedDocument
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db.escalation_tables import escalation_table
from wbs_investigation.adapters.db.tables import case_file_table
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.escalation import Escalation, EscalationState
from wbs_runtime.unit_of_work import Repository

_table = escalation_table


def _sealed(value: Any) -> SealedPayload | None:
    return SealedPayload.model_validate(value) if value else None


def escalation_of(row: Any) -> Escalation:
    return Escalation(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        target=EscalationTarget(row.target),
        agency=row.agency,
        agency_name=row.agency_name,
        result=AuditResult(row.result),
        estimated_loss_idr=row.estimated_loss_idr,
        report_number=row.report_number,
        proposed_by=row.proposed_by,
        proposed_by_name=row.proposed_by_name,
        proposed_at=row.proposed_at,
        proposal_policy_version=row.proposal_policy_version,
        approver_roles=tuple(Role(r) for r in row.approver_roles),
        sealed_text=SealedPayload.model_validate(row.sealed_text),
        state=EscalationState(row.state),
        decided_by=row.decided_by,
        decided_by_name=row.decided_by_name,
        decided_as=Role(row.decided_as) if row.decided_as else None,
        decided_at=row.decided_at,
        policy_version=row.policy_version,
        policy_basis=row.policy_basis,
        sealed_rejection=_sealed(row.sealed_rejection),
        from_name=row.from_name,
        sealed_dossier=_sealed(row.sealed_dossier),
        documents=tuple(EscalatedDocument.model_validate(d) for d in row.documents),
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        agency_reference=row.agency_reference,
    )


def _values(escalation: Escalation) -> dict[str, Any]:
    def dumped(sealed: SealedPayload | None) -> Any:
        return sealed.model_dump(mode="json") if sealed else None

    return {
        "case_id": escalation.case_id,
        "tenant_id": escalation.tenant,
        "target": escalation.target.value,
        "agency": escalation.agency,
        "agency_name": escalation.agency_name,
        "result": escalation.result.value,
        "estimated_loss_idr": escalation.estimated_loss_idr,
        "report_number": escalation.report_number,
        "proposed_by": escalation.proposed_by,
        "proposed_by_name": escalation.proposed_by_name,
        "proposed_at": escalation.proposed_at,
        "proposal_policy_version": escalation.proposal_policy_version,
        "approver_roles": [r.value for r in escalation.approver_roles],
        "sealed_text": dumped(escalation.sealed_text),
        "state": escalation.state.value,
        "decided_by": escalation.decided_by,
        "decided_by_name": escalation.decided_by_name,
        "decided_as": escalation.decided_as.value if escalation.decided_as else None,
        "decided_at": escalation.decided_at,
        "policy_version": escalation.policy_version,
        "policy_basis": escalation.policy_basis,
        "sealed_rejection": dumped(escalation.sealed_rejection),
        "from_name": escalation.from_name,
        "sealed_dossier": dumped(escalation.sealed_dossier),
        "documents": [d.model_dump(mode="json") for d in escalation.documents],
    }


class SqlEscalations(Repository):
    async def save(self, escalation: Escalation) -> None:
        """Insert or update everything but the acknowledgement (which only ``acknowledge`` writes)."""
        values = _values(escalation)
        statement = insert(_table).values(id=escalation.id, **values)
        await self._session.execute(statement.on_conflict_do_update(index_elements=[_table.c.id], set_=values))

    async def of_case(self, case_id: UUID) -> list[Escalation]:
        """The case's proposals, newest first."""
        statement = select(_table).where(_table.c.case_id == case_id).order_by(_table.c.proposed_at.desc())
        return [escalation_of(row) for row in await self._session.execute(statement)]

    async def get(self, escalation_id: UUID, *, for_update: bool = False) -> Escalation | None:
        statement = select(_table).where(_table.c.id == escalation_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return escalation_of(row) if row else None

    async def sent_to(self, agency: str, *, limit: int = 200) -> list[Escalation]:
        """What was handed to ``agency`` (approved, so sent), newest first."""
        statement = (
            select(_table)
            .where(_table.c.agency == agency, _table.c.state == EscalationState.DISETUJUI.value)
            .order_by(_table.c.decided_at.desc(), _table.c.id)
            .limit(limit)
        )
        return [escalation_of(row) for row in await self._session.execute(statement)]

    async def acknowledge(self, escalation_id: UUID, *, at: datetime, by: str, reference: str) -> bool:
        """Record the agency's acknowledgement; the first one stands (False when one was recorded)."""
        statement = (
            update(_table)
            .where(_table.c.id == escalation_id, _table.c.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=by, agency_reference=reference)
            .returning(_table.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def hand_over_case(self, case_id: UUID, *, at: datetime) -> None:
        """The case file is ``diserahkan`` from ``at`` (written here, beside the escalation that does it)."""
        await self._session.execute(
            update(case_file_table)
            .where(case_file_table.c.case_id == case_id)
            .values(status=CaseFileStatus.DISERAHKAN.value, handed_over_at=at)
        )
