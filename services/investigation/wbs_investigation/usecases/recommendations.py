"""Recommendations: issuing them once the final report is out, following each until it is done (notes,
the copy of the SK, other evidence), the tenant's follow-up queue, and the round that announces
those past their deadline, once per deadline. Every officer action and every reading is on the
tenant's audit trail in the same transaction as what it records; events go through the outbox."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import TenantConfiguredV1, TimeLimit
from wbs_contracts.events.investigation import (
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationKind,
    RecommendationOverdueV1,
)
from wbs_contracts.registry import RECOMMENDATION_COMPLETED, RECOMMENDATION_ISSUED, RECOMMENDATION_OVERDUE
from wbs_contracts.sealed import Audience
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.domain.recommendation import (
    Draft,
    FollowUp,
    FollowUpKind,
    FollowUpNoteV1,
    QueuedRecommendation,
    Recommendation,
    RecommendationRefused,
    RecommendationTextV1,
    check_may_act,
    check_may_read,
    check_open,
    check_report_issued,
    checked_document,
    checked_draft,
    checked_note,
    completion_day,
    limit_for,
    may_act_on_recommendations,
    ordered_for_follow_up,
)
from wbs_investigation.ports import InvestigationUnitOfWork, Keys, RecommendationUnitOfWork, Vault
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_runtime.audit import AuditEntry
from wbs_runtime.blobs.sniffing import SNIFF_BYTES, sniff
from wbs_runtime.clock import Clock
from wbs_runtime.working_days import WEEKENDS_ONLY, nth_working_day_after

#: What each follow-up document is in the case's vault.
DOCUMENT_KINDS = {FollowUpKind.SK: DocumentKind.SK_TINDAK_LANJUT, FollowUpKind.BUKTI: DocumentKind.BUKTI_TINDAK_LANJUT}
#: How many overdue recommendations one round announces in one transaction.
OVERDUE_BATCH = 100


def _today(clock: Clock, zone: ZoneInfo) -> tuple[datetime, date]:
    now = clock()
    return now, now.astimezone(zone).date()


def _correlation(officer: Officer) -> str:
    return officer.correlation_id or str(uuid4())


async def _case_file(uow: RecommendationUnitOfWork, tenant: str, case_id: UUID) -> CaseFile | None:
    """The case file if it is ``tenant``'s and under audit."""
    case_file = await uow.case_files.get(case_id)
    if case_file is None or case_file.tenant != tenant or not case_file.status.in_audit:
        return None
    return case_file


async def _on_team(uow: RecommendationUnitOfWork, case_id: UUID, officer: Officer) -> bool:
    return await uow.teams.on_team(case_id, officer.officer_id)


def _policy_missing() -> RecommendationRefused:
    return RecommendationRefused(
        "policy",
        "Kebijakan instansi ini belum diterima dari direktori; coba lagi sebentar lagi.",
        "This body's policy has not arrived from the directory yet; try again shortly.",
    )


def follow_up_by(
    recommendation: Recommendation,
    kind: FollowUpKind,
    officer: Officer,
    at: datetime,
    *,
    keys: Keys,
    note: str = "",
    document_id: UUID | None = None,
    reference: str = "",
    dated: date | None = None,
) -> FollowUp:
    """An entry of ``recommendation``'s follow-up recorded by ``officer`` at ``at``; its note (if
    any) sealed to case-substance."""
    tenant, case_id = recommendation.tenant, recommendation.case_id
    return FollowUp(
        id=uuid4(),
        recommendation_id=recommendation.id,
        case_id=case_id,
        tenant=tenant,
        kind=kind,
        recorded_by=officer.officer_id,
        recorded_by_name=officer.name,
        recorded_at=at,
        sealed_note=keys.seal(tenant, Audience.CASE_SUBSTANCE, FollowUpNoteV1(text=note), case=case_id)
        if note
        else None,
        document_id=document_id,
        reference=reference,
        dated=dated,
    )


