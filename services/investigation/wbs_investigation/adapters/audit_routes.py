"""The audit's routers (API and pages) with what they need, and the larger body limit of the routes
that take files."""

from __future__ import annotations

from fastapi import APIRouter

from wbs_investigation.adapters import audit_http, audit_pages
from wbs_investigation.adapters.audit_pdf import AuditLetters
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_investigation.adapters.documents import DocumentVault
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.web.pages import WebPages


def audit_routers(
    runtime: ServiceRuntime[SqlInvestigationUnitOfWork], web: WebPages, vault: DocumentVault, *, max_upload_bytes: int
) -> tuple[APIRouter, APIRouter]:
    for path in (*audit_http.UPLOAD_PATHS, *audit_pages.UPLOAD_PATHS):
        runtime.uploads.allow("POST", path, max_upload_bytes)
    uow, keys, letters, zone = runtime.unit_of_work, runtime.keyring, AuditLetters(), runtime.settings.zone
    api = audit_http.build_router(
        unit_of_work=uow,
        keys=keys,
        vault=vault,
        letters=letters,
        clock=utc_now,
        zone=zone,
        max_file_bytes=max_upload_bytes,
    )
    pages = audit_pages.build_router(
        web,
        unit_of_work=uow,
        keys=keys,
        vault=vault,
        letters=letters,
        clock=utc_now,
        zone=zone,
        max_file_bytes=max_upload_bytes,
    )
    return api, pages
