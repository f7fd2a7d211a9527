"""Runs investigation as its own process: ``python -m wbs_investigation serve|migrate|...``."""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path

from pydantic import Field

from wbs_contracts.sealed import Audience
from wbs_investigation.adapters import (
    agency_http,
    agency_pages,
    broker,
    ekspose_http,
    ekspose_pages,
    escalation_http,
    escalation_pages,
    pages,
    recommendation_http,
    recommendation_pages,
)
from wbs_investigation.adapters.agency_topics import KafkaAgencyTopics
from wbs_investigation.adapters.audit_routes import audit_routers
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, metadata
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.adapters.ekspose_pdf import EksposePdf
from wbs_investigation.usecases import EksposeTools, notice_overdue_recommendations
from wbs_runtime.blobs import blob_store
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.csrf import load_or_create_key
from wbs_runtime.web.pages import WebPages

HERE = Path(__file__).resolve().parent
CSRF_KEY_FILE = "investigation-csrf.key"
#: How often the agencies' topics are looked for (a new agency's topic is made within this).
AGENCY_TOPIC_SECONDS = 5.0


class InvestigationSettings(ServiceSettings):
    service = "investigation"

    #: Plain HTTP on 127.0.0.1 (``make run``): cookies without the Secure flag.
    insecure_cookies: bool = False
    #: How often the round looks for recommendations past their deadline (each is announced once).
    recommendation_round_seconds: float = Field(default=60.0, gt=0)
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
    ekspose = EksposeTools(runtime.keyring, vault, EksposePdf(zone), utc_now, zone)
    keys, clock = runtime.keyring, utc_now
    # Recommendations past their deadline are announced (recommendation-overdue) by a round beside the consumers.
    runtime.every(
        "recommendations-overdue",
        partial(notice_overdue_recommendations, uow, clock=clock, zone=zone),
        idle_seconds=settings.recommendation_round_seconds,
    )
    # Each receiving agency's own topic, made for every agency tenant kept and before a first publish.
    topics = KafkaAgencyTopics(settings.kafka_bootstrap_servers, prefix=settings.kafka_topic_prefix)
    runtime.every("agency topics", lambda: topics.keep(uow), idle_seconds=AGENCY_TOPIC_SECONDS)
    recommendation_http.allow_uploads(runtime.uploads)  # the copy of an SK, other evidence
    web = officer_pages(settings)
    routers = (
        # Recommendations and their follow-up.
        recommendation_http.build_router(unit_of_work=uow, keys=keys, vault=vault, clock=clock, zone=zone),
        recommendation_pages.build_router(web, unit_of_work=uow, keys=keys, vault=vault, clock=clock, zone=zone),
        # The exposé before a hand-over: its API and its page.
        ekspose_http.build_router(unit_of_work=uow, tools=ekspose),
        ekspose_pages.build_router(web, unit_of_work=uow, tools=ekspose),
        # Pelimpahan: the body's page and API; the receiving agencies' pages and API.
        escalation_pages.build_router(web, unit_of_work=uow, keys=keys, clock=clock, zone=zone, topics=topics),
        escalation_http.build_router(unit_of_work=uow, keys=keys, clock=clock, topics=topics, zone=zone),
        agency_pages.build_router(web, unit_of_work=uow, keys=keys, vault=vault, clock=clock, zone=zone),
        agency_http.build_router(unit_of_work=uow, keys=keys, vault=vault, clock=clock),
        # The audit itself (API and pages): Surat Tugas, programme, clarifications, evidence, result, final report.
        *audit_routers(runtime, web, vault, max_upload_bytes=settings.max_audit_upload_bytes),
        # The auditors' pages: the cases under audit and each case file. Last: its
        # /audit/{tenant}/{case_id} would otherwise take the steps' fixed paths (rekomendasi) for case ids.
        pages.build_router(web, unit_of_work=uow, zone=zone),
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