async def announce_completed(
    uow: InvestigationUnitOfWork, done: Recommendation, officer: Officer, *, correlation_id: str, **details: str
) -> None:
    """In the caller's transaction: ``recommendation-completed`` through the outbox and
    ``recommendation.completed`` on the trail, for a recommendation just recorded as done."""
    assert done.completed_at is not None  # done: recorded with its day and whether on time
    assert done.on_time is not None
    completed = RecommendationCompletedV1(
        case_id=done.case_id,
        recommendation_id=done.id,
        kind=done.kind,
        completed_at=done.completed_at,
        on_time=done.on_time,
    )
    await uow.outbox.add(
        RECOMMENDATION_COMPLETED,
        RECOMMENDATION_COMPLETED.envelope(
            completed,
            tenant=done.tenant,
            subject=str(done.case_id),
            time=done.completed_at,
            correlation_id=correlation_id,
        ),
    )
    await uow.audit.append(
        entry(
            done.tenant,
            done.case_id,
            officer,
            "recommendation.completed",
            recommendation_id=str(done.id),
            kind=done.kind.value,
            on_time=done.on_time,
            **details,
        )
    )


# -- reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedFollowUp:
    follow_up: FollowUp
    note: str
    document: CaseDocument | None


@dataclass(frozen=True)
class OpenedRecommendation:
    recommendation: Recommendation
    text: str
    follow_ups: list[OpenedFollowUp]
    overdue: bool


@dataclass(frozen=True)
class RecommendationsView:
    """What the case's recommendation page and API show."""

    case_file: CaseFile
    #: Overdue first, then open by deadline, then done (``ordered_for_follow_up``).
    recommendations: list[OpenedRecommendation]
    today: date
    #: Whether the reader may issue and follow them (the ketua tim, the team's auditors).
    may_act: bool
    #: The policy's limit for each kind that has one (for the issue form), and its version.
    limits: dict[RecommendationKind, TimeLimit]
    policy_version: int | None


async def read_recommendations(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: RecommendationUnitOfWork,
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
) -> RecommendationsView | None:
    """The case's recommendations with their words, follow-ups and documents, for the team, the
    ketua tim and the pimpinan satker (``RecommendationRefused`` field ``officer`` otherwise);
    None: not the tenant's case or not under audit. ``recommendation.read`` on the trail."""
    _, today = _today(clock, zone)
    async with uow:
        case_file = await _case_file(uow, tenant, case_id)
        if case_file is None:
            return None
        on_team = await _on_team(uow, case_id, officer)
        check_may_read(permissions, on_team=on_team)
        recommendations = await uow.recommendations.of_case(case_id)
        follow_ups = await uow.recommendations.follow_ups(case_id)
        documents = {
            d.document_id: d
            for d in await uow.documents.of_case(
                case_id, (DocumentKind.SK_TINDAK_LANJUT, DocumentKind.BUKTI_TINDAK_LANJUT)
            )
        }
        configuration = await uow.tenants.get(tenant)
        await uow.audit.append(entry(tenant, case_id, officer, "recommendation.read", count=len(recommendations)))
        await uow.commit()
    opened = [
        OpenedRecommendation(
            recommendation=r,
            text=keys.open(r.sealed_text, tenant=tenant, case=case_id, model=RecommendationTextV1).text,
            follow_ups=[
                OpenedFollowUp(
                    f,
                    keys.open(f.sealed_note, tenant=tenant, case=case_id, model=FollowUpNoteV1).text
                    if f.sealed_note
                    else "",
                    documents.get(f.document_id) if f.document_id else None,
                )
                for f in follow_ups
                if f.recommendation_id == r.id
            ],
            overdue=r.overdue_on(today),
        )
        for r in ordered_for_follow_up(recommendations, today)
    ]
    limits: dict[RecommendationKind, TimeLimit] = {}
    if configuration is not None:
        for kind in RecommendationKind:
            limit = limit_for(kind, configuration.policy)
            if limit is not None:
                limits[kind] = limit
    return RecommendationsView(
        case_file=case_file,
        recommendations=opened,
        today=today,
        may_act=may_act_on_recommendations(permissions, on_team=on_team),
        limits=limits,
        policy_version=configuration.policy_version if configuration else None,
    )


