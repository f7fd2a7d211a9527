"""The receiving agencies' API, ``/api/v1/agencies/{agency}/escalations``: the escalations handed to
the agency (its subscribers only: RECEIVE_ESCALATIONS in that agency), each with its dossier, the
documents sent (downloaded through the vault, audited as an export), and the acknowledgement of
receipt, published as ``escalation-acknowledged`` on the agency's behalf (202: the case records it
when investigation's consumer applies it). Another agency's escalation answers 404, as one that does
not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import ReportedOfficial
from wbs_contracts.events.investigation import EscalatedDocument
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.adapters.downloads import attachment_of
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.refusals import refusal
from wbs_investigation.domain.escalation import Escalation, EscalationRefused
from wbs_investigation.ports import Keys
from wbs_investigation.usecases import (
    Acknowledgement,
    AgencyEscalation,
    agency_inbox,
    read_for_agency,
    release_document,
    send_acknowledgement,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody

MayReceiveEscalations = Annotated[Caller, require(Permission.RECEIVE_ESCALATIONS, tenant="agency", hide=True)]


class SentOut(BaseModel):
    id: UUID
    case_id: UUID
    from_tenant: str
    from_name: str
    target: str
    result: str
    estimated_loss_idr: int
    approved_at: datetime
    approved_as: str
    policy_version: int
    policy_basis: str
    documents: list[EscalatedDocument]
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    agency_reference: str | None = None


class DossierOut(BaseModel):
    perihal: str
    terlapor: list[ReportedOfficial]
    findings: str
    recommendation: str
    ekspose_summary: str


class AgencyEscalationOut(SentOut):
    agenda_number: str
    dossier: DossierOut


class AcknowledgementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Who acknowledges receipt, as the agency names them.")
    reference: str = Field(default="", description="The agency's own registration number (at most 100).")


class AcknowledgementOut(BaseModel):
    escalation_id: UUID
    pesan: str = "Tanda terima telah dikirim; perkara mencatatnya sesaat lagi."
    message: str = "The acknowledgement was sent; the case records it in a moment."


def sent_out(escalation: Escalation) -> SentOut:
    return SentOut(**_sent_fields(escalation))


def _sent_fields(e: Escalation) -> dict[str, object]:
    assert e.decided_at is not None
    assert e.decided_as is not None
    assert e.policy_version is not None
    return {
        "id": e.id,
        "case_id": e.case_id,
        "from_tenant": e.tenant,
        "from_name": e.from_name or e.tenant,
        "target": e.target.value,
        "result": e.result.value,
        "estimated_loss_idr": e.estimated_loss_idr,
        "approved_at": e.decided_at,
        "approved_as": e.decided_as.value,
        "policy_version": e.policy_version,
        "policy_basis": e.policy_basis,
        "documents": list(e.documents),
        "acknowledged_at": e.acknowledged_at,
        "acknowledged_by": e.acknowledged_by,
        "agency_reference": e.agency_reference,
    }


def agency_escalation_out(found: AgencyEscalation) -> AgencyEscalationOut:
    d = found.dossier
    return AgencyEscalationOut(
        **_sent_fields(found.escalation),
        agenda_number=found.agenda_number,
        dossier=DossierOut(
            perihal=d.perihal,
            terlapor=list(d.terlapor),
            findings=d.findings,
            recommendation=d.recommendation,
            ekspose_summary=d.ekspose_summary,
        ),
    )


def download(document: EscalatedDocument, content: bytes) -> Response:
    """The file as an attachment, never rendered by the browser in the site's origin."""
    return attachment_of(document.title, document.media_type, content)


async def document_bytes(
    unit_of_work: Callable[[], SqlInvestigationUnitOfWork], vault: DocumentVault, document: EscalatedDocument
) -> bytes:
    async with unit_of_work() as uow:
        found = await vault.read(uow.documents, document.document_id)
    if found is None:
        raise not_found()
    return found[1]


def build_router(
    *,
    unit_of_work: Callable[[], SqlInvestigationUnitOfWork],
    keys: Keys,
    vault: DocumentVault,
    clock: Clock,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/agencies/{agency}/escalations", tags=["instansi penerima / agencies"])

    @router.get("", response_model=list[SentOut], summary="Pelimpahan yang diterima / escalations received")
    async def inbox(agency: str, request: Request, caller: MayReceiveEscalations) -> list[SentOut]:
        return [sent_out(e) for e in await agency_inbox(agency, officer_of(caller, request), uow=unit_of_work())]

    @router.get("/{escalation_id}", response_model=AgencyEscalationOut, summary="Satu pelimpahan / one escalation")
    async def one(
        agency: str, escalation_id: UUID, request: Request, caller: MayReceiveEscalations
    ) -> AgencyEscalationOut:
        found = await read_for_agency(agency, escalation_id, officer_of(caller, request), uow=unit_of_work(), keys=keys)
        if found is None:
            raise not_found()
        return agency_escalation_out(found)

    @router.get(
        "/{escalation_id}/documents/{document_id}",
        response_class=Response,
        summary="Dokumen yang dikirim / a document sent with the escalation",
    )
    async def document(
        agency: str, escalation_id: UUID, document_id: UUID, request: Request, caller: MayReceiveEscalations
    ) -> Response:
        released = await release_document(
            agency, escalation_id, document_id, officer_of(caller, request), uow=unit_of_work()
        )
        if released is None:
            raise not_found()
        return download(released[1], await document_bytes(unit_of_work, vault, released[1]))

    @router.post(
        "/{escalation_id}/acknowledgement",
        response_model=AcknowledgementOut,
        status_code=status.HTTP_202_ACCEPTED,
        responses={409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Konfirmasi penerimaan / acknowledge receipt",
        description="Publishes escalation-acknowledged on the agency's behalf; the case records it when "
        "investigation applies it (as it does for an agency acknowledging from its own Kafka client).",
    )
    async def acknowledge(
        agency: str, escalation_id: UUID, body: AcknowledgementIn, request: Request, caller: MayReceiveEscalations
    ) -> AcknowledgementOut | JSONResponse:
        try:
            sent = await send_acknowledgement(
                agency,
                escalation_id,
                Acknowledgement(name=body.name, reference=body.reference),
                officer_of(caller, request),
                uow=unit_of_work(),
                clock=clock,
            )
        except EscalationRefused as problem:
            return refusal(problem)
        if sent is None:
            raise not_found()
        return AcknowledgementOut(escalation_id=sent.id)

    return router
