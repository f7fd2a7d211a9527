"""The end of the telaah as triage keeps it: the BPK/APIP flag, proposals, links between cases,
each case's status as decisions change it, and the bodies a report may be forwarded to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind
from wbs_contracts.events.triage import NotProcessedReason, TelaahOutcome
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_runtime.messaging.tables import tenant_configuration
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.decision_tables import case_link_table, decision_table, prior_audit_table
from wbs_triage.adapters.db.tables import case_table
from wbs_triage.domain.case import CaseStatus
from wbs_triage.domain.decision import (
    Auditor,
    AuditState,
    CaseLink,
    LinkKind,
    PriorAudit,
    Proposal,
    ProposalState,
)


def _sealed(value: Any) -> SealedPayload | None:
    return None if value is None else SealedPayload.model_validate(value)


def _dumped(value: SealedPayload | None) -> Any:
    return None if value is None else value.model_dump(mode="json")


class SqlPriorAudits(Repository):
    async def save(self, flag: PriorAudit) -> None:
        values = {
            "case_id": flag.case_id,
            "tenant_id": flag.tenant,
            "audited": flag.audited,
            "auditor": flag.auditor.value if flag.auditor else None,
            "auditor_name": flag.auditor_name,
            "state": flag.state.value if flag.state else None,
            "sealed_note": _dumped(flag.sealed_note),
            "recorded_by": flag.recorded_by,
            "recorded_at": flag.recorded_at,
        }
        statement = upsert(prior_audit_table).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[prior_audit_table.c.case_id],
                set_={k: statement.excluded[k] for k in values if k != "case_id"},
            )
        )

    async def of_case(self, case_id: UUID) -> PriorAudit | None:
        row = (
            await self._session.execute(select(prior_audit_table).where(prior_audit_table.c.case_id == case_id))
        ).first()
        if row is None:
            return None
        return PriorAudit(
            case_id=row.case_id,
            tenant=row.tenant_id,
            audited=row.audited,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
            auditor=Auditor(row.auditor) if row.auditor else None,
            auditor_name=row.auditor_name,
            state=AuditState(row.state) if row.state else None,
            sealed_note=_sealed(row.sealed_note),
        )


def _proposal_values(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "case_id": p.case_id,
        "tenant_id": p.tenant,
        "outcome": p.outcome.value,
        "state": p.state.value,
        "status_before": p.status_before.value,
        "proposed_by": p.proposed_by,
        "proposed_by_name": p.proposed_by_name,
        "proposed_at": p.proposed_at,
        "policy_version": p.policy_version,
        "approver_roles": [r.value for r in p.approver_roles],
        "sealed_text": _dumped(p.sealed_text),
        "not_processed_reason": p.not_processed_reason.value if p.not_processed_reason else None,
        "forwarded_to_tenant": p.forwarded_to_tenant,
        "forwarded_to_external": p.forwarded_to_external,
        "forwarded_to_name": p.forwarded_to_name,
        "merged_into": p.merged_into,
        "forwarded_case_id": p.forwarded_case_id,
        "decided_by": p.decided_by,
        "decided_by_name": p.decided_by_name,
        "decided_as": p.decided_as.value if p.decided_as else None,
        "decided_at": p.decided_at,
        "sealed_rejection": _dumped(p.sealed_rejection),
    }


def _proposal(row: Any) -> Proposal:
    return Proposal(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        outcome=TelaahOutcome(row.outcome),
        status_before=CaseStatus(row.status_before),
        proposed_by=row.proposed_by,
        proposed_by_name=row.proposed_by_name,
        proposed_at=row.proposed_at,
        policy_version=row.policy_version,
        approver_roles=tuple(Role(r) for r in row.approver_roles),
        sealed_text=SealedPayload.model_validate(row.sealed_text),
        state=ProposalState(row.state),
        not_processed_reason=NotProcessedReason(row.not_processed_reason) if row.not_processed_reason else None,
        forwarded_to_tenant=row.forwarded_to_tenant,
        forwarded_to_external=row.forwarded_to_external,
        forwarded_to_name=row.forwarded_to_name,
        merged_into=row.merged_into,
        decided_by=row.decided_by,
        decided_by_name=row.decided_by_name,
        decided_as=Role(row.decided_as) if row.decided_as else None,
        decided_at=row.decided_at,
        sealed_rejection=_sealed(row.sealed_rejection),
        forwarded_case_id=row.forwarded_case_id,
    )


class SqlProposals(Repository):
    async def save(self, proposal: Proposal) -> None:
        values = _proposal_values(proposal)
        statement = upsert(decision_table).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[decision_table.c.id], set_={k: statement.excluded[k] for k in values if k != "id"}
            )
        )

    async def of_case(self, case_id: UUID) -> list[Proposal]:
        """Oldest first."""
        rows = await self._session.execute(
            select(decision_table)
            .where(decision_table.c.case_id == case_id)
            .order_by(decision_table.c.proposed_at, decision_table.c.id)
        )
        return [_proposal(row) for row in rows]

    async def pending_of_case(self, case_id: UUID, *, for_update: bool = False) -> Proposal | None:
        query = select(decision_table).where(
            decision_table.c.case_id == case_id, decision_table.c.state == ProposalState.MENUNGGU.value
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return None if row is None else _proposal(row)

    async def pending_of_cases(self, case_ids: Sequence[UUID]) -> dict[UUID, Proposal]:
        rows = await self._session.execute(
            select(decision_table).where(
                decision_table.c.case_id.in_(list(case_ids)), decision_table.c.state == ProposalState.MENUNGGU.value
            )
        )
        return {row.case_id: _proposal(row) for row in rows}


class SqlCaseLinks(Repository):
    async def add(self, link: CaseLink) -> None:
        await self._session.execute(
            upsert(case_link_table)
            .values(
                case_id=link.case_id,
                kind=link.kind.value,
                other_case_id=link.other_case_id,
                tenant_id=link.tenant,
                other_tenant=link.other_tenant,
                other_agenda=link.other_agenda,
                at=link.at,
            )
            .on_conflict_do_nothing()
        )

    async def of_case(self, case_id: UUID) -> list[CaseLink]:
        rows = await self._session.execute(
            select(case_link_table).where(case_link_table.c.case_id == case_id).order_by(case_link_table.c.at)
        )
        return [
            CaseLink(
                case_id=r.case_id,
                tenant=r.tenant_id,
                kind=LinkKind(r.kind),
                other_case_id=r.other_case_id,
                other_tenant=r.other_tenant,
                other_agenda=r.other_agenda,
                at=r.at,
            )
            for r in rows
        ]


class SqlCaseStatuses(Repository):
    """A case's status as decisions move it; the row is locked so two approvers cannot both act."""

    async def lock(self, case_id: UUID) -> CaseStatus | None:
        row = (
            await self._session.execute(select(case_table.c.status).where(case_table.c.id == case_id).with_for_update())
        ).first()
        return None if row is None else CaseStatus(row.status)

    async def set(self, case_id: UUID, status: CaseStatus) -> None:
        await self._session.execute(update(case_table).where(case_table.c.id == case_id).values(status=status.value))


class SqlBodies(Repository):
    """The bodies triage knows from tenant-configured (where a report may be forwarded)."""

    async def active(self) -> list[TenantConfiguredV1]:
        rows = await self._session.execute(
            select(tenant_configuration.c.configuration).where(
                tenant_configuration.c.active, tenant_configuration.c.kind == TenantKind.BODY.value
            )
        )
        found = [TenantConfiguredV1.model_validate(row.configuration) for row in rows]
        return sorted(found, key=lambda c: (c.name, c.tenant_id))