async def follow_up_queue(
    tenant: str,
    officer: Officer,
    *,
    overdue_only: bool,
    uow: RecommendationUnitOfWork,
    clock: Clock,
    zone: ZoneInfo,
) -> tuple[list[QueuedRecommendation], date]:
    """Every recommendation of the tenant not yet done, overdue ones first (``overdue_only``: only
    those); no words, only kind, office, case and deadline. ``recommendation.queue-read`` on the trail."""
    _, today = _today(clock, zone)
    async with uow:
        queued = await uow.recommendations.open_in_tenant(tenant, overdue_on=today if overdue_only else None)
        await uow.audit.append(
            AuditEntry(
                tenant_id=tenant,
                actor=officer.officer_id,
                actor_name=officer.name,
                role=",".join(sorted(officer.roles)) or None,
                session_id=officer.session_id,
                action="recommendation.queue-read",
                details={"count": len(queued), "overdue_only": overdue_only},
                correlation_id=officer.correlation_id,
            )
        )
        await uow.commit()
    order = {r.id: i for i, r in enumerate(ordered_for_follow_up([q.recommendation for q in queued], today))}
    return sorted(queued, key=lambda q: order[q.recommendation.id]), today


# -- issuing ----------------------------------------------------------------------------------------------


async def issue_recommendation(
    tenant: str,
    case_id: UUID,
    draft: Draft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: RecommendationUnitOfWork,
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
) -> Recommendation | None:
    """The ketua tim or an auditor of the team issues a recommendation once the final report is
    out; its deadline from the tenant's policy where the policy sets one. ``recommendation-issued``
    (with the policy version) and ``recommendation.issued`` on the trail, in one transaction.
    None: not the tenant's case; ``RecommendationRefused`` when a rule says no."""
    now, today = _today(clock, zone)
    async with uow:
        case_file = await _case_file(uow, tenant, case_id)
        if case_file is None:
            return None
        check_may_act(permissions, on_team=await _on_team(uow, case_id, officer))
        check_report_issued(case_file)
        configuration = await uow.tenants.get(tenant)
        if configuration is None:
            raise _policy_missing()
        policy = configuration.policy
        lpsk = await uow.tenants.get(policy.escalation.lpsk) if policy.escalation.lpsk else None
        assert case_file.report_issued_at is not None  # check_report_issued
        checked = checked_draft(
            draft,
            case_file,
            policy,
            today=today,
            report_day=case_file.report_issued_at.astimezone(zone).date(),
            lpsk_name=lpsk.name if lpsk else None,
            nth_working_day_after=_working_days(configuration),
        )
        recommendation = Recommendation(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            kind=checked.kind,
            addressed_to=checked.addressed_to,
            received_on=checked.received_on,
            due=checked.due,
            due_source=checked.due_source,
            due_basis=checked.due_basis,
            policy_version=configuration.policy_version,
            sealed_text=keys.seal(
                tenant, Audience.CASE_SUBSTANCE, RecommendationTextV1(text=checked.text), case=case_id
            ),
            issued_by=officer.officer_id,
            issued_by_name=officer.name,
            issued_at=now,
            agency=checked.agency,
        )
        await uow.recommendations.add(recommendation)
        issued = RecommendationIssuedV1(
            case_id=case_id,
            recommendation_id=recommendation.id,
            kind=recommendation.kind,
            addressed_to=recommendation.addressed_to,
            issued_at=now,
            due=recommendation.due,
            policy_version=recommendation.policy_version,
        )
        await uow.outbox.add(
            RECOMMENDATION_ISSUED,
            RECOMMENDATION_ISSUED.envelope(
                issued, tenant=tenant, subject=str(case_id), time=now, correlation_id=_correlation(officer)
            ),
        )
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "recommendation.issued",
                recommendation_id=str(recommendation.id),
                kind=recommendation.kind.value,
                due=recommendation.due.isoformat() if recommendation.due else None,
                policy_version=recommendation.policy_version,
            )
        )
        await uow.commit()
        return recommendation


def _working_days(configuration: TenantConfiguredV1) -> Callable[[date, int], date]:
    calendar = configuration.policy.calendar

    def after(day: date, n: int) -> date:
        return nth_working_day_after(calendar, day, n, beyond=WEEKENDS_ONLY)

    return after


