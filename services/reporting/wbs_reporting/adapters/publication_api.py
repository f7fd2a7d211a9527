"""The officers' API of public statistics: prepare a publication, approve it, list them.

- ``GET  /api/v1/tenants/{tenant}/publications[/{id}]``: the body's publications, or one (who may see
  its statistics).
- ``POST /api/v1/tenants/{tenant}/publications``: ``{"year": 2025}`` (default: last year) freezes the
  figures of a whole year that is over as a publication that waits for approval (who may see its
  statistics); the approvers are told. Refused (409) for a year already published; a proposal of the
  year still waiting is superseded.
- ``POST /api/v1/tenants/{tenant}/publications/{id}/approval``: approve it. Any signed-in officer may
  ask; the tenant's policy decides (an approver role; without a rule, the permission to approve
  publications; never the proposer), and a refusal says why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.envelope import TENANT_PATTERN
from wbs_reporting.domain.publication import AlreadyApproved, Period, Publication, PublicationRefused, Superseded
from wbs_reporting.ports import PublishingUnitOfWork
from wbs_reporting.usecases.publishing import (
    Officer,
    approve_publication,
    propose_publication,
    publication_of,
    publications_of,
)
from wbs_runtime.auth.access import Caller, officer, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, correlation_id, error_response

NOT_FOUND = ErrorBody(pesan="Publikasi tidak ditemukan.", message="No such publication.")

StatisticsReader = Annotated[Caller, require(Permission.READ_STATISTICS)]
SignedIn = Annotated[Caller, officer()]
Tenant = Annotated[str, Path(pattern=TENANT_PATTERN)]


class ProposalIn(BaseModel):
    """The year to publish (January to December, a year that is over); default: last year."""

    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=9999)


class PublicationOut(BaseModel):
    id: UUID
    tenant: str
    year: int
    state: str
    proposed_by: str
    proposed_at: datetime
    approver_roles: list[str]
    approved_by: str | None
    approved_at: datetime | None
    #: The figures as the public page will show them (small counts already suppressed).
    snapshot: dict[str, Any]

    @classmethod
    def of(cls, item: Publication) -> PublicationOut:
        return cls(
            id=item.id,
            tenant=item.tenant,
            year=item.period.year,
            state=item.state.value,
            proposed_by=item.proposed_by,
            proposed_at=item.proposed_at,
            approver_roles=[r.value for r in item.approver_roles],
            approved_by=item.approved_by,
            approved_at=item.approved_at,
            snapshot=dict(item.snapshot),
        )


def officer_in(caller: Caller, tenant: str) -> Officer:
    return Officer(
        officer_id=caller.officer_id,
        name=caller.name,
        session_id=caller.session_id,
        roles=caller.roles_in(tenant),
        may_approve_publication=Permission.APPROVE_PUBLICATION in permissions_in(caller.grants, tenant),
        correlation_id=correlation_id.get() or None,
    )


def refused(error: PublicationRefused, status: int) -> JSONResponse:
    return error_response(status, ErrorBody(pesan=error.pesan, message=error.message))


def build_router(*, unit_of_work: Callable[[], PublishingUnitOfWork], timezone: ZoneInfo, clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants", tags=["statistik publik / public statistics"])

    @router.get(
        "/{tenant}/publications",
        response_model=list[PublicationOut],
        summary="Publikasi statistik / publications of public statistics",
    )
    async def listed(tenant: Tenant, _caller: StatisticsReader) -> list[PublicationOut]:
        return [PublicationOut.of(p) for p in await publications_of(tenant, uow=unit_of_work())]

    @router.get(
        "/{tenant}/publications/{publication_id}",
        response_model=PublicationOut,
        summary="Satu publikasi / one publication (where an approver is sent)",
        responses={404: {"model": ErrorBody}},
    )
    async def one(tenant: Tenant, publication_id: UUID, _caller: StatisticsReader) -> Any:
        item = await publication_of(tenant, publication_id, uow=unit_of_work())
        return error_response(404, NOT_FOUND) if item is None else PublicationOut.of(item)

    @router.post(
        "/{tenant}/publications",
        response_model=PublicationOut,
        status_code=201,
        summary="Usulkan publikasi / propose a publication (frozen figures, waiting for approval)",
        responses={409: {"model": ErrorBody}},
    )
    async def propose(tenant: Tenant, caller: StatisticsReader, body: ProposalIn | None = None) -> Any:
        wanted = body or ProposalIn()
        period = None if wanted.year is None else Period(wanted.year)
        try:
            item = await propose_publication(
                tenant, period, officer_in(caller, tenant), timezone=timezone, now=clock(), uow=unit_of_work()
            )
        except PublicationRefused as error:
            return refused(error, 409)
        return PublicationOut.of(item)

    @router.post(
        "/{tenant}/publications/{publication_id}/approval",
        response_model=PublicationOut,
        summary="Setujui publikasi / approve a publication (as the tenant's policy asks)",
        responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
    )
    async def approve(tenant: Tenant, publication_id: UUID, caller: SignedIn) -> Any:
        try:
            item = await approve_publication(
                tenant, publication_id, officer_in(caller, tenant), now=clock(), uow=unit_of_work()
            )
        except PublicationRefused as error:
            return refused(error, 409 if isinstance(error, AlreadyApproved | Superseded) else 403)
        if item is None:
            return error_response(404, NOT_FOUND)
        return PublicationOut.of(item)

    return router
