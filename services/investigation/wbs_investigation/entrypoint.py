"""Runs investigation as its own process: ``python -m wbs_investigation serve|migrate|...``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from pydantic import Field
from sqlalchemy import Table

from wbs_contracts.events.intake import EvidenceKeyV1, ReportSubstanceV1
from wbs_contracts.events.triage import TelaahConclusionV1
from wbs_contracts.sealed import Audience, SealedDocument
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
from wbs_investigation.adapters.db.audit_tables import (
    audit_programme_table,
    audit_result_table,
    auditee_response_table,
    clarification_table,
    evidence_item_table,
)
from wbs_investigation.adapters.db.ekspose import ekspose_table
from wbs_investigation.adapters.db.escalation_tables import escalation_table
from wbs_investigation.adapters.db.recommendation_tables import recommendation_follow_up_table, recommendation_table
from wbs_investigation.adapters.db.tables import case_document_table, case_file_table
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.adapters.ekspose_pdf import EksposePdf
from wbs_investigation.domain.audit import AuditProgrammeV1, ClarificationV1, EvidenceItemV1
from wbs_investigation.domain.audit_result import AuditeeResponseV1, AuditFindingsV1
from wbs_investigation.domain.ekspose import (
    EksposeConclusionV1,
    EksposeInvitationV1,
    EksposeMinutesV1,
    LeadersMeetingV1,
)
from wbs_investigation.domain.escalation import DossierCopyV1, EscalationProposalTextV1, EscalationRejectionV1
from wbs_investigation.domain.recommendation import FollowUpNoteV1, RecommendationTextV1
from wbs_investigation.usecases import EksposeTools, notice_overdue_recommendations
from wbs_runtime.blobs import blob_store
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.pages import WebPages, service_pages


#: What investigation keeps sealed to case-substance, for ``reseal`` after a key rotation. (The
#: dossier sealed to an agency's own key is the agency's: it is not resealed here.)
def _kept(
    table: Table, column: str, model: type[SealedDocument], *, row: str | None = "id", optional: bool = False
) -> SealedColumn:
    """Every table of investigation names its case and tenant the same way."""
    return SealedColumn(table, column, case="case_id", tenant="tenant_id", model=model, row=row, optional=optional)


#: What investigation keeps sealed to case-substance, for ``reseal`` after a key rotation. (The
#: dossier sealed to an agency's own key is the agency's: it is not resealed here.)
AT_REST: tuple[SealedColumn, ...] = (
    _kept(case_file_table, "sealed_conclusion", TelaahConclusionV1, row=None, optional=True),
    _kept(case_file_table, "sealed_report_substance", ReportSubstanceV1, row=None, optional=True),
    _kept(case_file_table, "sealed_ekspose_conclusion", EksposeConclusionV1, row=None, optional=True),
    _kept(case_document_table, "sealed_key", EvidenceKeyV1),
    _kept(audit_programme_table, "sealed", AuditProgrammeV1, row=None),
    _kept(clarification_table, "sealed", ClarificationV1),
    _kept(evidence_item_table, "sealed", EvidenceItemV1),
    _kept(audit_result_table, "sealed_findings", AuditFindingsV1),
    _kept(auditee_response_table, "sealed", AuditeeResponseV1),
    _kept(ekspose_table, "sealed_invitation", EksposeInvitationV1),
    _kept(ekspose_table, "sealed_minutes", EksposeMinutesV1, optional=True),
    _kept(ekspose_table, "sealed_leaders_meeting", LeadersMeetingV1, optional=True),
    _kept(recommendation_table, "sealed_text", RecommendationTextV1),
    _kept(recommendation_follow_up_table, "sealed_note", FollowUpNoteV1, optional=True),
    _kept(escalation_table, "sealed_text", EscalationProposalTextV1),
    _kept(escalation_table, "sealed_rejection", EscalationRejectionV1, optional=True),
    _kept(escalation_table, "sealed_dossier", DossierCopyV1, optional=True),
)

HERE = Path(__file__).resolve().parent
#: How often the agencies' topics are looked for (a new agency's topic is made within this).
AGENCY_TOPIC_SECONDS = 5.0


class InvestigationSettings(ServiceSettings):
    service = "investigation"

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
    topics = KafkaAgencyTopics(
        settings.kafka_bootstrap_servers, prefix=settings.kafka_topic_prefix, partitions=settings.kafka_partitions
    )
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
    return service_pages(settings, HERE)


PROGRAM = ServiceProgram(
    settings=InvestigationSettings,
    title="WBS Investigation — audit investigasi",
    description="Audits the cases the telaah sends; recommendations, ekspose and escalation to APH or KPK.",
    build=build,
    metadata=metadata,
    extra_commands={
        "reseal": (
            "segel ulang catatan audit, berkas, rekomendasi, ekspose dan pelimpahan ke kunci terbaru / re-seal "
            "the audit's records, files' keys, recommendations, exposés and escalations to the newest key",
            reseal_command(*AT_REST),
        ),
    },
)
main = PROGRAM.main
