"""Disposisi over the API: the pimpinan satker disposes a case to a team (``case-disposed``,
``case.disposed`` on the trail); officers who may read the case read its dispositions, each with
its instruction. A case of another tenant, or none, answers 404; a refusal, 422 in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput
from wbs_runtime.working_days import last_day_before
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.disposition import DispositionDraft, DispositionRefused
from wbs_triage.ports import Keys, QueueUnitOfWork
from wbs_triage.usecases import OpenedDisposition, dispose_case, read_dispositions

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, hide=True)]
MayDispose = Annotated[Caller, require(Permission.DISPOSE_CASES, hide=True)]


class DispositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ketua: str = Field(description="The team leader's officer id (penelaah or ketua-tim on the tenant's roster).")
    anggota: list[str] = Field(default_factory=list, description="The members' officer ids.")
    instruksi: str = Field(description="The instruction to the team (sealed at rest). At most 10,000 characters.")


class TeamSeatOut(BaseModel):
    officer_id: str
    role: str = Field(description="ketua or anggota.")
    name: str


class DispositionOut(BaseModel):
    id: UUID
    disposed_at: datetime
    disposed_by: str
    disposed_by_name: str
    team: list[TeamSeatOut]
    #: Null for an officer who may not open the case: only the team, the ketua tim and the pimpinan read it.
    instruksi: str | None
    follow_up_due: date = Field(description="The team's last working day for its follow-up, as set then.")
    policy_version: int


def build_router(*, unit_of_work: Callable[[], QueueUnitOfWork], keys: Keys, clock: Clock, zone: ZoneInfo) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/cases/{case_id}/disposition", tags=["perkara / cases"])

    def out(opened: OpenedDisposition) -> DispositionOut:
        d = opened.disposition
        return DispositionOut(
            id=d.id,
            disposed_at=d.disposed_at,
            disposed_by=d.disposed_by,
            disposed_by_name=d.disposed_by_name,
            team=[TeamSeatOut(officer_id=s.officer_id, role=s.role.value, name=s.name) for s in d.team],
            instruksi=opened.instruction,
            follow_up_due=last_day_before(d.follow_up_due, zone),
            policy_version=d.policy_version,
        )

    @router.get(
        "", response_model=list[DispositionOut], summary="Disposisi perkara / a case's dispositions, oldest first"
    )
    async def dispositions(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> list[DispositionOut]:
        permissions = permissions_in(caller.grants, tenant)
        opened = await read_dispositions(
            tenant, case_id, reader_of(caller, request), permissions, uow=unit_of_work(), opener=keys
        )
        if opened is None:
            raise not_found()
        return [out(o) for o in opened]

    @router.post(
        "",
        response_model=DispositionOut,
        status_code=status.HTTP_201_CREATED,
        responses={422: {"model": ErrorBody}},
        summary="Disposisikan / dispose the case to a team (again: the team is replaced)",
    )
    async def dispose(
        tenant: str, case_id: UUID, body: DispositionIn, request: Request, caller: MayDispose
    ) -> DispositionOut:
        draft = DispositionDraft(ketua=body.ketua, anggota=tuple(body.anggota), instruction=body.instruksi)
        try:
            disposed = await dispose_case(
                tenant,
                case_id,
                draft,
                reader_of(caller, request),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
            )
        except DispositionRefused as problem:
            raise InvalidInput(
                [FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)]
            ) from None
        if disposed is None:
            raise not_found()
        return out(OpenedDisposition(disposed, body.instruksi.strip()))

    return router
