"""Evidence a signed-in reporter adds after the report: ``POST /api/v1/reporter/evidence``
(``multipart/form-data``, one or more files in the field ``berkas``) and the list of their files.

A file too large, beyond the report's room, one too many, or of a kind not accepted gets a 413 or
415 in both languages; the files before it in the same request are kept and listed in the answer
(``stored``), and nothing of the refused file stays in the blob store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from wbs_intake.adapters.reporter_session import ReporterSessions, signed_in
from wbs_intake.adapters.uploads import CsrfCheck, MalformedUpload, discard, read_upload
from wbs_intake.domain.evidence import EvidenceRefused
from wbs_intake.ports import IntakeUnitOfWork, Opener, Sealer
from wbs_intake.usecases import EvidenceShown, add_evidence, evidence_allowance, reporters_evidence
from wbs_runtime.auth.access import public
from wbs_runtime.blobs import BlobStore
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, correlation_id

PATH = "/api/v1/reporter/evidence"
NO_STORE = {"Cache-Control": "no-store"}
STORED_PESAN = "Berkas bukti tersimpan terenkripsi. Petugas yang menangani laporan Anda dapat membukanya."
STORED_MESSAGE = "The evidence was stored encrypted. The officers handling your report can open it."


class EvidenceOut(BaseModel):
    id: UUID
    file_name: str
    content_type: str
    size_bytes: int
    added_at: datetime
    late: bool


class EvidenceStoredOut(BaseModel):
    stored: list[EvidenceOut]
    pesan: str = STORED_PESAN
    message: str = STORED_MESSAGE


class EvidenceRefusedOut(ErrorBody):
    #: Files of the same request stored before the refusal: they are kept.
    stored: list[EvidenceOut] = Field(default_factory=list)


@dataclass(frozen=True)
class Received:
    stored: list[EvidenceShown]
    refused: EvidenceRefused | None


@dataclass(frozen=True)
class EvidenceDesk:
    """Takes a signed-in reporter's files: streams them into the blob store, then records them
    (``evidence-added``, late) in one transaction; whatever is not recorded is removed again."""

    unit_of_work: Callable[[], IntakeUnitOfWork]
    blobs: BlobStore
    sealer: Sealer
    clock: Clock

    async def receive(self, request: Request, report_id: UUID, *, csrf: CsrfCheck | None = None) -> Received:
        allowance = await evidence_allowance(report_id, uow=self.unit_of_work())
        upload = await read_upload(request, blobs=self.blobs, allowance=allowance, csrf=csrf)
        recorded_ids: set[UUID] = set()
        try:
            if upload.files:
                added = await add_evidence(
                    report_id,
                    upload.files,
                    uow=self.unit_of_work(),
                    sealer=self.sealer,
                    clock=self.clock,
                    correlation_id=correlation_id.get(),
                )
                recorded_ids = {e.id for e in added.recorded}
                if added.refused and upload.refused is None:
                    upload.refused = added.refused[0][1]
        finally:
            await discard(self.blobs, [f for f in upload.files if f.evidence_id not in recorded_ids])
        stored = [
            EvidenceShown(
                id=f.evidence_id,
                file_name=f.file_name,
                content_type=f.content_type,
                size_bytes=f.size_bytes,
                added_at=self.clock(),
                late=True,
            )
            for f in upload.files
            if f.evidence_id in recorded_ids
        ]
        return Received(stored, upload.refused)


def evidence_out(shown: EvidenceShown) -> EvidenceOut:
    return EvidenceOut(
        id=shown.id,
        file_name=shown.file_name,
        content_type=shown.content_type,
        size_bytes=shown.size_bytes,
        added_at=shown.added_at,
        late=shown.late,
    )


def build_router(
    *,
    desk: EvidenceDesk,
    sessions: ReporterSessions,
    opener: Opener,
) -> APIRouter:
    router = APIRouter(tags=["pelapor / reporter"], dependencies=[public(), Depends(sessions.require)])

    @router.post(
        PATH,
        status_code=status.HTTP_201_CREATED,
        response_model=EvidenceStoredOut,
        responses={
            400: {"model": ErrorBody},
            401: {"model": ErrorBody},
            413: {"model": EvidenceRefusedOut},
            415: {"model": EvidenceRefusedOut},
        },
        summary="Tambah bukti / add evidence files to the signed-in reporter's report",
        description="`multipart/form-data` with one or more files in the field `berkas`. A file's kind is judged "
        "by its content. Limits per file, per report and in number come from the body's policy; a refused file "
        "(413, 415) does not undo the files before it, which the answer lists in `stored`.",
    )
    async def add(request: Request) -> EvidenceStoredOut | JSONResponse:
        try:
            received = await desk.receive(request, signed_in(request))
        except MalformedUpload as malformed:
            body = ErrorBody(pesan=malformed.pesan, message=malformed.message)
            return JSONResponse(status_code=400, content=body.model_dump(), headers=NO_STORE)
        stored = [evidence_out(s) for s in received.stored]
        if received.refused is not None:
            refused = received.refused
            body = EvidenceRefusedOut(pesan=refused.pesan, message=refused.message, stored=stored)
            return JSONResponse(status_code=refused.status, content=body.model_dump(mode="json"), headers=NO_STORE)
        if not stored:
            body = ErrorBody(pesan="Tidak ada berkas yang dikirim.", message="No file was sent.")
            return JSONResponse(status_code=400, content=body.model_dump(), headers=NO_STORE)
        return JSONResponse(
            status_code=201, content=EvidenceStoredOut(stored=stored).model_dump(mode="json"), headers=NO_STORE
        )

    @router.get(
        PATH,
        response_model=list[EvidenceOut],
        responses={401: {"model": ErrorBody}},
        summary="Bukti saya / the signed-in reporter's evidence files",
    )
    async def listed(request: Request) -> JSONResponse:
        shown = await reporters_evidence(signed_in(request), uow=desk.unit_of_work(), opener=opener)
        return JSONResponse([evidence_out(s).model_dump(mode="json") for s in shown], headers=NO_STORE)

    return router