# -- following up --------------------------------------------------------------------------------------


async def _open_recommendation(
    uow: RecommendationUnitOfWork,
    tenant: str,
    case_id: UUID,
    recommendation_id: UUID,
    officer: Officer,
    permissions: Collection[str],
) -> Recommendation | None:
    """The case's recommendation, locked, once the officer may act on it (None: not found here)."""
    case_file = await _case_file(uow, tenant, case_id)
    if case_file is None:
        return None
    check_may_act(permissions, on_team=await _on_team(uow, case_id, officer))
    recommendation = await uow.recommendations.get(recommendation_id, for_update=True)
    if recommendation is None or recommendation.case_id != case_id:
        return None
    return recommendation


async def record_follow_up_note(
    tenant: str,
    case_id: UUID,
    recommendation_id: UUID,
    note: str,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: RecommendationUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> FollowUp | None:
    """A note on what was done about an open recommendation (sealed)."""
    text = checked_note(note, required=True)
    async with uow:
        recommendation = await _open_recommendation(uow, tenant, case_id, recommendation_id, officer, permissions)
        if recommendation is None:
            return None
        check_open(recommendation)
        follow_up = follow_up_by(recommendation, FollowUpKind.CATATAN, officer, clock(), keys=keys, note=text)
        await uow.recommendations.add_follow_up(follow_up)
        await uow.audit.append(
            entry(
                tenant, case_id, officer, "recommendation.follow-up-recorded", recommendation_id=str(recommendation_id)
            )
        )
        await uow.commit()
        return follow_up


@dataclass(frozen=True)
class DocumentUpload:
    """A document of the follow-up as the officer sends it: an SK (number and date) or other evidence."""

    kind: str
    title: str
    content: bytes
    reference: str = ""
    dated: date | None = None
    note: str = ""


async def add_follow_up_document(
    tenant: str,
    case_id: UUID,
    recommendation_id: UUID,
    upload: DocumentUpload,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: RecommendationUnitOfWork,
    keys: Keys,
    vault: Vault,
    clock: Clock,
    zone: ZoneInfo,
) -> tuple[FollowUp, CaseDocument] | None:
    """The copy of the SK when it comes back, or other evidence: the file encrypted into the case's
    vault (kind sk-tindak-lanjut / bukti-tindak-lanjut), its number and date on the follow-up.
    ``recommendation.document-added`` on the trail. Files are judged by their content (documents,
    images, text), never by their name."""
    now, today = _today(clock, zone)
    kind, title, reference = checked_document(upload.kind, upload.title, upload.reference, upload.dated, today=today)
    note = checked_note(upload.note, required=False)
    found = sniff(upload.content[:SNIFF_BYTES], complete=len(upload.content) <= SNIFF_BYTES)
    if found is None:
        raise RecommendationRefused(
            "file",
            "Berkas kosong atau jenisnya tidak diterima (terima: PDF, dokumen perkantoran, gambar, teks).",
            "The file is empty or of a kind not accepted (accepted: PDF, office documents, images, text).",
        )
    async with uow:
        recommendation = await _open_recommendation(uow, tenant, case_id, recommendation_id, officer, permissions)
        if recommendation is None:
            return None
        check_open(recommendation)
        document = await vault.store(
            uow.documents,
            tenant=tenant,
            case_id=case_id,
            kind=DOCUMENT_KINDS[kind],
            title=title,
            media_type=found.content_type,
            content=upload.content,
            added_by=officer.officer_id,
            added_at=now,
        )
        follow_up = follow_up_by(
            recommendation,
            kind,
            officer,
            now,
            keys=keys,
            note=note,
            document_id=document.document_id,
            reference=reference,
            dated=upload.dated,
        )
        await uow.recommendations.add_follow_up(follow_up)
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "recommendation.document-added",
                recommendation_id=str(recommendation_id),
                document_id=str(document.document_id),
                kind=document.kind.value,
            )
        )
        await uow.commit()
        return follow_up, document


