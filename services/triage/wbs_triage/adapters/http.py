"""Triage's officer API: a case's registration and its history, for the officers of its tenant who
may read cases. Every reading is on the tenant's audit trail; a case of another tenant, or none,
answers exactly like a tenant the officer holds nothing in (404)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.blobs import BlobNotFound, BlobStore, BlobTampered, decrypt
from wbs_runtime.blobs.sniffing import download_name
from wbs_runtime.http import ErrorBody
from wbs_triage.adapters.officer import reader_of
from wbs_triage.ports import Opener, TriageUnitOfWork
from wbs_triage.usecases import (
    NotEntitled,
    case_history,
    list_cases,
    list_evidence,
    open_evidence,
    read_case,
)

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, hide=True)]


class CaseOut(BaseModel):
    case_id: UUID
    tenant: str
    agenda_number: str
    registered_on: date
    received_at: datetime
    category: str
    channel: str
    status: str


class EvidenceOut(BaseModel):
    id: UUID
    name: str
    content_type: str
    size_bytes: int
    added_at: datetime
    late: bool


NOT_ON_TEAM = ErrorBody(
    pesan="Berkas bukti perkara ini hanya dibuka oleh tim yang ditunjuk dalam disposisinya, ketua tim, "
    "dan pimpinan satker.",
    message="This case's evidence is opened only by the team it was disposed to, a ketua tim and the pimpinan satker.",
)

UNREADABLE = ErrorBody(
    pesan="Berkas bukti ini tidak dapat dibuka: berkasnya hilang atau rusak di penyimpanan. Hubungi operator.",
    message="This evidence file cannot be opened: it is missing or damaged in storage. Contact the operators.",
)


class CaseSummaryOut(BaseModel):
    case_id: UUID
    agenda_number: str
    registered_on: date
    registered_at: datetime
    category: str
    channel: str
    status: str
    #: Where the report arrived, when it was forwarded here from a body above.
    received_by: str | None
    #: The day the body received it, for a report a petugas recorded.
    received_on: date | None


class HistoryEntryOut(BaseModel):
    at: datetime
    action: str
    actor: str
    actor_name: str | None
    role: str | None


def build_router(
    *, unit_of_work: Callable[[], TriageUnitOfWork], opener: Opener | None = None, blobs: BlobStore | None = None
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/cases", tags=["perkara / cases"])

    @router.get("", response_model=list[CaseSummaryOut], summary="Perkara instansi ini / the tenant's cases")
    async def cases(tenant: str, request: Request, caller: MayReadCases) -> list[CaseSummaryOut]:
        return [
            CaseSummaryOut(
                case_id=case.id,
                agenda_number=case.agenda.number,
                registered_on=case.agenda.registered_on,
                registered_at=case.agenda.registered_at,
                category=case.category,
                channel=case.channel,
                status=case.status.value,
                received_by=case.received_by,
                received_on=case.received_on,
            )
            for case in await list_cases(tenant, reader_of(caller, request), unit_of_work())
        ]

    @router.get("/{case_id}", response_model=CaseOut, summary="Pencatatan perkara / a case's registration")
    async def registration(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> CaseOut:
        case = await read_case(tenant, case_id, reader_of(caller, request), unit_of_work())
        if case is None:
            raise not_found()
        return CaseOut(
            case_id=case.id,
            tenant=case.tenant,
            agenda_number=case.agenda.number,
            registered_on=case.agenda.registered_on,
            received_at=case.received_at,
            category=case.category,
            channel=case.channel,
            status=case.status.value,
        )

    @router.get(
        "/{case_id}/riwayat", response_model=list[HistoryEntryOut], summary="Riwayat perkara / a case's history"
    )
    async def history(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> list[HistoryEntryOut]:
        entries = await case_history(tenant, case_id, reader_of(caller, request), unit_of_work())
        if entries is None:
            raise not_found()
        return [
            HistoryEntryOut(at=e.recorded_at, action=e.action, actor=e.actor, actor_name=e.actor_name, role=e.role)
            for e in entries
        ]

    if opener is not None and blobs is not None:
        _evidence_routes(router, unit_of_work, opener, blobs)
    return router


def _evidence_routes(
    router: APIRouter,
    unit_of_work: Callable[[], TriageUnitOfWork],
    opener: Opener,
    blobs: BlobStore,
) -> None:
    @router.get(
        "/{case_id}/evidence",
        response_model=list[EvidenceOut],
        responses={403: {"model": ErrorBody}},
        summary="Bukti perkara / a case's evidence files",
        description="Names are opened for the case's team, the ketua tim and the pimpinan satker (403 for "
        "others); the listing is on the tenant's audit trail.",
    )
    async def evidence(
        tenant: str, case_id: UUID, request: Request, caller: MayReadCases
    ) -> list[EvidenceOut] | JSONResponse:
        permissions = permissions_in(caller.grants, tenant)
        try:
            listed = await list_evidence(
                tenant, case_id, reader_of(caller, request), permissions, unit_of_work(), opener
            )
        except NotEntitled:
            return JSONResponse(status_code=403, content=NOT_ON_TEAM.model_dump())
        if listed is None:
            raise not_found()
        return [
            EvidenceOut(
                id=e.id,
                name=e.file_name,
                content_type=e.content_type,
                size_bytes=e.size_bytes,
                added_at=e.added_at,
                late=e.late,
            )
            for e in listed
        ]

    @router.get(
        "/{case_id}/evidence/{evidence_id}",
        response_class=Response,
        responses={
            200: {"content": {"application/octet-stream": {}}},
            403: {"model": ErrorBody},
            404: {"model": ErrorBody},
        },
        summary="Unduh bukti / download one evidence file",
        description="For the case's team, the ketua tim and the pimpinan satker (403 for others). Decrypted as "
        "it is sent, every chunk verified; always an attachment. Each download is recorded on the tenant's "
        "audit trail (`evidence.read`) before a byte is sent.",
    )
    async def download(
        tenant: str, case_id: UUID, evidence_id: UUID, request: Request, caller: MayReadCases
    ) -> Response:
        permissions = permissions_in(caller.grants, tenant)
        try:
            found = await open_evidence(
                tenant, case_id, evidence_id, reader_of(caller, request), permissions, unit_of_work(), opener
            )
        except NotEntitled:
            return JSONResponse(status_code=403, content=NOT_ON_TEAM.model_dump())
        if found is None:
            raise not_found()
        plaintext = decrypt(blobs.open(found.blob), found.file_key)
        try:
            # The first chunk is verified before the answer starts, so a missing or damaged blob
            # gets a clear error instead of a cut-off download.
            first = await anext(plaintext, b"")
        except (BlobNotFound, BlobTampered):
            await plaintext.aclose()
            return JSONResponse(status_code=500, content=UNREADABLE.model_dump())

        async def body() -> AsyncIterator[bytes]:
            try:
                if first:
                    yield first
                async for chunk in plaintext:
                    yield chunk
            finally:
                await plaintext.aclose()

        # A chunk that fails later ends the answer short of its Content-Length: the client sees
        # an incomplete download, never bytes that did not verify.
        headers = {
            "Content-Disposition": _attachment(download_name(found.file_name, found.content_type)),
            "Content-Length": str(found.size_bytes),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
        return StreamingResponse(body(), media_type=found.content_type, headers=headers)


def _attachment(file_name: str) -> str:
    """RFC 6266: an ASCII fallback and the name in UTF-8."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in file_name) or "bukti"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
