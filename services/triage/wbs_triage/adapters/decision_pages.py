"""The decision page of a case, ``/perkara/{tenant}/{case_id}/keputusan``: the BPK/APIP flag, the
proposal form (a penelaah), the pending proposal with its approval and rejection (an approver the
tenant's policy names, never the proposer), and the decisions and links so far. It goes through
the same use cases as the API, so everything is on the tenant's audit trail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_contracts.events.triage import NotProcessedReason, TelaahOutcome
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.decision import SP4N_LAPOR, Auditor, AuditState, DecisionRefused, Draft, LinkKind
from wbs_triage.domain.telaah import may_open_substance, sits_on_team
from wbs_triage.ports import DecisionUnitOfWork, Keys
from wbs_triage.usecases import (
    DecisionView,
    PriorAuditDraft,
    RelatedReports,
    approve_decision,
    propose_decision,
    read_decisions,
    record_prior_audit,
    reject_decision,
)

PREFIX = "/perkara/{tenant}/{case_id}/keputusan"
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]
MayAssessCases = Annotated[Caller, require(Permission.ASSESS_CASES, tenant="tenant", hide=True)]


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    return message


OUTCOME_LABELS = {
    TelaahOutcome.TIDAK_DIPROSES.value: N_("Tidak diproses lebih lanjut"),
    TelaahOutcome.DITERUSKAN.value: N_("Diteruskan kepada instansi yang berwenang"),
    TelaahOutcome.DIGABUNG.value: N_("Digabungkan dengan perkara lain"),
    TelaahOutcome.AUDIT_INVESTIGASI.value: N_("Dilanjutkan dengan audit investigasi"),
}
REASON_LABELS = {
    NotProcessedReason.TIDAK_LOGIS.value: N_("Tidak logis"),
    NotProcessedReason.TIDAK_DAPAT_DIPENUHI.value: N_("Tidak dapat dipenuhi menurut peraturan"),
}
STATE_LABELS = {
    "menunggu": N_("Menunggu persetujuan"),
    "disetujui": N_("Disetujui"),
    "ditolak": N_("Ditolak"),
    "langsung": N_("Berlaku tanpa persetujuan"),
}
AUDITOR_LABELS = {Auditor.BPK.value: N_("BPK"), Auditor.APIP_LAIN.value: N_("APIP lain")}
AUDIT_STATE_LABELS = {AuditState.SEDANG.value: N_("Sedang diperiksa"), AuditState.SUDAH.value: N_("Sudah diperiksa")}
LINK_LABELS = {
    LinkKind.DITERUSKAN_KE.value: N_("Diteruskan menjadi perkara"),
    LinkKind.DITERUSKAN_DARI.value: N_("Diterima sebagai terusan dari perkara"),
    LinkKind.DIGABUNG_KE.value: N_("Digabungkan ke perkara"),
    LinkKind.MENERIMA_GABUNGAN.value: N_("Menerima gabungan perkara"),
}
NOTICES = {
    "diusulkan": N_("Usulan keputusan telah dicatat."),
    "disetujui": N_("Keputusan telah disetujui dan berlaku."),
    "ditolak": N_("Usulan telah dikembalikan kepada pengusul."),
    "dicatat": N_("Keterangan pemeriksaan BPK/APIP lain telah dicatat."),
}


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


def draft_from_form(typed: Mapping[str, str]) -> Draft:
    try:
        outcome = TelaahOutcome(typed.get("keputusan", ""))
    except ValueError:
        raise DecisionRefused("outcome", "Pilih keputusan.", "Choose a decision.") from None
    try:
        reason = NotProcessedReason(typed["alasan"]) if typed.get("alasan") else None
    except ValueError:
        reason = None
    where = typed.get("tujuan", "")
    external = typed.get("instansi_luar", "").strip()
    return Draft(
        outcome=outcome,
        not_processed_reason=reason,
        reason_for_reporter=typed.get("alasan_pelapor", ""),
        forwarded_to_tenant=where if where and where != "luar" else None,
        forwarded_to_external=(external or SP4N_LAPOR) if where == "luar" else None,
        merged_into=_uuid(typed.get("gabung_ke")),
        core_problem=typed.get("pokok_masalah", ""),
        analysis=typed.get("analisis", ""),
        conclusion=typed.get("simpulan", ""),
    )


def may_work_on(caller: Caller, tenant: str, view: DecisionView) -> bool:
    """Whether the page offers the caller the forms that work the case to a decision (a penelaah
    on its team; ``check_may_work`` decides again when they are sent)."""
    permissions = permissions_in(caller.grants, tenant)
    on_team = sits_on_team(caller.officer_id, view.team)
    return Permission.ASSESS_CASES in permissions and may_open_substance(permissions, on_team=on_team)


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], DecisionUnitOfWork],
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
    related: RelatedReports,
) -> APIRouter:
    router = web.router()

    def moment(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    async def page(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        *,
        typed: Mapping[str, str] | None = None,
        error: DecisionRefused | None = None,
        status: int = 200,
    ) -> Response:
        permissions = permissions_in(caller.grants, tenant)
        view = await read_decisions(
            tenant, case_id, reader_of(caller, request), permissions, uow=unit_of_work(), keys=keys
        )
        if view is None:
            raise not_found()
        english = web.language(request) == "en"
        held = caller.roles_in(tenant)
        pending = view.pending
        values: dict[str, Any] = {
            "tenant": tenant,
            "view": view,
            "case": view.case,
            "pending": pending,
            "may_propose": may_work_on(caller, tenant, view),
            "not_on_team": Permission.ASSESS_CASES in permissions_in(caller.grants, tenant)
            and not may_work_on(caller, tenant, view),
            "may_decide": pending is not None
            and pending.proposal.proposed_by != caller.officer_id
            and any(role in held for role in pending.proposal.approver_roles),
            "moment": moment,
            "outcome_labels": OUTCOME_LABELS,
            "reason_labels": REASON_LABELS,
            "state_labels": STATE_LABELS,
            "auditor_labels": AUDITOR_LABELS,
            "audit_state_labels": AUDIT_STATE_LABELS,
            "link_labels": LINK_LABELS,
            "typed": typed or {},
            "error": (error.message if english else error.pesan) if error else None,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            "sp4n_lapor": SP4N_LAPOR,
        }
        return web.render(request, "triage/keputusan.html", values, status_code=status)

    async def form(request: Request) -> dict[str, str]:
        await web.verify_csrf(request)
        return {name: value for name, value in (await request.form()).items() if isinstance(value, str)}

    def done(tenant: str, case_id: UUID, notice: str) -> Response:
        return web.redirect(f"/perkara/{tenant}/{case_id}/keputusan?pesan={notice}")

    async def refused(
        request: Request, tenant: str, case_id: UUID, caller: Caller, typed: Mapping[str, str], problem: DecisionRefused
    ) -> Response:
        code = (
            403
            if problem.field in {"approver", "officer"}
            else 409
            if problem.field in {"case", "proposal", "policy"}
            else 422
        )
        return await page(request, tenant, case_id, caller, typed=typed, error=problem, status=code)

    @router.get(PREFIX)
    async def show(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await page(request, tenant, case_id, caller)

    @router.post(PREFIX + "/usul")
    async def propose(request: Request, tenant: str, case_id: UUID, caller: MayAssessCases) -> Response:
        typed = await form(request)
        try:
            proposal = await propose_decision(
                tenant,
                case_id,
                draft_from_form(typed),
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
                related=related,
            )
        except DecisionRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if proposal is None:
            raise not_found()
        return done(tenant, case_id, "diusulkan" if proposal.pending else "disetujui")

    @router.post(PREFIX + "/setuju")
    async def approve(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            proposal = await approve_decision(
                tenant,
                case_id,
                reader_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
                related=related,
            )
        except DecisionRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if proposal is None:
            raise not_found()
        return done(tenant, case_id, "disetujui")

    @router.post(PREFIX + "/tolak")
    async def reject(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            proposal = await reject_decision(
                tenant,
                case_id,
                typed.get("alasan_penolakan", ""),
                reader_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except DecisionRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if proposal is None:
            raise not_found()
        return done(tenant, case_id, "ditolak")

    @router.post(PREFIX + "/pemeriksaan-lain")
    async def prior_audit(request: Request, tenant: str, case_id: UUID, caller: MayAssessCases) -> Response:
        typed = await form(request)
        draft = PriorAuditDraft(
            audited=typed.get("diperiksa") == "ya",
            auditor=typed.get("pemeriksa") or None,
            state=typed.get("tahap") or None,
            auditor_name=typed.get("nama_apip", ""),
            note=typed.get("catatan", ""),
        )
        try:
            recorded = await record_prior_audit(
                tenant,
                case_id,
                draft,
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except DecisionRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if recorded is None:
            raise not_found()
        return done(tenant, case_id, "dicatat")

    return router
