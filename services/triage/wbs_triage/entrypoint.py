"""Runs triage as its own process: ``python -m wbs_triage serve|migrate|...``."""

from __future__ import annotations

import secrets
from pathlib import Path

from wbs_contracts.events.intake import EvidenceKeyV1, ReporterMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import DispositionInstructionV1
from wbs_contracts.sealed import Audience
from wbs_runtime.blobs import blob_store
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.csrf import load_or_create_key
from wbs_runtime.web.pages import WebPages
from wbs_triage.adapters import broker, disposition_http, http, messages_http, pages
from wbs_triage.adapters.db import (
    SqlTriageUnitOfWork,
    case_disposition_table,
    case_message_table,
    case_table,
    evidence_table,
    metadata,
)
from wbs_triage.domain.messages import OfficerMessageCopyV1

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


HERE = Path(__file__).resolve().parent
CSRF_KEY_FILE = "triage-csrf.key"


class TriageSettings(ServiceSettings):
    service = "triage"

    #: Plain HTTP on 127.0.0.1 (``make run``): cookies without the Secure flag.
    insecure_cookies: bool = False


def build(settings: TriageSettings) -> ServiceRuntime[SqlTriageUnitOfWork]:
    # Triage opens case-substance for the officers entitled to a case: evidence file keys and the
    # reporter's messages in the Kotak Komunikasi (and the telaah, next). It seals officers'
    # answers to reporter-mailbox, which only intake opens.
    runtime = ServiceRuntime(settings, SqlTriageUnitOfWork, opens=(Audience.CASE_SUBSTANCE,))
    broker.subscribe(runtime, clock=utc_now, timezone=settings.zone, keys=runtime.keyring)
    blobs = blob_store(settings)  # where intake keeps the evidence files
    runtime.on_stop("blob store", blobs.aclose)
    runtime.include_router(http.build_router(unit_of_work=runtime.unit_of_work, opener=runtime.keyring, blobs=blobs))
    runtime.include_router(
        messages_http.build_router(unit_of_work=runtime.unit_of_work, keys=runtime.keyring, clock=utc_now)
    )
    runtime.include_router(
        disposition_http.build_router(
            unit_of_work=runtime.unit_of_work, keys=runtime.keyring, clock=utc_now, zone=settings.zone
        )
    )
    # The officers' pages: the queue and each case's page, on the runtime's layout.
    runtime.include_router(
        pages.build_router(
            officer_pages(settings),
            unit_of_work=runtime.unit_of_work,
            keys=runtime.keyring,
            clock=utc_now,
            zone=settings.zone,
        )
    )
    return runtime


def officer_pages(settings: TriageSettings) -> WebPages:
    csrf_key = load_or_create_key(settings.key_dir / CSRF_KEY_FILE) if settings.key_dir else None
    return WebPages(
        csrf_key=csrf_key or secrets.token_bytes(32),
        templates=HERE / "templates",
        locale=HERE / "locale",
        secure_cookies=not settings.insecure_cookies,
    )


PROGRAM = ServiceProgram(
    settings=TriageSettings,
    title="WBS Triage — pencatatan dan penelaahan",
    description="Registers every report in its body's agenda; the telaah follows.",
    build=build,
    metadata=metadata,
    extra_commands={
        "reseal": (
            "segel ulang substansi, kunci bukti dan pesan ke kunci terbaru / "
            "re-seal stored substance, evidence keys and messages to the newest key",
            reseal_command(SUBSTANCE_AT_REST, EVIDENCE_KEYS_AT_REST, MESSAGES_AT_REST, INSTRUCTIONS_AT_REST),
        )
    },
)
main = PROGRAM.main
