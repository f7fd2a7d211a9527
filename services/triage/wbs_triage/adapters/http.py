"""Triage's officer API: a case's registration and its history, for the officers of its tenant who
may read cases. Every reading is on the tenant's audit trail; a case of another tenant, or none,
answers exactly like a tenant the officer holds nothing in (404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel

from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_triage.ports import TriageUnitOfWork
from wbs_triage.usecases import Reader, case_history, list_cases, read_case

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


def build_router(*, unit_of_work: Callable[[], TriageUnitOfWork]) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/cases", tags=["perkara / cases"])

    def reader(caller: Caller, request: Request) -> Reader:
        return Reader(
            officer_id=caller.officer_id,
            name=caller.name,
            roles=tuple(sorted(caller.acting_roles)),
            session_id=caller.session_id,
            correlation_id=request.headers.get("x-correlation-id"),
        )

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
            for case in await list_cases(tenant, reader(caller, request), unit_of_work())
        ]

    @router.get("/{case_id}", response_model=CaseOut, summary="Pencatatan perkara / a case's registration")
    async def registration(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> CaseOut:
        case = await read_case(tenant, case_id, reader(caller, request), unit_of_work())
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
        entries = await case_history(tenant, case_id, reader(caller, request), unit_of_work())
        if entries is None:
            raise not_found()
        return [
            HistoryEntryOut(at=e.recorded_at, action=e.action, actor=e.actor, actor_name=e.actor_name, role=e.role)
            for e in entries
        ]

    return router
