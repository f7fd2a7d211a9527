"""The audit's repositories: the Surat Tugas, the records made while the audit runs (programme,
clarifications, evidence and its custody), and how it ends (results, responses, final reports)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db.audit_tables import (
    audit_programme_table,
    audit_result_table,
    auditee_response_table,
    clarification_table,
    evidence_custody_table,
    evidence_item_table,
    final_report_table,
    surat_tugas_table,
)
from wbs_investigation.adapters.db.tables import case_file_table
from wbs_investigation.domain.audit import (
    Clarification,
    CustodyAction,
    CustodyEntry,
    EvidenceItem,
    ProgrammeRecord,
)
from wbs_investigation.domain.audit_result import AuditeeResponse, FinalReport, RecordedResult
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.surat_tugas import SuratTugas
from wbs_investigation.domain.team import TeamMember, TeamSeat
from wbs_runtime.unit_of_work import Repository


def _sealed(value: Any) -> SealedPayload:
    return SealedPayload.model_validate(value)


# -- the Surat Tugas ----------------------------------------------------------------------------------


def _letter(row: Any) -> SuratTugas:
    return SuratTugas(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        number=row.number,
        issued_on=row.issued_on,
        issued_at=row.issued_at,
        issued_by=row.issued_by,
        issued_by_name=row.issued_by_name,
        team=tuple(TeamMember(m["officer_id"], m["name"], TeamSeat(m["seat"])) for m in row.team),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        budget_idr=row.budget_idr,
        resources=row.resources,
        document_id=row.document_id,
    )


class SqlSuratTugas(Repository):
    async def number_in_use(self, tenant: str, number: str) -> bool:
        table = surat_tugas_table
        statement = select(table.c.id).where(table.c.tenant_id == tenant, table.c.number == number)
        return (await self._session.execute(statement)).first() is not None

    async def add(self, letter: SuratTugas) -> bool:
        """Keep the letter; False (nothing kept) when its number is already the tenant's."""
        statement = (
            upsert(surat_tugas_table)
            .values(
                id=letter.id,
                case_id=letter.case_id,
                tenant_id=letter.tenant,
                number=letter.number,
                issued_on=letter.issued_on,
                issued_at=letter.issued_at,
                issued_by=letter.issued_by,
                issued_by_name=letter.issued_by_name,
                team=[{"officer_id": m.officer_id, "name": m.name, "seat": m.seat.value} for m in letter.team],
                starts_on=letter.starts_on,
                ends_on=letter.ends_on,
                budget_idr=letter.budget_idr,
                resources=letter.resources,
                document_id=letter.document_id,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "number"])
            .returning(surat_tugas_table.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def of_case(self, case_id: UUID) -> list[SuratTugas]:
        """Newest first: the first is in force."""
        table = surat_tugas_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.issued_at.desc())
        return [_letter(row) for row in await self._session.execute(statement)]


# -- the records made while the audit runs ----------------------------------------------------------


def _item(row: Any) -> EvidenceItem:
    return EvidenceItem(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        number=row.number,
        obtained_on=row.obtained_on,
        sealed=_sealed(row.sealed),
        document_id=row.document_id,
        added_by=row.added_by,
        added_by_name=row.added_by_name,
        added_at=row.added_at,
    )


