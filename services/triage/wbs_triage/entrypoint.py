"""Runs triage as its own process: ``python -m wbs_triage serve|migrate|...``."""

from __future__ import annotations

import argparse
import asyncio
import secrets
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from wbs_contracts.events.intake import EvidenceKeyV1, ReporterMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import DispositionInstructionV1
from wbs_contracts.sealed import Audience
from wbs_runtime.blobs import blob_store
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.crypto import KeyRing
from wbs_runtime.crypto.keyring import entitled_audiences
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.crypto.service_secret import load_service_secret
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.pages import WebPages, service_pages
from wbs_triage.adapters import (
    broker,
    decision_pages,
    decisions_http,
    disposition_http,
    http,
    messages_http,
    pages,
    telaah_http,
    telaah_pages,
)
from wbs_triage.adapters.db import (
    SqlTriageUnitOfWork,
    case_disposition_table,
    case_message_table,
    case_registration_table,
    case_table,
    decision_table,
    evidence_table,
    metadata,
    prior_audit_table,
    telaah_checklist_table,
    telaah_note_table,
)
from wbs_triage.domain.decision import PriorAuditNoteV1, ProposalTextV1, RejectionReasonV1
from wbs_triage.domain.messages import OfficerMessageCopyV1
from wbs_triage.domain.registration import RegistrationDetailsV1
from wbs_triage.domain.related import RelatedKey
from wbs_triage.domain.telaah import TelaahChecklistV1, TelaahNoteV1
from wbs_triage.usecases import RelatedReports, index_waiting_cases, reindex_tenant

#: What triage keeps sealed: each case's substance, as intake sealed it; the evidence files' keys;
#: the Kotak Komunikasi both ways (the reporter's messages, and triage's copies of the officers');
#: each disposition's instruction.
SUBSTANCE_AT_REST = SealedColumn(case_table, "sealed_substance", case="id", tenant="tenant_id", model=ReportSubstanceV1)
EVIDENCE_KEYS_AT_REST = SealedColumn(
    evidence_table, "sealed_key", case="case_id", tenant="tenant_id", model=EvidenceKeyV1, row="id"
)
#: Each disposition's instruction to its team.
INSTRUCTIONS_AT_REST = SealedColumn(
    case_disposition_table,
    "sealed_instruction",
    case="case_id",
    tenant="tenant_id",
    model=DispositionInstructionV1,
    row="id",
)
MESSAGES_AT_REST = SealedColumn(
    case_message_table,
    "sealed",
    case="case_id",
    tenant="tenant_id",
    model=ReporterMessageV1,
    also=(OfficerMessageCopyV1,),
    row="id",
)
#: The telaah: the registration record the officers completed, the checklist with its notes, free notes.
REGISTRATIONS_AT_REST = SealedColumn(
    case_registration_table, "sealed", case="case_id", tenant="tenant_id", model=RegistrationDetailsV1
)
CHECKLISTS_AT_REST = SealedColumn(
    telaah_checklist_table, "sealed", case="case_id", tenant="tenant_id", model=TelaahChecklistV1
)
NOTES_AT_REST = SealedColumn(
    telaah_note_table, "sealed", case="case_id", tenant="tenant_id", model=TelaahNoteV1, row="id"
)

#: Each proposed decision's words (the reason for the reporter, the conclusion).
PROPOSALS_AT_REST = SealedColumn(
    decision_table, "sealed_text", case="case_id", tenant="tenant_id", model=ProposalTextV1, row="id"
)
#: Nothing sealed until an officer writes one: the BPK/APIP flag's note, a rejection's reason.
PRIOR_AUDIT_NOTES_AT_REST = SealedColumn(
    prior_audit_table, "sealed_note", case="case_id", tenant="tenant_id", model=PriorAuditNoteV1, optional=True
)
REJECTIONS_AT_REST = SealedColumn(
    decision_table,
    "sealed_rejection",
    case="case_id",
    tenant="tenant_id",
    model=RejectionReasonV1,
    row="id",
    optional=True,
)


HERE = Path(__file__).resolve().parent
#: The secret the related-reports digests and signatures are keyed with: under another key, what
#: was indexed before matches nothing (`reindex-related` rebuilds it), so it is kept like the CSRF key.
RELATED_KEY_FILE = "triage-related.key"


class TriageSettings(ServiceSettings):
    service = "triage"