async def complete_recommendation(
    tenant: str,
    case_id: UUID,
    recommendation_id: UUID,
    carried_out_on: date | None,
    note: str,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: RecommendationUnitOfWork,
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
) -> Recommendation | None:
    """Done, with its evidence (``completion_day``): on time when carried out by its deadline.
    ``recommendation-completed`` and ``recommendation.completed`` on the trail."""
    now, today = _today(clock, zone)
    text = checked_note(note, required=False)
    async with uow:
        recommendation = await _open_recommendation(uow, tenant, case_id, recommendation_id, officer, permissions)
        if recommendation is None:
            return None
        follow_ups = [
            f for f in await uow.recommendations.follow_ups(case_id) if f.recommendation_id == recommendation_id
        ]
        day, on_time = completion_day(recommendation, follow_ups, carried_out_on, today=today)
        done = replace(
            recommendation,
            carried_out_on=day,
            completed_at=now,
            completed_by=officer.officer_id,
            completed_by_name=officer.name,
            on_time=on_time,
        )
        await uow.recommendations.complete(done)
        if text:
            await uow.recommendations.add_follow_up(
                follow_up_by(recommendation, FollowUpKind.CATATAN, officer, now, keys=keys, note=text)
            )
        await announce_completed(uow, done, officer, correlation_id=_correlation(officer))
        await uow.commit()
        return done


async def open_follow_up_document(
    tenant: str,
    case_id: UUID,
    recommendation_id: UUID,
    document_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: RecommendationUnitOfWork,
    vault: Vault,
) -> tuple[CaseDocument, bytes] | None:
    """A document of a recommendation's follow-up, for those who may read the recommendations;
    ``recommendation.document-exported`` on the trail. None: not found on this recommendation."""
    async with uow:
        case_file = await _case_file(uow, tenant, case_id)
        if case_file is None:
            return None
        check_may_read(permissions, on_team=await _on_team(uow, case_id, officer))
        follow_ups = await uow.recommendations.follow_ups(case_id)
        if not any(f.recommendation_id == recommendation_id and f.document_id == document_id for f in follow_ups):
            return None
        found = await vault.read(uow.documents, document_id)
        if found is None or found[0].case_id != case_id:
            return None
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "recommendation.document-exported",
                recommendation_id=str(recommendation_id),
                document_id=str(document_id),
            )
        )
        await uow.commit()
        return found


# -- the overdue round ----------------------------------------------------------------------------------


async def notice_overdue_recommendations(
    unit_of_work: Callable[[], RecommendationUnitOfWork], *, clock: Clock, zone: ZoneInfo, batch: int = OVERDUE_BATCH
) -> int:
    """One round: each recommendation past its deadline (the day after its last day, in ``zone``)
    and not done is marked and ``recommendation-overdue`` published, once per deadline; how many.
    Rows another replica's round holds are skipped, so two rounds never announce one twice."""
    now, today = _today(clock, zone)
    async with unit_of_work() as uow:
        found = await uow.recommendations.due_for_notice(today, limit=batch)
        for recommendation in found:
            assert recommendation.due is not None  # due_for_notice
            await uow.recommendations.mark_overdue(recommendation.id, recommendation.due, now)
            overdue = RecommendationOverdueV1(
                case_id=recommendation.case_id,
                recommendation_id=recommendation.id,
                kind=recommendation.kind,
                due=recommendation.due,
                noticed_at=now,
            )
            await uow.outbox.add(
                RECOMMENDATION_OVERDUE,
                RECOMMENDATION_OVERDUE.envelope(
                    overdue,
                    tenant=recommendation.tenant,
                    subject=str(recommendation.case_id),
                    time=now,
                    correlation_id=str(uuid4()),
                ),
            )
            await uow.audit.append(
                AuditEntry(
                    tenant_id=recommendation.tenant,
                    actor="system",
                    action="recommendation.overdue-noticed",
                    object_type="case",
                    object_id=str(recommendation.case_id),
                    details={
                        "recommendation_id": str(recommendation.id),
                        "kind": recommendation.kind.value,
                        "due": recommendation.due.isoformat(),
                    },
                )
            )
        await uow.commit()
        return len(found)