class SqlAuditRecords(Repository):
    async def programme(self, case_id: UUID) -> ProgrammeRecord | None:
        table = audit_programme_table
        row = (await self._session.execute(select(table).where(table.c.case_id == case_id))).first()
        if row is None:
            return None
        return ProgrammeRecord(
            case_id=row.case_id,
            tenant=row.tenant_id,
            sealed=_sealed(row.sealed),
            updated_by=row.updated_by,
            updated_by_name=row.updated_by_name,
            updated_at=row.updated_at,
        )

    async def save_programme(self, record: ProgrammeRecord) -> None:
        values = {
            "tenant_id": record.tenant,
            "sealed": record.sealed.model_dump(mode="json"),
            "updated_by": record.updated_by,
            "updated_by_name": record.updated_by_name,
            "updated_at": record.updated_at,
        }
        statement = upsert(audit_programme_table).values(case_id=record.case_id, **values)
        await self._session.execute(statement.on_conflict_do_update(index_elements=["case_id"], set_=values))

    async def add_clarification(self, clarification: Clarification) -> None:
        await self._session.execute(
            insert(clarification_table).values(
                id=clarification.id,
                case_id=clarification.case_id,
                tenant_id=clarification.tenant,
                held_at=clarification.held_at,
                sealed=clarification.sealed.model_dump(mode="json"),
                document_ids=list(clarification.document_ids),
                recorded_by=clarification.recorded_by,
                recorded_by_name=clarification.recorded_by_name,
                recorded_at=clarification.recorded_at,
            )
        )

    async def clarifications(self, case_id: UUID) -> list[Clarification]:
        """Oldest first, by when they were held."""
        table = clarification_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.held_at, table.c.recorded_at)
        return [
            Clarification(
                id=row.id,
                case_id=row.case_id,
                tenant=row.tenant_id,
                held_at=row.held_at,
                sealed=_sealed(row.sealed),
                document_ids=tuple(row.document_ids),
                recorded_by=row.recorded_by,
                recorded_by_name=row.recorded_by_name,
                recorded_at=row.recorded_at,
            )
            for row in await self._session.execute(statement)
        ]

    async def next_evidence_number(self, case_id: UUID) -> int:
        """The next number of the case's register (call with the case file locked)."""
        table = evidence_item_table
        statement = select(func.coalesce(func.max(table.c.number), 0)).where(table.c.case_id == case_id)
        return int((await self._session.execute(statement)).scalar_one()) + 1

    async def add_evidence(self, item: EvidenceItem) -> None:
        await self._session.execute(
            insert(evidence_item_table).values(
                id=item.id,
                case_id=item.case_id,
                tenant_id=item.tenant,
                number=item.number,
                obtained_on=item.obtained_on,
                sealed=item.sealed.model_dump(mode="json"),
                document_id=item.document_id,
                added_by=item.added_by,
                added_by_name=item.added_by_name,
                added_at=item.added_at,
            )
        )

    async def evidence(self, case_id: UUID) -> list[EvidenceItem]:
        """The register in its order."""
        table = evidence_item_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.number)
        return [_item(row) for row in await self._session.execute(statement)]

    async def evidence_item(self, evidence_id: UUID) -> EvidenceItem | None:
        table = evidence_item_table
        row = (await self._session.execute(select(table).where(table.c.id == evidence_id))).first()
        return _item(row) if row else None

    async def evidence_of_document(self, document_id: UUID) -> EvidenceItem | None:
        table = evidence_item_table
        row = (await self._session.execute(select(table).where(table.c.document_id == document_id))).first()
        return _item(row) if row else None

    async def add_custody(self, entry: CustodyEntry) -> None:
        await self._session.execute(
            insert(evidence_custody_table).values(
                evidence_id=entry.evidence_id,
                case_id=entry.case_id,
                tenant_id=entry.tenant,
                action=entry.action.value,
                officer_id=entry.officer_id,
                officer_name=entry.officer_name,
                at=entry.at,
                recipient=entry.recipient,
            )
        )

    async def custody(self, case_id: UUID) -> list[CustodyEntry]:
        """The case's chain of custody, oldest first."""
        table = evidence_custody_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.at, table.c.id)
        return [
            CustodyEntry(
                evidence_id=row.evidence_id,
                case_id=row.case_id,
                tenant=row.tenant_id,
                action=CustodyAction(row.action),
                officer_id=row.officer_id,
                officer_name=row.officer_name,
                at=row.at,
                recipient=row.recipient,
            )
            for row in await self._session.execute(statement)
        ]


# -- how the audit ends ---------------------------------------------------------------------------------


