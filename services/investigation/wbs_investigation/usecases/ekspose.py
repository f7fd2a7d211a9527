"""The exposé before a hand-over: scheduling it with its invitation (3 days ahead), its minutes, the
leaders' meeting after a disagreement, the result sent to the head of region; each in one
transaction with its entry on the tenant's audit trail. A concluded exposé leaves its conclusion on
the case file (``ekspose_concluded_at``, ``sealed_ekspose_conclusion``) for the hand-over; new
evidence that changes the loss sends the case back for testing (``pengujian-ulang``) and clears it.

None from a use case: not the tenant's case under audit, or not its exposé (the adapters answer 404);
``EksposeRefused``: a rule says no (field ``officer`` 403, ``case``/``ekspose`` 409, others 422).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.sealed import Audience
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.domain.ekspose import (
    Ekspose,
    EksposeConclusionV1,
    EksposeInvitationV1,
    EksposeMinutesV1,
    LeadersDecision,
    LeadersMeeting,
    LeadersMeetingDraft,
    LeadersMeetingV1,
    Minutes,
    MinutesConclusion,
    MinutesDraft,
    ResultSent,
    ResultSentDraft,
    ScheduleDraft,
    check_case_allows_ekspose,
    check_may_read,
    check_may_work,
    checked_leaders_meeting,
    checked_minutes,
    checked_result_sent,
    checked_schedule,
    conclusion_of,
    may_work,
)
from wbs_investigation.domain.team import TeamMember
from wbs_investigation.ports import EksposeSheets, InvestigationUnitOfWork, Vault
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_runtime.clock import Clock
from wbs_runtime.crypto import KeyRing

PDF = "application/pdf"


@dataclass(frozen=True)
class EksposeTools:
    """What the exposé's use cases work with besides the unit of work."""

    keys: KeyRing
    vault: Vault
    sheets: EksposeSheets
    clock: Clock
    zone: ZoneInfo


@dataclass(frozen=True)
class OpenedEkspose:
    """An exposé with its sealed records opened, for those who may read them."""

    ekspose: Ekspose
    invitation: EksposeInvitationV1
    minutes: EksposeMinutesV1 | None
    leaders_meeting: LeadersMeetingV1 | None


@dataclass(frozen=True)
class EksposeView:
    case: CaseFile
    eksposes: list[OpenedEkspose]
    team: list[TeamMember]
    #: Whether the reader may schedule and record (the team or a ketua tim).
    may_work: bool
    #: The conclusion the case file holds for a hand-over (None: none yet, or cleared).
    conclusion: EksposeConclusionV1 | None


async def _case_of(uow: InvestigationUnitOfWork, tenant: str, case_id: UUID, *, lock: bool) -> CaseFile | None:
    case = await (uow.case_files.lock(case_id) if lock else uow.case_files.get(case_id))
    return case if case is not None and case.tenant == tenant and case.status.in_audit else None


async def _ekspose_of(uow: InvestigationUnitOfWork, case: CaseFile, ekspose_id: UUID) -> Ekspose | None:
    ekspose = await uow.eksposes.lock(ekspose_id)
    return ekspose if ekspose is not None and ekspose.case_id == case.case_id else None


async def _check_may_work(
    uow: InvestigationUnitOfWork, case: CaseFile, officer: Officer, permissions: Collection[str]
) -> None:
    check_may_work(permissions, on_team=await uow.teams.on_team(case.case_id, officer.officer_id))


async def read_eksposes(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: KeyRing,
) -> EksposeView | None:
    """The case's exposés with their records opened; ``ekspose.read`` on the trail."""
    async with uow:
        case = await _case_of(uow, tenant, case_id, lock=False)
        if case is None:
            return None
        on_team = await uow.teams.on_team(case_id, officer.officer_id)
        check_may_read(permissions, on_team=on_team)
        eksposes = await uow.eksposes.of_case(case_id)
        team = await uow.teams.of_case(case_id)
        sealed_conclusion = await uow.eksposes.case_conclusion(case_id)
        await uow.audit.append(entry(tenant, case_id, officer, "ekspose.read", count=len(eksposes)))
        await uow.commit()

    def opened(e: Ekspose) -> OpenedEkspose:
        invitation = keys.open(e.sealed_invitation, tenant=tenant, case=case_id, model=EksposeInvitationV1)
        minutes = (
            keys.open(e.minutes.sealed, tenant=tenant, case=case_id, model=EksposeMinutesV1) if e.minutes else None
        )
        leaders = (
            keys.open(e.leaders_meeting.sealed, tenant=tenant, case=case_id, model=LeadersMeetingV1)
            if e.leaders_meeting
            else None
        )
        return OpenedEkspose(e, invitation, minutes, leaders)

    conclusion = (
        keys.open(sealed_conclusion, tenant=tenant, case=case_id, model=EksposeConclusionV1)
        if sealed_conclusion
        else None
    )
    return EksposeView(
        case=case,
        eksposes=[opened(e) for e in eksposes],
        team=team,
        may_work=may_work(permissions, on_team=on_team),
        conclusion=conclusion,
    )