def build(settings: TriageSettings) -> ServiceRuntime[SqlTriageUnitOfWork]:
    # Triage opens case-substance for the officers entitled to a case: the substance in the
    # workspace, evidence file keys, the Kotak Komunikasi, the telaah's records. It seals officers'
    # answers and a decision's reason for the reporter to reporter-mailbox, which only intake opens.
    runtime = ServiceRuntime(settings, SqlTriageUnitOfWork, opens=(Audience.CASE_SUBSTANCE,))
    uow, keys, zone = runtime.unit_of_work, runtime.keyring, settings.zone
    related = RelatedReports(related_key(settings), keys)
    broker.subscribe(runtime, clock=utc_now, timezone=zone, keys=keys)
    # Indexing a report costs more than registering it: it runs beside the consumer.
    runtime.every(
        "related-reports-index", partial(index_waiting_cases, uow, related), idle_seconds=settings.outbox_poll_seconds
    )
    blobs = blob_store(settings)  # where intake keeps the evidence files
    runtime.on_stop("blob store", blobs.aclose)
    web = officer_pages(settings)
    routers = (
        http.build_router(unit_of_work=uow, opener=keys, blobs=blobs),
        messages_http.build_router(unit_of_work=uow, keys=keys, clock=utc_now),
        # Disposisi: the pimpinan satker gives the case to a team.
        disposition_http.build_router(unit_of_work=uow, keys=keys, clock=utc_now, zone=zone),
        # The telaah: the registration record, the penelaah's workspace and related reports.
        telaah_http.build_router(unit_of_work=uow, keys=keys, related=related, clock=utc_now, zone=zone),
        telaah_pages.build_router(web, unit_of_work=uow, keys=keys, related=related, clock=utc_now, zone=zone),
        # The end of the telaah: decisions and their approvals.
        decisions_http.build_router(unit_of_work=uow, keys=keys, clock=utc_now, zone=zone, related=related),
        decision_pages.build_router(web, unit_of_work=uow, keys=keys, clock=utc_now, zone=zone, related=related),
        # The officers' pages: the queue and each case's page, on the runtime's layout.
        pages.build_router(web, unit_of_work=uow, keys=keys, clock=utc_now, zone=zone),
    )
    for router in routers:
        runtime.include_router(router)
    return runtime


def related_key(settings: TriageSettings) -> RelatedKey:
    if settings.key_dir is None:  # no key directory (some tests): an index for this process only
        return RelatedKey(secrets.token_bytes(32))
    return RelatedKey(
        load_service_secret(None, settings.key_dir / RELATED_KEY_FILE, create=True, variable="the related-reports key")
    )


def reindex_related_command(parser: argparse.ArgumentParser) -> Callable[[ServiceSettings, argparse.Namespace], int]:
    """``reindex-related --tenant T``: index every case of the tenant for related reports."""
    parser.add_argument(
        "--tenant", required=True, action="append", help="instansi / tenant (may be given more than once)"
    )

    def command(settings: ServiceSettings, arguments: argparse.Namespace) -> int:
        assert isinstance(settings, TriageSettings)
        return asyncio.run(reindex_related(settings, arguments.tenant))

    return command


async def reindex_related(settings: TriageSettings, tenants: Sequence[str]) -> int:
    ring = KeyRing.load(settings.key_dir, settings.keys_json, entitled_audiences("triage", {Audience.CASE_SUBSTANCE}))
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        sessionmaker = create_sessionmaker(engine)
        related = RelatedReports(related_key(settings), ring)
        for tenant in tenants:
            count = await reindex_tenant(tenant, lambda: SqlTriageUnitOfWork(sessionmaker, "triage"), related, ring)
            print(f"triage {tenant}: {count} perkara diindeks / cases indexed", flush=True)
    finally:
        await engine.dispose()
    return 0


def officer_pages(settings: TriageSettings) -> WebPages:
    return service_pages(settings, HERE)


PROGRAM = ServiceProgram(
    settings=TriageSettings,
    title="WBS Triage — pencatatan dan penelaahan",
    description="Registers every report in its body's agenda; the telaah follows.",
    build=build,
    metadata=metadata,
    extra_commands={
        "reseal": (
            "segel ulang substansi, kunci bukti, pesan, disposisi, pencatatan, telaah dan keputusan ke kunci "
            "terbaru / re-seal stored substance, evidence keys, messages, dispositions, registration records, "
            "telaah and decisions to the newest key",
            reseal_command(
                SUBSTANCE_AT_REST,
                EVIDENCE_KEYS_AT_REST,
                MESSAGES_AT_REST,
                REGISTRATIONS_AT_REST,
                CHECKLISTS_AT_REST,
                NOTES_AT_REST,
                PROPOSALS_AT_REST,
                INSTRUCTIONS_AT_REST,
                PRIOR_AUDIT_NOTES_AT_REST,
                REJECTIONS_AT_REST,
            ),
        ),
        "reindex-related": (
            "indeks ulang laporan terkait seluruh perkara instansi / "
            "index every case of a tenant again for related reports (older cases, or after a new key)",
            reindex_related_command,
        ),
    },
)
main = PROGRAM.main
