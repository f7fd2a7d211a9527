"""The receiving agencies' pages, behind their sign-in: ``/pelimpahan/{agency}`` (the escalations
handed to the agency, newest first, each marked acknowledged or not) and
``/pelimpahan/{agency}/{escalation_id}`` (the escalation: the sending body, agenda number, target,
result, loss, the approval and the policy it applied, the dossier, the documents to download, and
the acknowledgement of receipt). Only the agency's own subscribers (RECEIVE_ESCALATIONS in that
agency) see them; another agency's escalation answers 404. Same use cases as the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_investigation.adapters.agency_http import document_bytes, download
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.adapters.escalation_pages import escalation_helpers
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.domain.escalation import EscalationRefused
from wbs_investigation.domain.messages import N_
from wbs_investigation.ports import Keys
from wbs_investigation.usecases import (
    Acknowledgement,
    agency_inbox,
    read_for_agency,
    release_document,
    send_acknowledgement,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages

PREFIX = "/pelimpahan/{agency}"
MayReceiveEscalations = Annotated[Caller, require(Permission.RECEIVE_ESCALATIONS, tenant="agency", hide=True)]

NOTICES = {"diterima": N_("Konfirmasi penerimaan telah dikirim; pengirim mencatatnya sesaat lagi.")}


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], SqlInvestigationUnitOfWork],
    keys: Keys,
    vault: DocumentVault,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = web.router()

    @router.get(PREFIX)
    async def inbox(request: Request, agency: str, caller: MayReceiveEscalations) -> Response:
        sent = await agency_inbox(agency, officer_of(caller, request), uow=unit_of_work())
        values = {"agency": agency, "escalations": sent, **escalation_helpers(zone)}
        return web.render(request, "investigation/instansi_antrean.html", values)

    async def page(
        request: Request,
        agency: str,
        escalation_id: UUID,
        caller: Caller,
        *,
        typed: Mapping[str, str] | None = None,
        error: EscalationRefused | None = None,
        status: int = 200,
    ) -> Response:
        found = await read_for_agency(agency, escalation_id, officer_of(caller, request), uow=unit_of_work(), keys=keys)
        if found is None:
            raise not_found()
        english = web.language(request) == "en"
        values: dict[str, Any] = {
            "agency": agency,
            "found": found,
            "e": found.escalation,
            "dossier": found.dossier,
            "typed": typed or {"nama": caller.name},
            "error": (error.message if english else error.pesan) if error else None,
            "error_field": error.field if error else None,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            **escalation_helpers(zone),
        }
        return web.render(request, "investigation/instansi_pelimpahan.html", values, status_code=status)

    @router.get(PREFIX + "/{escalation_id}")
    async def show(request: Request, agency: str, escalation_id: UUID, caller: MayReceiveEscalations) -> Response:
        return await page(request, agency, escalation_id, caller)

    @router.get(PREFIX + "/{escalation_id}/dokumen/{document_id}")
    async def document(
        request: Request, agency: str, escalation_id: UUID, document_id: UUID, caller: MayReceiveEscalations
    ) -> Response:
        released = await release_document(
            agency, escalation_id, document_id, officer_of(caller, request), uow=unit_of_work()
        )
        if released is None:
            raise not_found()
        return download(released[1], await document_bytes(unit_of_work, vault, released[1]))

    @router.post(PREFIX + "/{escalation_id}/terima")
    async def acknowledge(
        request: Request, agency: str, escalation_id: UUID, caller: MayReceiveEscalations
    ) -> Response:
        await web.verify_csrf(request)
        typed = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
        try:
            sent = await send_acknowledgement(
                agency,
                escalation_id,
                Acknowledgement(name=typed.get("nama", ""), reference=typed.get("nomor_agenda_instansi", "")),
                officer_of(caller, request),
                uow=unit_of_work(),
                clock=clock,
            )
        except EscalationRefused as problem:
            return await page(
                request, agency, escalation_id, caller, typed=typed, error=problem, status=problem.status_code
            )
        if sent is None:
            raise not_found()
        return web.redirect(f"/pelimpahan/{agency}/{escalation_id}?pesan=diterima")

    return router
