"""The public page of a body's statistics, ``GET /statistik-publik/{tenant}``: no sign-in.

It shows only an approved publication's frozen snapshot (``wbs_reporting.domain.publication``):
counts and statuses, small counts suppressed, the running month never included. Nothing here
reads the live read models.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParameter
from fastapi.responses import Response

from wbs_contracts.envelope import TENANT_PATTERN
from wbs_reporting.domain.messages import N_
from wbs_reporting.domain.printed import month_name
from wbs_reporting.ports import PublishingUnitOfWork
from wbs_reporting.usecases.publishing import published_statistics
from wbs_runtime.auth.access import public
from wbs_runtime.web.pages import WebPages

PACKAGE = Path(__file__).resolve().parent.parent
PUBLIC_STATISTICS = "/statistik-publik"


#: Statuses as the page names them (msgids are the Indonesian text).
STATUSES = {"selesai": N_("Selesai"), "dalam-proses": N_("Dalam proses")}


def build_router(*, web: WebPages, unit_of_work: Callable[[], PublishingUnitOfWork]) -> APIRouter:
    router = web.router(dependencies=[public()])

    @router.get(PUBLIC_STATISTICS + "/{tenant}")
    async def public_statistics_page(
        request: Request, tenant: Annotated[str, PathParameter(pattern=TENANT_PATTERN)]
    ) -> Response:
        published, name = await published_statistics(tenant, uow=unit_of_work())
        if name is None and published is None:
            return web.render(request, "reporting_public/tidak_ada.html", {"tenant": tenant}, status_code=404)
        context: dict[str, Any] = {
            "tenant": tenant,
            "name": name or tenant,
            "snapshot": published.snapshot if published else None,
            "approved_at": published.approved_at.date().isoformat() if published and published.approved_at else "",
            "months": [month_name(month, web.language(request)) for month in range(1, 13)],
            "statuses": STATUSES,
        }
        return web.render(request, "reporting_public/statistik_publik.html", context)

    return router