async def schedule_ekspose(
    tenant: str,
    case_id: UUID,
    draft: ScheduleDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    tools: EksposeTools,
) -> Ekspose | None:
    """Schedule an exposé: its invitation goes out now, so the exposé must be at least 3 days
    ahead (refused otherwise, naming the earliest date, and nothing is kept); the invitation as
    PDF in the vault; ``ekspose.scheduled`` on the trail."""
    async with uow:
        case = await _case_of(uow, tenant, case_id, lock=True)
        if case is None:
            return None
        await _check_may_work(uow, case, officer, permissions)
        check_case_allows_ekspose(case)
        now = tools.clock()
        checked = checked_schedule(draft, await uow.teams.of_case(case_id), invited_at=now, zone=tools.zone)
        ekspose = Ekspose(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            kind=checked.kind,
            scheduled_at=checked.scheduled_at,
            place=checked.place,
            letter_number=checked.letter_number,
            invited_at=now,
            invited_by=officer.officer_id,
            invited_by_name=officer.name,
            sealed_invitation=tools.keys.seal(tenant, Audience.CASE_SUBSTANCE, checked.invitation, case=case_id),
        )
        agenda = case.agenda_number or str(case_id)
        body = await uow.eksposes.body_name(tenant) or tenant
        document = await tools.vault.store(
            uow.documents,
            tenant=tenant,
            case_id=case_id,
            kind=DocumentKind.UNDANGAN_EKSPOSE,
            title=f"Undangan ekspose {checked.kind.value} {agenda}.pdf",
            media_type=PDF,
            content=tools.sheets.invitation(ekspose, checked.invitation, body=body, agenda_number=agenda),
            added_by=officer.officer_id,
            added_at=now,
        )
        ekspose = replace(ekspose, invitation_document_id=document.document_id)
        await uow.eksposes.add(ekspose)
        details = {
            "ekspose_id": str(ekspose.id),
            "kind": ekspose.kind.value,
            "scheduled_at": ekspose.scheduled_at.isoformat(),
            "document_id": str(document.document_id),
        }
        await uow.audit.append(entry(tenant, case_id, officer, "ekspose.scheduled", **details))
        await uow.commit()
        return ekspose


async def record_minutes(
    tenant: str,
    case_id: UUID,
    ekspose_id: UUID,
    draft: MinutesDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    tools: EksposeTools,
) -> Ekspose | None:
    """The minutes of an exposé that took place, as PDF in the vault, and what its ending does:
    an agreement concludes the exposé (the case file keeps its conclusion); a disagreement waits
    for the leaders' meeting; new evidence sends the case back for testing. Either of the last two
    clears the conclusion the case file held: the latest exposé is what a hand-over rests on."""
    async with uow:
        case = await _case_of(uow, tenant, case_id, lock=True)
        if case is None:
            return None
        await _check_may_work(uow, case, officer, permissions)
        ekspose = await _ekspose_of(uow, case, ekspose_id)
        if ekspose is None:
            return None
        check_case_allows_ekspose(case)
        now = tools.clock()
        minutes = checked_minutes(draft, ekspose, now=now, zone=tools.zone)
        conclusion = MinutesConclusion(draft.conclusion)
        invitation = tools.keys.open(ekspose.sealed_invitation, tenant=tenant, case=case_id, model=EksposeInvitationV1)
        agenda = case.agenda_number or str(case_id)
        body = await uow.eksposes.body_name(tenant) or tenant
        document = await tools.vault.store(
            uow.documents,
            tenant=tenant,
            case_id=case_id,
            kind=DocumentKind.NOTULEN_EKSPOSE,
            title=f"Notulen ekspose {ekspose.kind.value} {agenda}.pdf",
            media_type=PDF,
            content=tools.sheets.minutes(ekspose, invitation, minutes, conclusion, body=body, agenda_number=agenda),
            added_by=officer.officer_id,
            added_at=now,
        )
        recorded = Minutes(
            conclusion=conclusion,
            recorded_by=officer.officer_id,
            recorded_by_name=officer.name,
            recorded_at=now,
            sealed=tools.keys.seal(tenant, Audience.CASE_SUBSTANCE, minutes, case=case_id),
            document_id=document.document_id,
        )
        await uow.eksposes.record_minutes(ekspose_id, recorded)
        if conclusion is MinutesConclusion.SEPAKAT:
            kept = conclusion_of(ekspose, minutes)
            await uow.eksposes.conclude_case(
                case_id, now, tools.keys.seal(tenant, Audience.CASE_SUBSTANCE, kept, case=case_id)
            )
        else:
            await uow.eksposes.conclude_case(case_id, None, None)
        if conclusion is MinutesConclusion.BUKTI_BARU:
            await uow.case_files.set_status(case_id, CaseFileStatus.PENGUJIAN_ULANG)
        details = {
            "ekspose_id": str(ekspose_id),
            "conclusion": conclusion.value,
            "document_id": str(document.document_id),
        }
        await uow.audit.append(entry(tenant, case_id, officer, "ekspose.minutes-recorded", **details))
        if conclusion is MinutesConclusion.BUKTI_BARU:
            await uow.audit.append(
                entry(tenant, case_id, officer, "audit.sent-back-for-testing", ekspose_id=str(ekspose_id))
            )
        await uow.commit()
        return replace(ekspose, minutes=recorded)


