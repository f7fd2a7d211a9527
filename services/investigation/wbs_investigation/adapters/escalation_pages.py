"""The pelimpahan page of a case, ``/audit/{tenant}/{case_id}/pelimpahan``: where the tenant's
policy routes the case and why, the proposal form (the ketua tim, once the final report is issued
with the result TPK and an exposé concluded), the pending proposal with its approval and rejection
(whom the policy names, never the proposer), and the hand-overs so far with the agencies'
acknowledgements. It goes through the same use cases as the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_contracts.events.directory import EscalationTarget
from wbs_investigation.adapters.labels import RESULT_LABELS
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.pages import page_helpers
from wbs_investigation.domain.escalation import EscalationRefused, EscalationState, rupiah
from wbs_investigation.domain.messages import N_
from wbs_investigation.ports import AgencyTopics, EscalationUnitOfWork, Keys
from wbs_investigation.usecases import (
    EscalationDraft,
    EscalationView,
    approve_escalation,
    propose_escalation,
    read_escalation,
    reject_escalation,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages

PREFIX = "/audit/{tenant}/{case_id}/pelimpahan"
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]

TARGET_LABELS = {
    EscalationTarget.APH.value: N_("Aparat Penegak Hukum (Kepolisian, Kejaksaan)"),
    EscalationTarget.KPK.value: N_("Komisi Pemberantasan Korupsi (KPK)"),
}
STATE_LABELS = {
    EscalationState.MENUNGGU.value: N_("Menunggu persetujuan"),
    EscalationState.DISETUJUI.value: N_("Disetujui dan dilimpahkan"),
    EscalationState.DITOLAK.value: N_("Ditolak"),
}
NOTICES = {
    "diusulkan": N_("Usulan pelimpahan telah dicatat dan menunggu persetujuan."),
    "disetujui": N_("Pelimpahan telah disetujui dan dikirim kepada instansi penerima."),
    "ditolak": N_("Usulan pelimpahan telah dikembalikan kepada pengusul."),
}


def escalation_helpers(zone: ZoneInfo) -> dict[str, Any]:
    """What the pelimpahan pages (the body's and the agency's) show with."""
    return {
        **page_helpers(zone),
        "rupiah": rupiah,
        "target_labels": TARGET_LABELS,
        "result_labels": RESULT_LABELS,
        "escalation_state_labels": STATE_LABELS,
    }


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], EscalationUnitOfWork],
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
    topics: AgencyTopics,
) -> APIRouter:
    router = web.router()

    async def page(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        *,
        typed: Mapping[str, str] | None = None,
        error: EscalationRefused | None = None,
        status: int = 200,
    ) -> Response:
        view: EscalationView | None = await read_escalation(
            tenant,
            case_id,
            officer_of(caller, request),
            permissions_in(caller.grants, tenant),
            caller.roles_in(tenant),
            uow=unit_of_work(),
            keys=keys,
        )
        if view is None:
            raise not_found()
        english = web.language(request) == "en"
        held = caller.roles_in(tenant)
        pending = view.pending
        values: dict[str, Any] = {
            "tenant": tenant,
            "case": view.case_file,
            "view": view,
            "pending": pending,
            "english": english,
            "may_decide": pending is not None
            and pending.escalation.proposed_by != caller.officer_id
            and any(role in held for role in view.approver_roles),
            "typed": typed or {},
            "error": (error.message if english else error.pesan) if error else None,
            "error_field": error.field if error else None,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            **escalation_helpers(zone),
        }
        return web.render(request, "investigation/pelimpahan.html", values, status_code=status)

    async def form(request: Request) -> dict[str, str]:
        await web.verify_csrf(request)
        return {name: value for name, value in (await request.form()).items() if isinstance(value, str)}

    def done(tenant: str, case_id: UUID, notice: str) -> Response:
        return web.redirect(f"/audit/{tenant}/{case_id}/pelimpahan?pesan={notice}")

    async def refused(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        typed: Mapping[str, str],
        problem: EscalationRefused,
    ) -> Response:
        return await page(request, tenant, case_id, caller, typed=typed, error=problem, status=problem.status_code)

    @router.get(PREFIX)
    async def show(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await page(request, tenant, case_id, caller)

    @router.post(PREFIX + "/usul")
    async def propose(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        draft = EscalationDraft(
            agency=typed.get("instansi") or None,
            perihal=typed.get("perihal", ""),
            recommendation=typed.get("rekomendasi", ""),
        )
        try:
            proposed = await propose_escalation(
                tenant,
                case_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except EscalationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if proposed is None:
            raise not_found()
        return done(tenant, case_id, "diusulkan")

    @router.post(PREFIX + "/setuju")
    async def approve(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            approved = await approve_escalation(
                tenant,
                case_id,
                officer_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                topics=topics,
                zone=zone,
            )
        except EscalationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if approved is None:
            raise not_found()
        return done(tenant, case_id, "disetujui")

    @router.post(PREFIX + "/tolak")
    async def reject(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            rejected = await reject_escalation(
                tenant,
                case_id,
                typed.get("alasan_penolakan", ""),
                officer_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except EscalationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem)
        if rejected is None:
            raise not_found()
        return done(tenant, case_id, "ditolak")

    return router
