"""Runs intake as its own process: ``python -m wbs_intake serve|migrate|...``."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from pydantic import Field, SecretStr

from wbs_contracts.events.directory import EvidenceLimits
from wbs_contracts.events.intake import MailboxMessageV1, ReporterIdentityV1
from wbs_contracts.sealed import Audience
from wbs_intake.adapters import (
    broker,
    evidence_http,
    evidence_pages,
    http,
    mailbox_http,
    mailbox_pages,
    officer_http,
    officer_pages,
    pages,
    reporter_http,
)
from wbs_intake.adapters import reporter_pages as reporter_page_routes
from wbs_intake.adapters.attempt_guard import InMemoryAttemptGuard
from wbs_intake.adapters.db import (
    SqlIntakeUnitOfWork,
    evidence_table,
    mailbox_message_table,
    metadata,
    report_table,
    reporter_identity_table,
    telaah_end_table,
)
from wbs_intake.adapters.gauges import register_gauges
from wbs_intake.adapters.hashing import Argon2PasswordHasher
from wbs_intake.adapters.keyed_digest import KeyedDigests, ReporterSecretHasher
from wbs_intake.adapters.reporter_session import ReporterSessions
from wbs_intake.domain.attempts import AttemptPolicy
from wbs_intake.domain.evidence import EvidenceReceiptV1
from wbs_intake.domain.reporter_session import SessionPolicy
from wbs_runtime.blobs import FilesystemBlobStore, blob_store
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.crypto.service_secret import load_service_secret
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.pages import WebPages, service_pages

PEPPER_FILE_NAME = "intake-pepper"
HERE = Path(__file__).resolve().parent
#: Room in an upload's body for the form's text and the multipart framing, beyond its files.
UPLOAD_MARGIN_BYTES = 1024 * 1024
#: The routes that take files (the submission form is part of the reporter's pages).
#: What intake keeps sealed (its tables name no tenant: the report's does): the reporters'
#: identities, the Kotak Komunikasi as the reporter sees it, the names of the evidence files.
IDENTITIES_AT_REST = SealedColumn(
    reporter_identity_table, "sealed", case="report_id", tenant=report_table.c.tenant_id, model=ReporterIdentityV1
)
MAILBOX_AT_REST = SealedColumn(
    mailbox_message_table, "sealed", case="report_id", tenant=report_table.c.tenant_id, model=MailboxMessageV1, row="id"
)
EVIDENCE_RECEIPTS_AT_REST = SealedColumn(
    evidence_table,
    "sealed_receipt",
    case="report_id",
    tenant=report_table.c.tenant_id,
    model=EvidenceReceiptV1,
    row="id",
)
#: The officers' reason a report was not processed, for the reporter (only that status has one);
#: bound to the case of the body that decided it (for a forwarded report, that body's case).
TELAAH_REASONS_AT_REST = SealedColumn(
    telaah_end_table,
    "sealed_reason",
    case="reason_case",
    tenant="reason_tenant",
    model=MailboxMessageV1,
    row="report_id",
    optional=True,
)
UPLOAD_ROUTES = (r"/api/v1/reporter/evidence", r"/pantau/bukti", r"/lapor/(?!tanda-terima$)[^/]+")


class IntakeSettings(ServiceSettings):
    service = "intake"

    #: The pepper of the reporters' secrets' keyed digests (``wbs_runtime.crypto.service_secret``).
    secret_pepper: SecretStr | None = None
    secret_pepper_file: Path | None = None
    secret_pepper_create: bool = True
    idempotency_key_hours: float = Field(default=24, gt=0)
    #: Wrong secrets per registration number: answered at once, then slowed, then locked.
    status_free_attempts: int = Field(default=5, ge=1)
    status_lock_after: int = Field(default=10, ge=1)
    status_lock_seconds: float = Field(default=900, gt=0)
    #: A reporter's session ends after this many minutes without a request, and after this many hours.
    reporter_session_idle_minutes: float = Field(default=20, gt=0)
    reporter_session_hours: float = Field(default=2, gt=0)
    #: How long an officer may read a reporter's identity after a custodian approved its disclosure.
    identity_disclosure_hours: float = Field(default=72, gt=0)
    #: The body limit of the routes that take files (``WBS_INTAKE_MAX_UPLOAD_BYTES``); each tenant's
    #: policy limits evidence further, exactly, as the bytes arrive.
    max_upload_bytes: int = Field(default=EvidenceLimits().max_report_bytes + UPLOAD_MARGIN_BYTES, gt=0)
    #: The address people reach WBS at (``https://wbs.example.go.id``), printed on the receipt so the
    #: reporter knows where to follow the report; without it the receipt names the path only.
    public_url: str | None = Field(default=None, max_length=300)

    def follow_url(self) -> str:
        path = reporter_page_routes.FOLLOW_PATH
        return f"{self.public_url.rstrip('/')}{path}" if self.public_url else path

    def pepper_file(self) -> Path | None:
        return self.secret_pepper_file or (self.key_dir / PEPPER_FILE_NAME if self.key_dir else None)


def build(settings: IntakeSettings) -> ServiceRuntime[SqlIntakeUnitOfWork]:
    # Intake seals to every tenant's public keys; it opens only the reporter's identity (for an
    # approved disclosure) and the reporter's mailbox (for the reporter signed in).
    runtime = ServiceRuntime(
        settings, SqlIntakeUnitOfWork, opens=(Audience.REPORTER_IDENTITY, Audience.REPORTER_MAILBOX)
    )
    pepper = settings.secret_pepper.get_secret_value() if settings.secret_pepper else None
    digests = KeyedDigests(
        load_service_secret(
            pepper, settings.pepper_file(), create=settings.secret_pepper_create, variable="WBS_INTAKE_SECRET_PEPPER"
        )
    )
    policy = AttemptPolicy(
        free_attempts=settings.status_free_attempts,
        lock_after=max(settings.status_lock_after, settings.status_free_attempts),
        lock_seconds=settings.status_lock_seconds,
    )
    hasher = ReporterSecretHasher(digests)
    passwords = Argon2PasswordHasher()
    attempts = InMemoryAttemptGuard(policy)
    sessions = ReporterSessions(
        unit_of_work=runtime.unit_of_work,
        digests=digests,
        clock=utc_now,
        policy=SessionPolicy(
            idle=timedelta(minutes=settings.reporter_session_idle_minutes),
            absolute=timedelta(hours=settings.reporter_session_hours),
        ),
        secure_cookies=not settings.insecure_cookies,
    )
    runtime.include_router(
        http.build_router(
            unit_of_work=runtime.unit_of_work,
            sealer=runtime.keyring,
            opener=runtime.keyring,
            hasher=hasher,
            digests=digests,
            passwords=passwords,
            attempts=attempts,
            clock=utc_now,
            idempotency_lifetime=timedelta(hours=settings.idempotency_key_hours),
        )
    )
    runtime.include_router(
        reporter_http.build_router(
            unit_of_work=runtime.unit_of_work,
            opener=runtime.keyring,
            sessions=sessions,
            hasher=hasher,
            attempts=attempts,
            digests=digests,
            passwords=passwords,
        )
    )
    runtime.include_router(pages.build_router())
    # Server-rendered pages (reporters' and officers'), on the runtime's layout and catalogues.
    web = reporter_pages(settings)
    # Evidence: encrypted into the blob store as it arrives (the same store triage serves from).
    blobs = blob_store(settings)
    runtime.on_stop("blob store", blobs.aclose)
    if isinstance(blobs, FilesystemBlobStore):
        blobs.remove_incomplete()  # what a crash in the middle of an upload left (only ciphertext, without its key)
    for path in UPLOAD_ROUTES:
        runtime.uploads.allow("POST", path, settings.max_upload_bytes)
    desk = evidence_http.EvidenceDesk(
        unit_of_work=runtime.unit_of_work, blobs=blobs, sealer=runtime.keyring, clock=utc_now
    )
    runtime.include_router(evidence_http.build_router(desk=desk, sessions=sessions, opener=runtime.keyring))
    runtime.include_router(
        evidence_pages.build_router(
            web=web,
            desk=desk,
            sessions=sessions,
            opener=runtime.keyring,
            unit_of_work=runtime.unit_of_work,
            zone=settings.zone,
        )
    )
    runtime.include_router(
        reporter_page_routes.build_router(
            opener=runtime.keyring,
            web=web,
            unit_of_work=runtime.unit_of_work,
            sealer=runtime.keyring,
            hasher=hasher,
            digests=digests,
            passwords=passwords,
            attempts=attempts,
            sessions=sessions,
            clock=utc_now,
            zone=settings.zone,
            blobs=blobs,
            follow_url=settings.follow_url(),
            idempotency_lifetime=timedelta(hours=settings.idempotency_key_hours),
        )
    )
    # The Kotak Komunikasi: the reporter's messages, as JSON and as a page.
    for kotak in (mailbox_http.build_router, partial(mailbox_pages.build_router, web)):
        runtime.include_router(
            kotak(
                unit_of_work=runtime.unit_of_work,
                sessions=sessions,
                sealer=runtime.keyring,
                opener=runtime.keyring,
                clock=utc_now,
                zone=settings.zone,
            )
        )
    officer_desk = officer_http.OfficerDesk(
        unit_of_work=runtime.unit_of_work,
        sealer=runtime.keyring,
        opener=runtime.keyring,
        hasher=hasher,
        clock=utc_now,
        timezone=settings.zone,
        disclosure_validity=timedelta(hours=settings.identity_disclosure_hours),
    )
    runtime.include_router(officer_http.build_router(officer_desk))
    runtime.include_router(officer_pages.build_router(web, officer_desk))
    broker.subscribe(runtime)
    register_gauges(runtime)
    return runtime


def reporter_pages(settings: IntakeSettings) -> WebPages:
    return service_pages(settings, HERE)


PROGRAM = ServiceProgram(
    settings=IntakeSettings,
    title="WBS Intake — penerimaan laporan",
    description="Reporters submit reports and follow their status. Bahasa Indonesia first, English second.",
    build=build,
    metadata=metadata,
    extra_commands={
        "reseal": (
            "segel ulang identitas, pesan dan tanda terima bukti ke kunci terbaru / "
            "re-seal stored identities, messages and evidence receipts to the newest key",
            reseal_command(IDENTITIES_AT_REST, MAILBOX_AT_REST, EVIDENCE_RECEIPTS_AT_REST, TELAAH_REASONS_AT_REST),
        )
    },
)
main = PROGRAM.main
