"""Runs investigation as its own process: ``python -m wbs_investigation serve|migrate|...``."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field

from wbs_contracts.sealed import Audience
from wbs_investigation.adapters import broker, pages
from wbs_investigation.adapters.audit_routes import audit_routers
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, metadata
from wbs_investigation.adapters.documents import DocumentVault
from wbs_runtime.blobs import blob_store
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.csrf import load_or_create_key
from wbs_runtime.web.pages import WebPages

HERE = Path(__file__).resolve().parent
CSRF_KEY_FILE = "investigation-csrf.key"


class InvestigationSettings(ServiceSettings):
    service = "investigation"

    #: Plain HTTP on 127.0.0.1 (``make run``): cookies without the Secure flag.
    insecure_cookies: bool = False
    #: The largest body (and so file) an officer sends with a clarification or an item of evidence.
    max_audit_upload_bytes: int = Field(default=25 * 1024 * 1024, gt=0)


def build(settings: InvestigationSettings) -> ServiceRuntime[SqlInvestigationUnitOfWork]:
    # The audit team reads the report and the telaah's conclusion (case-substance) and keeps its own
    # records sealed to it; escalation dossiers are sealed to the receiving agency's key.
    runtime = ServiceRuntime(settings, SqlInvestigationUnitOfWork, opens=(Audience.CASE_SUBSTANCE,))
    uow, zone = runtime.unit_of_work, settings.zone
    broker.subscribe(runtime)
    blobs = blob_store(settings)  # the audit's files, encrypted
    runtime.on_stop("blob store", blobs.aclose)
    vault = DocumentVault(blobs, runtime.keyring)  # the steps of the audit keep their files in it
    web = officer_pages(settings)
    routers = (
        # The auditors' pages: the cases under audit and each case file.
        pages.build_router(web, unit_of_work=uow, zone=zone),
        # The audit itself (API and pages): Surat Tugas, programme, clarifications, evidence, result, final report.
        *audit_routers(runtime, web, vault, max_upload_bytes=settings.max_audit_upload_bytes),
    )
    for router in routers:
        runtime.include_router(router)
    return runtime


def officer_pages(settings: InvestigationSettings) -> WebPages:
    csrf_key = load_or_create_key(settings.key_dir / CSRF_KEY_FILE) if settings.key_dir else None
    return WebPages(
        csrf_key=csrf_key or secrets.token_bytes(32),
        templates=HERE / "templates",
        locale=HERE / "locale",
        secure_cookies=not settings.insecure_cookies,
    )


PROGRAM = ServiceProgram(
    settings=InvestigationSettings,
    title="WBS Investigation — audit investigasi",
    description="Audits the cases the telaah sends; recommendations, ekspose and escalation to APH or KPK.",
    build=build,
    metadata=metadata,
)
main = PROGRAM.main
