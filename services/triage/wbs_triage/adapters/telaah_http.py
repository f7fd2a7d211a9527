"""The telaah's API: a case's registration record (pencatatan: read by whoever may read it,
completed by the petugas or the penelaah) and the penelaah's workspace (the substance opened for
the entitled, the checklist of the five minimum steps, free notes, related reports). Every reading
and every change is on the tenant's audit trail. A case of another tenant, or none, answers 404;
an officer of the tenant who may not do this with the case, 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import NAME_LIMIT, SHORT_TEXT_LIMIT, TEXT_LIMIT
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.registration import TERLAPOR_LIMIT, RegistrationDetailsV1, RegistrationRefused, TerlaporRecord
from wbs_triage.domain.related import Relation
from wbs_triage.domain.telaah import STEP_WORDING, TelaahChecklistV1, TelaahRefused, TelaahStep, checked_step
from wbs_triage.ports import Keys, TriageUnitOfWork
from wbs_triage.usecases import (
    NotEntitled,
    OpenedNote,
    RegistrationView,
    RelatedReports,
    add_note,
    open_workspace,
    read_registration,
    record_step,
    show_evidence,
    update_registration,
)

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, hide=True)]

NOT_ENTITLED = ErrorBody(
    pesan="Anda tidak berhak melakukan ini pada perkara ini. Laporan dan buktinya dibuka hanya oleh tim yang "
    "ditunjuk dalam disposisinya, ketua tim, dan pimpinan satker.",
    message="You are not entitled to do this with this case. The report and its evidence are opened only by the "
    "team it was disposed to, a ketua tim and the pimpinan satker.",
)


class TerlaporIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: str = Field(default="", max_length=NAME_LIMIT)
    nip: str = Field(default="", max_length=40, description="NIP or NRP.")
    alamat: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    jabatan: str = Field(default="", max_length=NAME_LIMIT)
    instansi: str = Field(default="", max_length=NAME_LIMIT)


class RegistrationIn(BaseModel):
    """The record as 002/004 BAB II C.1 lists it (the agenda number and date are triage's own)."""

    model_config = ConfigDict(extra="forbid")

    tanggal_surat: date | None = Field(default=None, description="Tanggal surat pengaduan.")
    perihal: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    unit_terlapor: str = Field(default="", max_length=NAME_LIMIT)
    terlapor: list[TerlaporIO] = Field(default_factory=list, max_length=TERLAPOR_LIMIT)


class RegistrationOut(RegistrationIn):
    case_id: UUID
    agenda_number: str
    agenda_date: date
    #: False while the record is the draft taken from the report's own words.
    recorded: bool
    reporter_identity: str = Field(
        default="Identitas pelapor disimpan tersegel oleh layanan intake; dibuka hanya melalui pengungkapan. / "
        "The reporter's identity stays sealed with intake; it is opened only through disclosure."
    )


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done: bool
    note: str = Field(default="", description=f"At most {TEXT_LIMIT} characters.")


class StepOut(BaseModel):
    step: str
    wording: str = Field(description="The step in the regulation's words (004 BAB II C.2.b).")
    done: bool
    note: str
    updated_at: datetime | None
    updated_by_name: str


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"At most {TEXT_LIMIT} characters.")


class NoteOut(BaseModel):
    id: UUID
    author_id: str
    author_name: str
    written_at: datetime
    text: str


class SubstanceOut(BaseModel):
    what: str
    where: str
    when: str
    who: str
    how: str
    amount_idr: int | None


class RelatedOut(BaseModel):
    case_id: UUID
    agenda_number: str
    reasons: list[str] = Field(description="nip-sama, nama-sama, unit-sama, teks-mirip.")
    similarity_percent: int = Field(description="Estimated similarity of the two reports' texts.")
    href: str


class EvidenceFileOut(BaseModel):
    id: UUID
    name: str
    content_type: str
    size_bytes: int
    added_at: datetime
    href: str


class WorkspaceOut(BaseModel):
    case_id: UUID
    agenda_number: str
    status: str
    substance: SubstanceOut | None
    evidence: list[EvidenceFileOut]
    registration: RegistrationOut
    checklist: list[StepOut]
    notes: list[NoteOut]
    related: list[RelatedOut]
    kotak_href: str
    keputusan_href: str


def registration_out(view: RegistrationView) -> RegistrationOut:
    d = view.details
    return RegistrationOut(
        case_id=view.case.id,
        agenda_number=view.case.agenda.number,
        agenda_date=view.case.agenda.registered_on,
        recorded=view.recorded,
        tanggal_surat=d.tanggal_surat,
        perihal=d.perihal,
        unit_terlapor=d.unit_terlapor,
        terlapor=[TerlaporIO(**t.model_dump()) for t in d.terlapor],
    )


def checklist_out(checklist: TelaahChecklistV1) -> list[StepOut]:
    return [
        StepOut(
            step=step.value,
            wording=STEP_WORDING[step],
            done=checklist.step(step).done,
            note=checklist.step(step).note,
            updated_at=checklist.step(step).updated_at,
            updated_by_name=checklist.step(step).updated_by_name,
        )
        for step in TelaahStep
    ]


def note_out(note: OpenedNote) -> NoteOut:
    return NoteOut(
        id=note.id, author_id=note.author_id, author_name=note.author_name, written_at=note.written_at, text=note.text
    )


def related_out(tenant: str, relation: Relation) -> RelatedOut:
    return RelatedOut(
        case_id=relation.case_id,
        agenda_number=relation.agenda_number,
        reasons=[r.value for r in relation.reasons],
        similarity_percent=round(relation.similarity * 100),
        href=f"/perkara/{tenant}/{relation.case_id}",
    )


