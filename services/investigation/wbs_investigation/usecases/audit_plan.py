"""The audit plan: the report and the telaah's conclusion opened for the auditors, the Surat Tugas
(issued by the Inspektur (ketua tim) with a team from the tenant's roster, generated as a PDF kept in
the vault), and the audit programme. Every reading and every change is on the tenant's audit trail,
in the same transaction."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from wbs_contracts.events.intake import ReportSubstanceV1
from wbs_contracts.events.triage import TelaahConclusionV1
from wbs_contracts.sealed import Audience
from wbs_investigation.domain.audit import (
    AuditProgrammeV1,
    AuditRefused,
    ProgrammeRecord,
    check_plannable,
    checked_programme,
)
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.documents import DocumentKind
from wbs_investigation.domain.refusal import Refusal
from wbs_investigation.domain.surat_tugas import (
    SuratTugas,
    SuratTugasDraft,
    checked_letter,
    checked_team,
    may_sit_on_team,
    number_taken,
)
from wbs_investigation.domain.team import ASSIGN_CASES, TeamMember
from wbs_investigation.ports import AuditDocuments, InvestigationUnitOfWork, Keys, Vault
from wbs_investigation.usecases.audit_access import audit_case, working_case
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_runtime.clock import Clock
from wbs_runtime.roster import RosterEntry

NOT_ASSIGNER = AuditRefused(
    "officer",
    "Surat Tugas diterbitkan oleh Inspektur (ketua tim).",
    "The Surat Tugas is issued by the Inspektur (ketua tim).",
    Refusal.FORBIDDEN,
)


@dataclass(frozen=True)
class PlanView:
    case: CaseFile
    team: list[TeamMember]
    #: Every Surat Tugas, the one in force first.
    letters: list[SuratTugas]
    report: ReportSubstanceV1 | None
    conclusion: TelaahConclusionV1 | None
    programme: AuditProgrammeV1 | None
    programme_record: ProgrammeRecord | None
    may_work: bool
    may_assign: bool
    #: Whom a Surat Tugas may name (for the ketua tim's form): active auditors and ketua tim.
    candidates: list[RosterEntry]


async def read_plan(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
) -> PlanView | None:
    """The plan page's content: the report and the telaah's conclusion (opened), the Surat Tugas and
    the team, the programme. None if the case is not ``tenant``'s audit; ``AuditRefused`` for an
    auditor not on its team. The reading is ``audit.plan-read`` on the trail."""
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        conclusion_sealed, report_sealed = await uow.case_files.sealed(case_id)
        letters = await uow.surat_tugas.of_case(case_id)
        record = await uow.audit_records.programme(case_id)
        may_assign = ASSIGN_CASES in permissions
        roster = await uow.roster.of_tenant(tenant) if may_assign else []
        opened = [name for name, sealed in (("report", report_sealed), ("conclusion", conclusion_sealed)) if sealed]
        await uow.audit.append(entry(tenant, case_id, officer, "audit.plan-read", opened=opened))
        await uow.commit()
    report = keys.open(report_sealed, tenant=tenant, case=case_id, model=ReportSubstanceV1) if report_sealed else None
    conclusion = (
        keys.open(conclusion_sealed, tenant=tenant, case=case_id, model=TelaahConclusionV1)
        if conclusion_sealed
        else None
    )
    programme = (
        keys.open(record.sealed, tenant=tenant, case=case_id, model=AuditProgrammeV1) if record is not None else None
    )
    return PlanView(
        case=found.case,
        team=found.team,
        letters=letters,
        report=report,
        conclusion=conclusion,
        programme=programme,
        programme_record=record,
        may_work=found.may_work,
        may_assign=may_assign,
        candidates=sorted((e for e in roster if may_sit_on_team(e)), key=lambda e: (e.name.casefold(), e.officer_id)),
    )


async def issue_surat_tugas(
    tenant: str,
    case_id: UUID,
    draft: SuratTugasDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    vault: Vault,
    letters: AuditDocuments,
    clock: Clock,
) -> SuratTugas | None:
    """The Inspektur (ketua tim) issues the Surat Tugas: the team checked against the tenant's roster,
    the letter generated (PDF, in the vault), kept, the team replaced, the case in ``pelaksanaan``,
    ``audit.surat-tugas-issued`` on the trail, in one transaction. None if the case is not
    ``tenant``'s audit; ``AuditRefused`` (nothing changed) otherwise refused."""
    if ASSIGN_CASES not in permissions:
        raise NOT_ASSIGNER
    letter_fields = checked_letter(draft)
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow, lock=True)
        if found is None:
            return None
        check_plannable(found.case.status)
        roster = {e.officer_id: e for e in await uow.roster.of_tenant(tenant)}
        team = checked_team(draft, roster)
        if await uow.surat_tugas.number_in_use(tenant, letter_fields.number):
            raise number_taken(letter_fields.number)
        configuration = await uow.tenants.get(tenant)
        now = clock()
        letter = SuratTugas(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            number=letter_fields.number,
            issued_on=letter_fields.issued_on,
            issued_at=now,
            issued_by=officer.officer_id,
            issued_by_name=officer.name,
            team=team,
            starts_on=letter_fields.starts_on,
            ends_on=letter_fields.ends_on,
            budget_idr=letter_fields.budget_idr,
            resources=letter_fields.resources,
            document_id=uuid4(),  # replaced by the stored document's below
        )
        content = letters.surat_tugas(
            letter, body_name=configuration.name if configuration else tenant, agenda_number=found.case.agenda_number
        )
        stored = await vault.store(
            uow.documents,
            tenant=tenant,
            case_id=case_id,
            kind=DocumentKind.SURAT_TUGAS,
            title=f"Surat Tugas {letter.number}.pdf",
            media_type="application/pdf",
            content=content,
            added_by=officer.officer_id,
            added_at=now,
        )
        letter = replace(letter, document_id=stored.document_id)
        if not await uow.surat_tugas.add(letter):
            raise number_taken(letter.number)
        await uow.teams.replace(case_id, team)
        if found.case.status is CaseFileStatus.PERENCANAAN:
            await uow.case_files.set_status(case_id, CaseFileStatus.PELAKSANAAN)
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.surat-tugas-issued",
                surat_tugas_id=str(letter.id),
                number=letter.number,
                document_id=str(stored.document_id),
                team=[{"officer_id": m.officer_id, "seat": m.seat.value} for m in team],
                again=bool(found.team),
            )
        )
        await uow.commit()
    return letter


async def save_programme(
    tenant: str,
    case_id: UUID,
    regulations: str,
    evidence_to_obtain: str,
    methods: str,
    parties: str,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> ProgrammeRecord | None:
    """The team writes (or rewrites) the audit programme, sealed to case-substance;
    ``audit.programme-saved`` on the trail."""
    programme = checked_programme(regulations, evidence_to_obtain, methods, parties)
    async with uow:
        found = await working_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        record = ProgrammeRecord(
            case_id=case_id,
            tenant=tenant,
            sealed=keys.seal(tenant, Audience.CASE_SUBSTANCE, programme, case=case_id),
            updated_by=officer.officer_id,
            updated_by_name=officer.name,
            updated_at=clock(),
        )
        again = await uow.audit_records.programme(case_id) is not None
        await uow.audit_records.save_programme(record)
        await uow.audit.append(entry(tenant, case_id, officer, "audit.programme-saved", again=again))
        await uow.commit()
    return record