def _result(row: Any) -> RecordedResult:
    return RecordedResult(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        version=row.version,
        result=AuditResult(row.result),
        estimated_loss_idr=row.estimated_loss_idr,
        sealed_findings=_sealed(row.sealed_findings),
        recorded_by=row.recorded_by,
        recorded_by_name=row.recorded_by_name,
        recorded_at=row.recorded_at,
    )


def _response(row: Any) -> AuditeeResponse:
    return AuditeeResponse(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        result_id=row.result_id,
        responded_on=row.responded_on,
        sealed=_sealed(row.sealed),
        recorded_by=row.recorded_by,
        recorded_by_name=row.recorded_by_name,
        recorded_at=row.recorded_at,
    )


class SqlAuditResults(Repository):
    async def add_result(self, result: RecordedResult) -> None:
        await self._session.execute(
            insert(audit_result_table).values(
                id=result.id,
                case_id=result.case_id,
                tenant_id=result.tenant,
                version=result.version,
                result=result.result.value,
                estimated_loss_idr=result.estimated_loss_idr,
                sealed_findings=result.sealed_findings.model_dump(mode="json"),
                recorded_by=result.recorded_by,
                recorded_by_name=result.recorded_by_name,
                recorded_at=result.recorded_at,
            )
        )

    async def results(self, case_id: UUID) -> list[RecordedResult]:
        """Every version, the one in force first."""
        table = audit_result_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.version.desc())
        return [_result(row) for row in await self._session.execute(statement)]

    async def add_response(self, response: AuditeeResponse) -> None:
        await self._session.execute(
            insert(auditee_response_table).values(
                id=response.id,
                case_id=response.case_id,
                tenant_id=response.tenant,
                result_id=response.result_id,
                responded_on=response.responded_on,
                sealed=response.sealed.model_dump(mode="json"),
                recorded_by=response.recorded_by,
                recorded_by_name=response.recorded_by_name,
                recorded_at=response.recorded_at,
            )
        )

    async def responses(self, case_id: UUID) -> list[AuditeeResponse]:
        """Newest first."""
        table = auditee_response_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.recorded_at.desc())
        return [_response(row) for row in await self._session.execute(statement)]

    async def report_number_in_use(self, tenant: str, number: str) -> bool:
        table = final_report_table
        statement = select(table.c.id).where(table.c.tenant_id == tenant, table.c.number == number)
        return (await self._session.execute(statement)).first() is not None

    async def add_report(self, report: FinalReport) -> bool:
        """Keep the report; False (nothing kept) when its number is already the tenant's."""
        statement = (
            upsert(final_report_table)
            .values(
                id=report.id,
                case_id=report.case_id,
                tenant_id=report.tenant,
                number=report.number,
                issued_on=report.issued_on,
                issued_at=report.issued_at,
                issued_by=report.issued_by,
                issued_by_name=report.issued_by_name,
                result_id=report.result_id,
                document_id=report.document_id,
                revision=report.revision,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "number"])
            .returning(final_report_table.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def reports(self, case_id: UUID) -> list[FinalReport]:
        """Newest revision first."""
        table = final_report_table
        statement = select(table).where(table.c.case_id == case_id).order_by(table.c.revision.desc())
        return [
            FinalReport(
                id=row.id,
                case_id=row.case_id,
                tenant=row.tenant_id,
                number=row.number,
                issued_on=row.issued_on,
                issued_at=row.issued_at,
                issued_by=row.issued_by,
                issued_by_name=row.issued_by_name,
                result_id=row.result_id,
                document_id=row.document_id,
                revision=row.revision,
            )
            for row in await self._session.execute(statement)
        ]

    async def mark_issued(self, report: FinalReport, result: RecordedResult) -> None:
        """The case file carries the report in force: its number, result and loss; ``laporan-terbit``."""
        await self._session.execute(
            update(case_file_table)
            .where(case_file_table.c.case_id == report.case_id)
            .values(
                status=CaseFileStatus.LAPORAN_TERBIT.value,
                result=result.result.value,
                estimated_loss_idr=result.estimated_loss_idr,
                report_number=report.number,
                report_issued_at=report.issued_at,
            )
        )