def refused(problem: RegistrationRefused | TelaahRefused) -> InvalidInput:
    return InvalidInput(
        [FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)]
    )


def build_router(
    *,
    unit_of_work: Callable[[], TriageUnitOfWork],
    keys: Keys,
    related: RelatedReports,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/cases/{case_id}", tags=["telaah"])
    forbidden: dict[int | str, dict[str, Any]] = {403: {"model": ErrorBody}}

    def denied() -> JSONResponse:
        return JSONResponse(status_code=403, content=NOT_ENTITLED.model_dump())

    @router.get(
        "/registration",
        response_model=RegistrationOut,
        responses=forbidden,
        summary="Pencatatan perkara / a case's registration record",
        description="Sealed at rest; opened for the petugas, the penelaah and those who may open the substance.",
    )
    async def registration(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> object:
        permissions = permissions_in(caller.grants, tenant)
        try:
            view = await read_registration(
                tenant, case_id, reader_of(caller, request), permissions, uow=unit_of_work(), keys=keys, related=related
            )
        except NotEntitled:
            return denied()
        if view is None:
            raise not_found()
        return registration_out(view)

    @router.put(
        "/registration",
        response_model=RegistrationOut,
        responses={**forbidden, 422: {"model": ErrorBody}},
        summary="Lengkapi pencatatan / complete or correct the registration record",
        description="By the petugas pengaduan or the penelaah; audited (`case.registration-updated`).",
    )
    async def complete_registration(
        tenant: str, case_id: UUID, record: RegistrationIn, request: Request, caller: MayReadCases
    ) -> object:
        details = RegistrationDetailsV1(
            tanggal_surat=record.tanggal_surat,
            perihal=record.perihal,
            unit_terlapor=record.unit_terlapor,
            terlapor=tuple(TerlaporRecord(**t.model_dump()) for t in record.terlapor),
        )
        try:
            view = await update_registration(
                tenant,
                case_id,
                details,
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                related=related,
                clock=clock,
                zone=zone,
            )
        except NotEntitled:
            return denied()
        except RegistrationRefused as problem:
            raise refused(problem) from None
        if view is None:
            raise not_found()
        return registration_out(view)

    @router.get(
        "/telaah",
        response_model=WorkspaceOut,
        responses=forbidden,
        summary="Ruang kerja telaah / the penelaah's workspace",
        description="The substance and the evidence are opened only for the case's team (penelaah on it), "
        "and for holders of approve-decisions (ketua tim) or dispose-cases (pimpinan satker) in the tenant; "
        "the opening is audited (`case.substance-read`).",
    )
    async def workspace(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> object:
        try:
            opened = await open_workspace(
                tenant,
                case_id,
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                related=related,
            )
        except NotEntitled:
            return denied()
        if opened is None:
            raise not_found()
        shown = await show_evidence(
            tenant, case_id, reader_of(caller, request), permissions_in(caller.grants, tenant), unit_of_work(), keys
        )
        files = shown.files if shown is not None else []
        s = opened.substance
        return WorkspaceOut(
            case_id=opened.case.id,
            agenda_number=opened.case.agenda.number,
            status=opened.case.status.value,
            substance=None
            if s is None
            else SubstanceOut(what=s.what, where=s.where, when=s.when, who=s.who, how=s.how, amount_idr=s.amount_idr),
            evidence=[
                EvidenceFileOut(
                    id=f.id,
                    name=f.file_name,
                    content_type=f.content_type,
                    size_bytes=f.size_bytes,
                    added_at=f.added_at,
                    href=f"/api/v1/tenants/{tenant}/cases/{case_id}/evidence/{f.id}",
                )
                for f in files
            ],
            registration=registration_out(RegistrationView(opened.case, opened.details, opened.details_recorded)),
            checklist=checklist_out(opened.checklist),
            notes=[note_out(n) for n in opened.notes],
            related=[related_out(tenant, r) for r in opened.related],
            kotak_href=f"/perkara/{tenant}/{case_id}#kotak",
            keputusan_href=f"/perkara/{tenant}/{case_id}/keputusan",
        )

    @router.put(
        "/telaah/checklist/{step}",
        response_model=StepOut,
        responses={**forbidden, 422: {"model": ErrorBody}},
        summary="Catat langkah telaah / record one step of the telaah",
        description="Steps: " + ", ".join(s.value for s in TelaahStep) + ". By the penelaah; the note is sealed.",
    )
    async def step(
        tenant: str, case_id: UUID, step: str, given: StepIn, request: Request, caller: MayReadCases
    ) -> object:
        try:
            which = checked_step(step)
            checklist = await record_step(
                tenant,
                case_id,
                which,
                done=given.done,
                note=given.note,
                officer=reader_of(caller, request),
                permissions=permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except NotEntitled:
            return denied()
        except TelaahRefused as problem:
            raise refused(problem) from None
        if checklist is None:
            raise not_found()
        [out] = [s for s in checklist_out(checklist) if s.step == which.value]
        return out

    @router.post(
        "/telaah/notes",
        response_model=NoteOut,
        status_code=status.HTTP_201_CREATED,
        responses={**forbidden, 422: {"model": ErrorBody}},
        summary="Tambah catatan telaah / add a note (notes are never changed or removed)",
    )
    async def note(tenant: str, case_id: UUID, given: NoteIn, request: Request, caller: MayReadCases) -> object:
        try:
            added = await add_note(
                tenant,
                case_id,
                given.text,
                author=reader_of(caller, request),
                permissions=permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except NotEntitled:
            return denied()
        except TelaahRefused as problem:
            raise refused(problem) from None
        if added is None:
            raise not_found()
        return note_out(added)

    return router
