"""The auditors' pages, behind their sign-in: ``/audit/{tenant}`` (the cases under audit, where each
stands) and ``/audit/{tenant}/{case_id}`` (a case file: its status and the links to each step of the
audit). Each step (plan, programme, evidence, result, recommendations, ekspose, pelimpahan) has its
own page under the case file's address. A tenant the officer holds nothing in, and a case of another
tenant or not under audit, answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.messages import N_
from wbs_investigation.ports import InvestigationUnitOfWork
from wbs_investigation.usecases import audit_queue, read_case_file
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.web.pages import WebPages

PREFIX = "/audit/{tenant}"
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]

STATUS_LABELS = {
    CaseFileStatus.PERENCANAAN.value: N_("Perencanaan audit (Surat Tugas)"),
    CaseFileStatus.PELAKSANAAN.value: N_("Pelaksanaan audit"),
    CaseFileStatus.PENGUJIAN_ULANG.value: N_("Pengujian ulang bukti baru"),
    CaseFileStatus.LAPORAN_TERBIT.value: N_("Laporan hasil audit terbit"),
    CaseFileStatus.DISERAHKAN.value: N_("Dilimpahkan ke APH / KPK"),
}
MONITORING_LABELS = {True: N_("Selesai"), False: N_("Dalam proses")}


def page_helpers(zone: ZoneInfo) -> dict[str, Any]:
    """What every investigation page's template uses: labels and how times are shown."""

    def moment(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return {"moment": moment, "status_labels": STATUS_LABELS, "monitoring_labels": MONITORING_LABELS}


def build_router(web: WebPages, *, unit_of_work: Callable[[], InvestigationUnitOfWork], zone: ZoneInfo) -> APIRouter:
    router = web.router()

    @router.get(PREFIX)
    async def queue(request: Request, tenant: str, caller: MayReadCases) -> Response:
        files = await audit_queue(tenant, officer_of(caller, request), unit_of_work())
        values = {"tenant": tenant, "files": files, **page_helpers(zone)}
        return web.render(request, "investigation/antrean.html", values)

    @router.get(PREFIX + "/{case_id}")
    async def case_file_page(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        case_file = await read_case_file(tenant, case_id, officer_of(caller, request), unit_of_work())
        if case_file is None:
            raise not_found()
        values = {"tenant": tenant, "case": case_file, **page_helpers(zone)}
        return web.render(request, "investigation/berkas.html", values)

    return router