async def record_leaders_meeting(
    tenant: str,
    case_id: UUID,
    ekspose_id: UUID,
    draft: LeadersMeetingDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    tools: EksposeTools,
) -> Ekspose | None:
    """The record of the leaders' meeting on a disagreement: their settlement concludes the exposé
    (the case file keeps it, with the leaders' decision); or they send the case back for testing."""
    async with uow:
        case = await _case_of(uow, tenant, case_id, lock=True)
        if case is None:
            return None
        await _check_may_work(uow, case, officer, permissions)
        ekspose = await _ekspose_of(uow, case, ekspose_id)
        if ekspose is None:
            return None
        check_case_allows_ekspose(case)
        now = tools.clock()
        held_on, decision, record = checked_leaders_meeting(
            draft, ekspose, today=now.astimezone(tools.zone).date(), zone=tools.zone
        )
        meeting = LeadersMeeting(
            held_on=held_on,
            decision=decision,
            recorded_by=officer.officer_id,
            recorded_by_name=officer.name,
            recorded_at=now,
            sealed=tools.keys.seal(tenant, Audience.CASE_SUBSTANCE, record, case=case_id),
        )
        await uow.eksposes.record_leaders_meeting(ekspose_id, meeting)
        if decision is LeadersDecision.DISEPAKATI:
            assert ekspose.minutes is not None  # a leaders' meeting follows minutes that disagreed
            minutes = tools.keys.open(ekspose.minutes.sealed, tenant=tenant, case=case_id, model=EksposeMinutesV1)
            kept = conclusion_of(ekspose, minutes, (held_on, record))
            await uow.eksposes.conclude_case(
                case_id, now, tools.keys.seal(tenant, Audience.CASE_SUBSTANCE, kept, case=case_id)
            )
        else:
            await uow.case_files.set_status(case_id, CaseFileStatus.PENGUJIAN_ULANG)
        details = {"ekspose_id": str(ekspose_id), "decision": decision.value}
        await uow.audit.append(entry(tenant, case_id, officer, "ekspose.leaders-meeting-recorded", **details))
        if decision is LeadersDecision.PENGUJIAN_ULANG:
            await uow.audit.append(
                entry(tenant, case_id, officer, "audit.sent-back-for-testing", ekspose_id=str(ekspose_id))
            )
        await uow.commit()
        return replace(ekspose, leaders_meeting=meeting)


async def record_result_sent(
    tenant: str,
    case_id: UUID,
    ekspose_id: UUID,
    draft: ResultSentDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    tools: EksposeTools,
) -> Ekspose | None:
    """The exposé's result sent to the head of region (to whom, when, by which letter). Allowed in
    any case status from the exposé's end on (a case sent back for testing included)."""
    async with uow:
        case = await _case_of(uow, tenant, case_id, lock=True)
        if case is None:
            return None
        await _check_may_work(uow, case, officer, permissions)
        ekspose = await _ekspose_of(uow, case, ekspose_id)
        if ekspose is None:
            return None
        now = tools.clock()
        checked = checked_result_sent(draft, ekspose, today=now.astimezone(tools.zone).date(), zone=tools.zone)
        assert checked.sent_on is not None
        result = ResultSent(
            sent_to=checked.sent_to,
            sent_on=checked.sent_on,
            letter_number=checked.letter_number,
            recorded_by=officer.officer_id,
            recorded_by_name=officer.name,
            recorded_at=now,
        )
        await uow.eksposes.record_result_sent(ekspose_id, result)
        details = {"ekspose_id": str(ekspose_id), "state": ekspose.state.value}
        await uow.audit.append(entry(tenant, case_id, officer, "ekspose.result-sent", **details))
        await uow.commit()
        return replace(ekspose, result_sent=result)


async def open_ekspose_document(
    tenant: str,
    case_id: UUID,
    ekspose_id: UUID,
    document_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    vault: Vault,
) -> tuple[CaseDocument, bytes] | None:
    """An exposé's invitation or minutes, for those who may read the audit's records;
    ``ekspose.document-opened`` on the trail."""
    async with uow:
        case = await _case_of(uow, tenant, case_id, lock=False)
        if case is None:
            return None
        check_may_read(permissions, on_team=await uow.teams.on_team(case_id, officer.officer_id))
        ekspose = next((e for e in await uow.eksposes.of_case(case_id) if e.id == ekspose_id), None)
        if ekspose is None or document_id not in (ekspose.invitation_document_id, _minutes_document(ekspose)):
            return None
        found = await vault.read(uow.documents, document_id)
        if found is None:
            return None
        details = {"ekspose_id": str(ekspose_id), "document_id": str(document_id), "kind": found[0].kind.value}
        await uow.audit.append(entry(tenant, case_id, officer, "ekspose.document-opened", **details))
        await uow.commit()
        return found


def _minutes_document(ekspose: Ekspose) -> UUID | None:
    return ekspose.minutes.document_id if ekspose.minutes else None
