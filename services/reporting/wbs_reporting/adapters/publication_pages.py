"""The officers' pages of public statistics, behind sign-in (``read-statistics`` in the body):

- ``GET|POST /statistik/{tenant}/publikasi``: the body's publications, and a form that freezes the
  figures of a whole past year as a publication waiting for approval (the approvers are told);
- ``GET /statistik/{tenant}/publikasi/{id}``: one publication, its figures exactly as the public page
  will show them, and the approval (where the approvers' notification leads);
- ``POST /statistik/{tenant}/publikasi/{id}/persetujuan``: approve it, as the tenant's policy asks.

The last two are open to any signed-in officer holding a role in the body (the policy's approver
roles need not include reading statistics; the domain decides who approves); others get 404.

The same use cases as the JSON API (``publication_api``); a refusal is shown on the page, in the
page's language, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi import Path as PathParameter
from fastapi.responses import Response

from wbs_contracts.envelope import TENANT_PATTERN
from wbs_reporting.adapters.public_pages import STATUSES
from wbs_reporting.adapters.publication_api import officer_in
from wbs_reporting.domain.messages import N_
from wbs_reporting.domain.printed import month_name
from wbs_reporting.domain.publication import AlreadyApproved, Period, Publication, PublicationRefused, Superseded
from wbs_reporting.ports import PublishingUnitOfWork
from wbs_reporting.usecases.publishing import (
    approve_publication,
    body_known,
    propose_publication,
    publication_of,
    publications_of,
)
from wbs_runtime.auth.access import Caller, not_found, officer, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages

PREFIX = "/statistik/{tenant}/publikasi"
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
Reader = Annotated[Caller, require(Permission.READ_STATISTICS)]
#: The approval page and its form: any officer with a role in the body (the domain applies the policy's
#: approver roles; an approver need not read statistics); anyone else is told nothing (404).
SignedIn = Annotated[Caller, officer()]
Tenant = Annotated[str, PathParameter(pattern=TENANT_PATTERN)]
STATES = {
    "menunggu": N_("Menunggu persetujuan"),
    "disetujui": N_("Disetujui dan dipublikasikan"),
    "digantikan": N_("Digantikan oleh usulan yang lebih baru"),
}
NOTICES = {
    "diusulkan": N_("Publikasi diusulkan; yang berwenang menyetujui telah diberi tahu."),
    "disetujui": N_("Publikasi disetujui; halaman statistik publik kini menampilkannya."),
}
YEAR_INVALID = N_("Isi tahun dengan empat angka, atau kosongkan untuk tahun lalu.")


def build_router(
    web: WebPages, *, unit_of_work: Callable[[], PublishingUnitOfWork], zone: ZoneInfo, clock: Clock
) -> APIRouter:
    router = web.router()

    def months(request: Request) -> list[str]:
        return [month_name(month, web.language(request)) for month in range(1, 13)]

    def reason(request: Request, refusal: PublicationRefused | str) -> str:
        if isinstance(refusal, str):
            return web.gettext(request)(refusal)
        return refusal.message if web.language(request) == "en" else refusal.pesan

    def render_list(
        request: Request,
        tenant: str,
        items: list[Publication],
        *,
        error: str | None = None,
        typed: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        page: dict[str, Any] = {
            "tenant": tenant,
            "year": clock().astimezone(zone).year,
            "publications": items,
            "states": STATES,
            "months": months(request),
            "error": error,
            "typed": typed or {},
        }
        return web.render(request, "reporting/publikasi.html", page, status_code=status_code)

    def render_one(
        request: Request, tenant: str, item: Publication, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        page: dict[str, Any] = {
            "tenant": tenant,
            "year": clock().astimezone(zone).year,
            "publication": item,
            "snapshot": item.snapshot,
            "states": STATES,
            "statuses": STATUSES,
            "months": months(request),
            "error": error,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
        }
        return web.render(request, "reporting/publikasi_satu.html", page, status_code=status_code)

    @router.get(PREFIX)
    async def publications_page(request: Request, tenant: Tenant, caller: Reader) -> Response:
        return render_list(request, tenant, await publications_of(tenant, uow=unit_of_work()))

    @router.post(PREFIX)
    async def propose(request: Request, tenant: Tenant, caller: Reader) -> Response:
        if not await body_known(tenant, uow=unit_of_work()):
            raise not_found()  # tell nothing about a body reporting does not know
        await web.verify_csrf(request)
        form = await request.form()
        typed = {"tahun": str(form.get("tahun", "")).strip()}
        period: Period | None = None
        if typed["tahun"]:
            if not (typed["tahun"].isdigit() and 2000 <= int(typed["tahun"]) <= 9999):
                items = await publications_of(tenant, uow=unit_of_work())
                error = reason(request, YEAR_INVALID)
                return render_list(request, tenant, items, error=error, typed=typed, status_code=400)
            period = Period(int(typed["tahun"]))
        try:
            item = await propose_publication(
                tenant, period, officer_in(caller, tenant), timezone=zone, now=clock(), uow=unit_of_work()
            )
        except PublicationRefused as refusal:
            items = await publications_of(tenant, uow=unit_of_work())
            return render_list(request, tenant, items, error=reason(request, refusal), typed=typed, status_code=409)
        return web.redirect(f"/statistik/{tenant}/publikasi/{item.id}?pesan=diusulkan")

    def member(caller: Caller, tenant: str) -> None:
        if not caller.roles_in(tenant):
            raise not_found()

    @router.get(PREFIX + "/{publication_id}")
    async def publication_page(request: Request, tenant: Tenant, publication_id: UUID, caller: SignedIn) -> Response:
        member(caller, tenant)
        item = await publication_of(tenant, publication_id, uow=unit_of_work())
        if item is None:
            raise not_found()
        return render_one(request, tenant, item)

    @router.post(PREFIX + "/{publication_id}/persetujuan")
    async def approve(request: Request, tenant: Tenant, publication_id: UUID, caller: SignedIn) -> Response:
        member(caller, tenant)
        if await publication_of(tenant, publication_id, uow=unit_of_work()) is None:
            raise not_found()
        await web.verify_csrf(request)
        try:
            item = await approve_publication(
                tenant, publication_id, officer_in(caller, tenant), now=clock(), uow=unit_of_work()
            )
        except PublicationRefused as refusal:
            found = await publication_of(tenant, publication_id, uow=unit_of_work())
            if found is None:
                raise not_found() from None
            status_code = 409 if isinstance(refusal, AlreadyApproved | Superseded) else 403
            return render_one(request, tenant, found, error=reason(request, refusal), status_code=status_code)
        if item is None:
            raise not_found()
        return web.redirect(f"/statistik/{tenant}/publikasi/{item.id}?pesan=disetujui")

    return router
