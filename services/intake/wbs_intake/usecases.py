"""Intake's use cases: each runs in one unit of work, so its state and its events commit together."""

from __future__ import annotations

import base64
import hmac
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind, WorkingCalendar
from wbs_contracts.events.intake import (
    EvidenceAddedV1,
    EvidenceKeyV1,
    MailboxMessageV1,
    ReporterContactV2,
    ReporterIdentityV1,
    ReporterMessageKind,
    ReporterMessageSentV1,
    ReporterMessageV1,
    ReportSubmittedV1,
    ReportSubstanceV1,
)
from wbs_contracts.events.triage import CaseRegisteredV1, OfficerMessageSentV1
from wbs_contracts.registry import EVIDENCE_ADDED, REPORT_SUBMITTED, REPORTER_MESSAGE_SENT
from wbs_contracts.sealed import Audience
from wbs_intake.domain.completeness import assess
from wbs_intake.domain.credentials import (
    RandomBytes,
    canonical_registration_number,
    canonical_secret,
    issue_registration_number,
    issue_secret,
)
from wbs_intake.domain.disclosure import (
    DEFAULT_VALIDITY,
    DisclosureState,
    IdentityDisclosure,
    NoIdentity,
    NotDisclosedToYou,
    readable_disclosure,
)
from wbs_intake.domain.evidence import (
    Allowance,
    Evidence,
    EvidenceReceiptV1,
    EvidenceRefused,
    ReportTooLarge,
    StoredFile,
    TooManyFiles,
)
from wbs_intake.domain.mailbox import (
    Direction,
    MailboxMessage,
    OpenedMessage,
    answer_limit,
    checked_reply,
    checked_text,
    is_question,
)
from wbs_intake.domain.pseudonym import normalise_pseudonym
from wbs_intake.domain.recording import Arrival, check_arrival, recordable_channels
from wbs_intake.domain.report import Report, StatusChange
from wbs_intake.domain.reporter_notices import NoticeKind, ReporterNotice
from wbs_intake.domain.reporter_session import ReporterSession, SessionPolicy
from wbs_intake.domain.tenant import Category, Tenant, UnknownTenant
from wbs_intake.ports import (
    AttemptGuard,
    IdempotentSubmission,
    IntakeUnitOfWork,
    KeyedDigests,
    Opener,
    PasswordHasher,
    PseudonymCredential,
    Sealer,
    SecretHasher,
)
from wbs_runtime.audit import AuditEntry
from wbs_runtime.clock import Clock
from wbs_runtime.errors import Unretryable
from wbs_runtime.working_days import WEEKENDS_ONLY, CalendarNotCovering, due

log = logging.getLogger(__name__)

IDEMPOTENCY_KEY_PURPOSE = "idempotency-key"
SUBMISSION_PURPOSE = "submission"
REPORTER_SESSION_PURPOSE = "reporter-session"
PSEUDONYM_PURPOSE = "reporter-pseudonym"
#: Tries of a pseudonym's password are counted apart from the registration numbers' secrets.
PSEUDONYM_ATTEMPT_PREFIX = "samaran:"


class UnknownReport(Unretryable, LookupError):
    """An event refers to a report intake never received: no retry can fix that, so the consumer
    dead-letters it at once."""


class IdempotencyKeyInUse(Exception):
    """A request with this ``Idempotency-Key`` is still being processed."""


class IdempotencyKeyReused(Exception):
    """This ``Idempotency-Key`` came before with a different request (or another secret)."""


class TooManyAttempts(Exception):
    """Too many wrong secrets for this registration number: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Submission:
    tenant: str
    category: str
    channel: str
    substance: ReportSubstanceV1
    contact: str | None = None
    #: Who the reporter is, if they chose to say: sealed to reporter-identity, kept by intake only.
    identity: ReporterIdentityV1 | None = None
    #: Files sent with the report, already encrypted into the blob store (see ``adapters.uploads``).
    evidence: tuple[StoredFile, ...] = ()
    #: The pseudonym and password the reporter chose instead of a secret (see ``pseudonym_credential``).
    pseudonym: PseudonymCredential | None = None

    def fingerprint(self) -> bytes:
        """The request in one canonical form, so that a retry is recognised as the same request."""
        document = {
            "tenant": self.tenant,
            "category": self.category,
            "channel": self.channel,
            "substance": self.substance.model_dump(mode="json"),
            "contact": self.contact,
            "identity": self.identity.model_dump(mode="json") if self.identity else None,
            "evidence": [[f.file_name, f.content_type, f.size_bytes] for f in self.evidence],
            # The pseudonym's digest, not the password's hash: that is salted, different each time.
            "pseudonym": self.pseudonym.pseudonym_digest.hex() if self.pseudonym else None,
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Receipt:
    report_id: UUID
    registration_number: str
    #: None when a retry found the report and the secret was the server's: it was shown once.
    secret: str | None
    submitted_at: datetime
    #: True when an earlier request with the same ``Idempotency-Key`` made this report.
    replayed: bool = False
    #: True when the reporter follows the report with a pseudonym and password (no secret shown).
    pseudonym: bool = False


@dataclass(frozen=True)
class Idempotency:
    """An ``Idempotency-Key`` as sent, and how long it is remembered."""

    key: str
    lifetime: timedelta = timedelta(hours=24)


async def submit_report(
    submission: Submission,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    hasher: SecretHasher,
    digests: KeyedDigests,
    clock: Clock,
    correlation_id: str,
    idempotency: Idempotency | None = None,
    client_secret: str | None = None,
    random_bytes: RandomBytes | None = None,
) -> Receipt:
    """Receive a report (status ``diterima``) and announce it, sealed, to triage and reporting.

    With an ``idempotency`` key, a retry of the same request returns the first request's receipt
    and creates nothing. The secret is never kept, so a retry can return it only if the client
    made it (``client_secret``, already checked for format) and sends it again.

    With a pseudonym, the report still gets a registration number, and a secret nobody is shown
    (so the number and a secret cannot open it): the reporter signs in with pseudonym and password.

    Raises ``UnknownTenant``/``UnknownCategory`` before anything is stored; ``IdempotencyKeyInUse``
    and ``IdempotencyKeyReused`` for a key that is busy or came with another request;
    ``PseudonymTaken`` when another report uses the pseudonym. The submission's evidence is
    recorded with the report, in the same transaction; a replayed receipt records none of it (the
    caller removes those blobs).
    """
    if submission.pseudonym is not None:
        client_secret = None
    secret = client_secret or (issue_secret(random_bytes) if random_bytes else issue_secret())
    secret_hash = await hasher.hash(canonical_secret(secret))
    key_digest = request_digest = None
    if idempotency is not None:
        key_digest = digests.digest(IDEMPOTENCY_KEY_PURPOSE, idempotency.key.encode())
        request_digest = digests.digest(SUBMISSION_PURPOSE, submission.fingerprint())
    async with uow:
        if key_digest is not None and request_digest is not None:
            if not await uow.idempotency.claim(key_digest):
                raise IdempotencyKeyInUse
            earlier = await uow.idempotency.find(key_digest, clock())
            if earlier is not None:
                receipt = await _replay(earlier, request_digest, client_secret, uow=uow, hasher=hasher)
                return replace(receipt, pseudonym=submission.pseudonym is not None)
        now = clock()
        report = await receive_report(
            submission,
            uow=uow,
            sealer=sealer,
            secret_hash=secret_hash,
            at=now,
            correlation_id=correlation_id,
            random_bytes=random_bytes,
        )
        if key_digest is not None and request_digest is not None and idempotency is not None:
            await uow.idempotency.add(
                IdempotentSubmission(key_digest, request_digest, report.id, expires_at=now + idempotency.lifetime)
            )
        await uow.commit()
    if submission.pseudonym is not None:
        return Receipt(report.id, report.registration_number, None, now, pseudonym=True)
    return Receipt(report.id, report.registration_number, secret, now)


async def receive_report(
    submission: Submission,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    secret_hash: str,
    at: datetime,
    correlation_id: str,
    random_bytes: RandomBytes | None = None,
    arrival: Arrival | None = None,
) -> Report:
    """Record a report and its sealed ``report-submitted`` event in the open unit of work, without
    committing: the caller commits (one report per request, or many per transaction in an import).

    ``arrival``: a report a petugas recorded from another channel (``record_report``)."""
    tenant = await uow.tenants.with_category(submission.tenant, submission.category)
    if tenant is None:
        raise UnknownTenant(submission.tenant)
    tenant.require_category(submission.category)
    report = Report.receive(
        id=uuid4(),
        registration_number=issue_registration_number(random_bytes) if random_bytes else issue_registration_number(),
        secret_hash=secret_hash,
        tenant=tenant.id,
        category=submission.category,
        channel=submission.channel,
        at=at,
    )
    # A contact document goes out whether or not the reporter left one, padded to one size:
    # the event must not show whether the reporter can be reached.
    contact = ReporterContactV2(contact=submission.contact or None)
    event = ReportSubmittedV1(
        report_id=report.id,
        category=report.category,
        channel=report.channel,
        submitted_at=at,
        substance=sealer.seal(tenant.id, Audience.CASE_SUBSTANCE, submission.substance, case=report.id),
        contact=sealer.seal(tenant.id, Audience.REPORTER_CONTACT, contact, case=report.id),
        completeness=assess(submission.substance, evidence_files=len(submission.evidence)),
    )
    if arrival is not None:
        event = event.model_copy(
            update={
                "received_by": arrival.received_by if arrival.forwarded else None,
                "received_on": arrival.received_on,
                "recorded_by_officer": True,
            }
        )
    await uow.reports.add(report)
    if submission.pseudonym is not None:
        await uow.pseudonyms.add(submission.pseudonym, report.id, at)
    if submission.identity is not None:
        await record_identity(report, submission.identity, uow=uow, sealer=sealer, at=at)
    await uow.outbox.add(
        REPORT_SUBMITTED,
        REPORT_SUBMITTED.envelope(
            event, tenant=tenant.id, subject=str(report.id), time=at, correlation_id=correlation_id
        ),
    )
    # After report-submitted, in the same transaction: the case's events stay in this order.
    await record_evidence(
        report, submission.evidence, late=False, uow=uow, sealer=sealer, at=at, correlation_id=correlation_id
    )
    return report


async def record_evidence(
    report: Report,
    files: tuple[StoredFile, ...] | list[StoredFile],
    *,
    late: bool,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    at: datetime,
    correlation_id: str,
) -> list[Evidence]:
    """Record files already in the blob store, in the open unit of work: each its row (with the
    reporter's receipt sealed to reporter-mailbox) and its ``evidence-added`` event (the file key
    sealed to case-substance), committed together with whatever the caller commits."""
    recorded = []
    for file in files:
        key = EvidenceKeyV1(
            file_key=base64.b64encode(file.file_key).decode(), file_name=file.file_name, content_type=file.content_type
        )
        receipt = EvidenceReceiptV1(file_name=file.file_name, content_type=file.content_type)
        evidence = Evidence(
            id=file.evidence_id,
            report_id=report.id,
            blob=file.blob,
            size_bytes=file.size_bytes,
            added_at=at,
            late=late,
            receipt=sealer.seal(report.tenant, Audience.REPORTER_MAILBOX, receipt, case=report.id),
        )
        await uow.evidence.add(evidence)
        event = EvidenceAddedV1(
            report_id=report.id,
            evidence_id=file.evidence_id,
            blob=file.blob,
            size_bytes=file.size_bytes,
            key=sealer.seal(report.tenant, Audience.CASE_SUBSTANCE, key, case=report.id),
            added_at=at,
            late=late,
        )
        await uow.outbox.add(
            EVIDENCE_ADDED,
            EVIDENCE_ADDED.envelope(
                event, tenant=report.tenant, subject=str(report.id), time=at, correlation_id=correlation_id
            ),
        )
        recorded.append(evidence)
    return recorded


async def evidence_allowance(report_id: UUID, *, uow: IntakeUnitOfWork) -> Allowance:
    """What the signed-in reporter's report may still take, by its tenant's policy."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        files, size = await uow.evidence.totals(report_id)
        return Allowance.of(await uow.evidence.limits(report.tenant), stored_files=files, stored_bytes=size)


@dataclass(frozen=True)
class EvidenceAdded:
    recorded: list[Evidence]
    #: Files that no longer fit once recorded (another upload for the report came first): their
    #: blobs are for the caller to remove.
    refused: list[tuple[StoredFile, EvidenceRefused]]


async def add_evidence(
    report_id: UUID,
    files: list[StoredFile],
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    clock: Clock,
    correlation_id: str,
) -> EvidenceAdded:
    """Files the signed-in reporter sent after the report (``late``). The report is locked while
    its limits are checked again, so two uploads at once cannot both take the last room."""
    async with uow:
        report = await uow.reports.get(report_id, for_update=True)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        stored_files, stored_bytes = await uow.evidence.totals(report_id)
        allowance = Allowance.of(
            await uow.evidence.limits(report.tenant), stored_files=stored_files, stored_bytes=stored_bytes
        )
        fitting: list[StoredFile] = []
        refused: list[tuple[StoredFile, EvidenceRefused]] = []
        for file in files:
            if allowance.files_left <= 0:
                refused.append((file, TooManyFiles(file.file_name)))
            elif file.size_bytes > allowance.bytes_left:
                refused.append((file, ReportTooLarge(file.file_name, allowance.bytes_left)))
            else:
                allowance.took(file.size_bytes)
                fitting.append(file)
        recorded = await record_evidence(
            report, fitting, late=True, uow=uow, sealer=sealer, at=clock(), correlation_id=correlation_id
        )
        await uow.commit()
    return EvidenceAdded(recorded, refused)


@dataclass(frozen=True)
class EvidenceShown:
    """A file as its reporter sees it on their page."""

    id: UUID
    file_name: str
    content_type: str
    size_bytes: int
    added_at: datetime
    late: bool


async def reporters_evidence(report_id: UUID, *, uow: IntakeUnitOfWork, opener: Opener) -> list[EvidenceShown]:
    """The signed-in reporter's files, their names opened from the reporter's own receipts."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        stored = await uow.evidence.of_report(report_id)
    shown = []
    for evidence in stored:
        receipt = opener.open(evidence.receipt, tenant=report.tenant, case=report.id, model=EvidenceReceiptV1)
        shown.append(
            EvidenceShown(
                id=evidence.id,
                file_name=receipt.file_name,
                content_type=receipt.content_type,
                size_bytes=evidence.size_bytes,
                added_at=evidence.added_at,
                late=evidence.late,
            )
        )
    return shown


async def record_identity(
    report: Report, identity: ReporterIdentityV1, *, uow: IntakeUnitOfWork, sealer: Sealer, at: datetime
) -> None:
    """Keep the reporter's identity sealed to reporter-identity, in the open unit of work: no case
    officer's service can open it; only an approved disclosure does (see the disclosure use cases)."""
    sealed = sealer.seal(report.tenant, Audience.REPORTER_IDENTITY, identity, case=report.id)
    await uow.identities.put(report.id, sealed, at)


async def _replay(
    earlier: IdempotentSubmission,
    request_digest: bytes,
    client_secret: str | None,
    *,
    uow: IntakeUnitOfWork,
    hasher: SecretHasher,
) -> Receipt:
    if not hmac.compare_digest(earlier.request_digest, request_digest):
        raise IdempotencyKeyReused
    report = await uow.reports.get(earlier.report_id)
    if report is None:  # the report is gone (cannot happen while reports are never deleted)
        raise IdempotencyKeyReused
    if client_secret is not None and not await hasher.verify(report.secret_hash, canonical_secret(client_secret)):
        raise IdempotencyKeyReused
    return Receipt(report.id, report.registration_number, client_secret, report.submitted_at, replayed=True)


async def prune_idempotency_keys(*, uow: IntakeUnitOfWork, clock: Clock) -> int:
    """Forget expired ``Idempotency-Key`` digests."""
    async with uow:
        pruned = await uow.idempotency.prune(clock())
        await uow.commit()
    return pruned


async def find_report(
    registration_number: str,
    secret: str,
    *,
    uow: IntakeUnitOfWork,
    hasher: SecretHasher,
    attempts: AttemptGuard,
) -> Report | None:
    """The report, only if the secret matches. An unknown number costs the same hash check as a
    wrong secret, so timing does not tell which numbers exist; and it counts towards the same
    lock, so a lock does not tell either.

    Raises ``TooManyAttempts`` while the number is slowed down or locked, without checking.
    """
    canonical = canonical_registration_number(registration_number)
    if canonical is not None and (wait := attempts.begin(canonical)) > 0:
        raise TooManyAttempts(wait)
    async with uow:
        # Only the hash first: the same single query whether or not the number exists.
        credentials = await uow.reports.credentials(canonical) if canonical else None
    verified = await hasher.verify(credentials[1] if credentials else None, canonical_secret(secret))
    if credentials is None or not verified or canonical is None:
        return None
    attempts.succeeded(canonical)
    report_id, secret_hash = credentials
    async with uow:
        if hasher.needs_rehash(secret_hash):
            # An older kind of hash (argon2id, before keyed digests): replace it now that the
            # secret is known to be right, so the next check is as cheap as any other.
            await uow.reports.replace_secret_hash(report_id, await hasher.hash(canonical_secret(secret)))
            await uow.commit()
        return await uow.reports.get(report_id)


def pseudonym_digest(pseudonym: str, *, digests: KeyedDigests) -> bytes:
    """The keyed digest a pseudonym is kept and found by (of its normal form)."""
    return digests.digest(PSEUDONYM_PURPOSE, normalise_pseudonym(pseudonym).encode())


async def pseudonym_credential(
    pseudonym: str, password: str, *, digests: KeyedDigests, passwords: PasswordHasher
) -> PseudonymCredential:
    """What is kept of a chosen pseudonym and password (checked for strength before)."""
    return PseudonymCredential(pseudonym_digest(pseudonym, digests=digests), await passwords.hash(password))


async def pseudonym_taken(pseudonym: str, *, uow: IntakeUnitOfWork, digests: KeyedDigests) -> bool:
    async with uow:
        return await uow.pseudonyms.taken(pseudonym_digest(pseudonym, digests=digests))


async def find_report_by_pseudonym(
    pseudonym: str,
    password: str,
    *,
    uow: IntakeUnitOfWork,
    digests: KeyedDigests,
    passwords: PasswordHasher,
    attempts: AttemptGuard,
) -> Report | None:
    """The report, only if the password matches the pseudonym's. An unknown pseudonym costs the
    same argon2id check as a wrong password and counts towards the same lock, as for secrets.

    Raises ``TooManyAttempts`` while the pseudonym is slowed down or locked, without checking.
    """
    normal = normalise_pseudonym(pseudonym)
    if not normal:
        return None
    counted = PSEUDONYM_ATTEMPT_PREFIX + normal
    if (wait := attempts.begin(counted)) > 0:
        raise TooManyAttempts(wait)
    digest = pseudonym_digest(normal, digests=digests)
    async with uow:
        found = await uow.pseudonyms.find(digest)
    verified = await passwords.verify(found[1] if found else None, password)
    if found is None or not verified:
        return None
    attempts.succeeded(counted)
    report_id, password_hash = found
    async with uow:
        if passwords.needs_rehash(password_hash):
            await uow.pseudonyms.replace_password_hash(digest, await passwords.hash(password))
            await uow.commit()
        return await uow.reports.get(report_id)


@dataclass(frozen=True)
class ReceiptDetails:
    """What the printed receipt says: never anything of the report's substance."""

    registration_number: str
    tenant_name: str
    submitted_at: datetime
    pseudonym: bool


async def receipt_details(report: Report, *, uow: IntakeUnitOfWork) -> ReceiptDetails:
    """The receipt of a report whose reporter proved it is theirs."""
    async with uow:
        names = await uow.bodies.names([report.tenant])
        tenant = None if report.tenant in names else await uow.tenants.get(report.tenant)
        pseudonym = await uow.pseudonyms.used_by(report.id)
    name = names.get(report.tenant) or (tenant.name if tenant else report.tenant)
    return ReceiptDetails(report.registration_number, name, report.submitted_at, pseudonym)


async def add_identity(
    report_id: UUID, identity: ReporterIdentityV1, *, uow: IntakeUnitOfWork, sealer: Sealer, clock: Clock
) -> None:
    """The signed-in reporter gives (or replaces) their identity after the report was sent."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        await record_identity(report, identity, uow=uow, sealer=sealer, at=clock())
        await uow.commit()


async def identity_recorded_at(report_id: UUID, *, uow: IntakeUnitOfWork) -> datetime | None:
    """When the reporter's identity was recorded, if it was (it stays sealed: only the date)."""
    async with uow:
        kept = await uow.identities.get(report_id)
    return kept[1] if kept else None


async def open_reporter_session(
    report: Report, *, uow: IntakeUnitOfWork, digests: KeyedDigests, clock: Clock, policy: SessionPolicy
) -> str:
    """Sign the reporter of ``report`` in (they proved it is theirs): the token goes into a cookie,
    only its keyed digest is kept."""
    token = secrets.token_urlsafe(32)
    session = ReporterSession.open(digests.digest(REPORTER_SESSION_PURPOSE, token.encode()), report.id, clock(), policy)
    async with uow:
        await uow.reporter_sessions.add(session)
        await uow.commit()
    return token


async def signed_in_report(
    token: str, *, uow: IntakeUnitOfWork, digests: KeyedDigests, clock: Clock, policy: SessionPolicy
) -> UUID | None:
    """The report whose reporter holds ``token``, if the session is still valid (each request
    starts the idle time again)."""
    digest = digests.digest(REPORTER_SESSION_PURPOSE, token.encode())
    now = clock()
    async with uow:
        session = await uow.reporter_sessions.get(digest)
        if session is None or not session.is_valid(now):
            return None
        await uow.reporter_sessions.extend(session.touched(now, policy))
        await uow.commit()
    return session.report_id


async def read_report(report_id: UUID, *, uow: IntakeUnitOfWork) -> Report:
    """A report the caller is entitled to (its reporter is signed in)."""
    async with uow:
        report = await uow.reports.get(report_id)
    if report is None:  # reports are never deleted while a session names them (ON DELETE CASCADE)
        raise UnknownReport(f"report {report_id} is gone")
    return report


async def close_reporter_session(token: str, *, uow: IntakeUnitOfWork, digests: KeyedDigests, clock: Clock) -> None:
    """Sign out (and forget expired sessions while at it)."""
    async with uow:
        await uow.reporter_sessions.remove(digests.digest(REPORTER_SESSION_PURPOSE, token.encode()))
        await uow.reporter_sessions.prune(clock())
        await uow.commit()


async def record_registration(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
    """Triage registered the case: the reporter now sees ``terdaftar``.

    An event handler: it runs inside the consumer's unit of work, which commits it together with
    the inbox record.
    """
    data: CaseRegisteredV1 = event.data
    report = await uow.reports.get(data.case_id, for_update=True)
    if report is None:
        raise UnknownReport(f"case {data.case_id} was registered but intake never received it")
    change: StatusChange | None = report.record_registration(data.registered_at)
    if change is not None:
        await uow.reports.append_status(report.id, change)


async def offer_tenant(configuration: TenantConfiguredV1, uow: IntakeUnitOfWork) -> None:
    """After a newer ``tenant-configured`` was kept: an active body takes reports in the categories
    of its current policy; an agency or an inactive body takes none."""
    if configuration.kind is TenantKind.BODY and configuration.active:
        categories = tuple(Category(c.slug, c.label_id, c.label_en) for c in configuration.policy.categories)
        tenant = Tenant(id=configuration.tenant_id, name=configuration.name, categories=categories)
        await uow.tenants.save(tenant, policy_version=configuration.policy_version)
    else:
        await uow.tenants.withdraw(configuration.tenant_id)


async def list_tenants(*, uow: IntakeUnitOfWork) -> list[Tenant]:
    async with uow:
        return await uow.tenants.all()


async def get_tenant(tenant_id: str, *, uow: IntakeUnitOfWork) -> Tenant | None:
    async with uow:
        return await uow.tenants.get(tenant_id)


# -- the Kotak Komunikasi ------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageDraft:
    """What the signed-in reporter wrote."""

    kind: ReporterMessageKind
    text: str
    in_reply_to: UUID | None = None


async def send_reporter_message(
    report_id: UUID,
    draft: MessageDraft,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    clock: Clock,
    zone: ZoneInfo,
    correlation_id: str,
) -> MailboxMessage:
    """The reporter writes to the officers: ``reporter-message-sent`` (sealed to case-substance)
    and the reporter's own copy (sealed to reporter-mailbox), in one transaction. A question
    starts the body's clock: its answer is due after the policy's ``jawaban-pelapor`` limit, in
    the tenant's working days. Raises ``MessageRefused`` for text or a reply it cannot take."""
    text = checked_text(draft.text)
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        in_reply_to = checked_reply(draft.in_reply_to, await uow.messages.of_report(report.id))
        now = clock()
        answer_due = await _answer_due(report.tenant, now, uow=uow, zone=zone) if is_question(draft.kind) else None
        message = MailboxMessage(
            id=uuid4(),
            report_id=report.id,
            direction=Direction.DARI_PELAPOR,
            kind=draft.kind.value,
            sent_at=now,
            sealed=sealer.seal(report.tenant, Audience.REPORTER_MAILBOX, MailboxMessageV1(text=text), case=report.id),
            in_reply_to=in_reply_to,
            answer_due=answer_due,
        )
        event = ReporterMessageSentV1(
            report_id=report.id,
            message_id=message.id,
            kind=draft.kind,
            sent_at=now,
            body=sealer.seal(report.tenant, Audience.CASE_SUBSTANCE, ReporterMessageV1(text=text), case=report.id),
            answer_due=answer_due,
            in_reply_to=in_reply_to,
        )
        await uow.messages.add(message)
        await uow.outbox.add(
            REPORTER_MESSAGE_SENT,
            REPORTER_MESSAGE_SENT.envelope(
                event, tenant=report.tenant, subject=str(report.id), time=now, correlation_id=correlation_id
            ),
        )
        await uow.commit()
    return message


async def _answer_due(tenant: str, now: datetime, *, uow: IntakeUnitOfWork, zone: ZoneInfo) -> datetime:
    configuration = await uow.configurations.get(tenant)
    if configuration is None:  # a report's tenant was kept when it was offered; only a lost copy gets here
        log.warning("no kept configuration of %s: a question's answer is due counting weekends only", tenant)
        calendar = WorkingCalendar(covers_from=now.date(), covers_until=now.date())
        limits = {}
    else:
        calendar, limits = configuration.policy.calendar, dict(configuration.policy.time_limits)
    limit = answer_limit(limits)
    try:
        return due(calendar, limit, now, zone=zone)
    except CalendarNotCovering as beyond:
        # A question is never turned away: past the calendar, weekends alone are counted, which is
        # never later than the true due time. Directory republishes calendars (wbs tenants publish).
        log.warning("%s's calendar does not cover %s: counting weekends only beyond it", tenant, beyond.day)
        return due(calendar, limit, now, zone=zone, beyond=WEEKENDS_ONLY)


def record_officer_message(opener: Opener) -> Callable[[Envelope[Any], IntakeUnitOfWork], Awaitable[None]]:
    """Handler of ``officer-message-sent``: keep the message sealed for the reporter. A message
    delivered again (another event id, a replay) is kept once: its id is the key. It is opened once
    here, so one that cannot be opened is dead-lettered now rather than failing the reporter later."""

    async def handle(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
        data: OfficerMessageSentV1 = event.data
        report = await uow.reports.get(data.case_id)
        if report is None or report.tenant != event.tenant:
            raise UnknownReport(f"an officer wrote about case {data.case_id}, which intake never received here")
        opener.open(data.body, tenant=report.tenant, case=report.id, model=MailboxMessageV1)
        await uow.messages.add(
            MailboxMessage(
                id=data.message_id,
                report_id=report.id,
                direction=Direction.DARI_PETUGAS,
                kind=data.kind.value,
                sent_at=data.sent_at,
                sealed=data.body,
                in_reply_to=data.in_reply_to,
            )
        )

    return handle


async def read_mailbox(report_id: UUID, *, uow: IntakeUnitOfWork, opener: Opener) -> list[OpenedMessage]:
    """The signed-in reporter's messages, both ways, opened, oldest first."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        messages = await uow.messages.of_report(report.id)
    return [
        OpenedMessage(m, opener.open(m.sealed, tenant=report.tenant, case=report.id, model=MailboxMessageV1).text)
        for m in messages
    ]


# -- officers: reports from other channels, forwarding ------------------------------------------


@dataclass(frozen=True)
class Officer:
    """The officer acting, as the audit trail names them."""

    officer_id: str
    name: str
    roles: tuple[str, ...]
    session_id: str
    correlation_id: str | None = None

    def entry(self, tenant: str, action: str, case: UUID | None, **details: Any) -> AuditEntry:
        return AuditEntry(
            tenant_id=tenant,
            actor=self.officer_id,
            actor_name=self.name,
            role=",".join(sorted(self.roles)) or None,
            session_id=self.session_id,
            action=action,
            object_type="case" if case is not None else None,
            object_id=str(case) if case is not None else None,
            details=details,
            correlation_id=self.correlation_id,
        )


@dataclass(frozen=True)
class Body:
    id: str
    name: str


@dataclass(frozen=True)
class RecordingOptions:
    """What the petugas of ``body`` can choose when recording a report."""

    body: Body
    channels: tuple[str, ...]
    categories: tuple[Category, ...]
    #: The active bodies below, to which a report may be forwarded.
    below: tuple[Body, ...]


@dataclass(frozen=True)
class RecordedReport:
    receipt: Receipt
    #: The body that handles the case (the one forwarded to, or the one where it arrived).
    handled_by: Body
    forwarded: bool


async def recording_options(tenant: str, *, uow: IntakeUnitOfWork) -> RecordingOptions | None:
    """None when ``tenant`` is not an active body that takes reports."""
    async with uow:
        configuration = await uow.configurations.get(tenant)
        offered = await uow.tenants.get(tenant)
        if configuration is None or offered is None:
            return None
        below = await uow.configurations.descendants(tenant)
    return RecordingOptions(
        body=Body(tenant, configuration.name),
        channels=recordable_channels(configuration.policy.channels),
        categories=offered.categories,
        below=tuple(Body(c.tenant_id, c.name) for c in below),
    )


async def record_report(
    submission: Submission,
    arrival: Arrival,
    officer: Officer,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    hasher: SecretHasher,
    clock: Clock,
    timezone: ZoneInfo,
) -> RecordedReport:
    """A petugas of ``arrival.received_by`` records a report that came by another channel; it goes
    to the body that handles it (the one forwarded to, if any), with the trail kept at both ends.

    The reporter gets a number and secret as on the web (handed over on paper). Raises
    ``UnknownTenant`` for a body that takes no reports, ``UnknownCategory``, ``RecordingRefused``.
    """
    secret = issue_secret()
    secret_hash = await hasher.hash(canonical_secret(secret))
    now = clock()
    async with uow:
        arrived_at = await uow.configurations.get(arrival.received_by)
        if arrived_at is None or await uow.tenants.get(arrival.received_by) is None:
            raise UnknownTenant(arrival.received_by)
        below = await uow.configurations.descendants(arrival.received_by) if arrival.forwarded else []
        check_arrival(
            arrival,
            policy_channels=arrived_at.policy.channels,
            descendants=[c.tenant_id for c in below],
            today=now.astimezone(timezone).date(),
        )
        handled_by = next((c for c in below if c.tenant_id == arrival.handled_by), arrived_at)
        report = await receive_report(
            Submission(
                tenant=arrival.handled_by,
                category=submission.category,
                channel=arrival.channel,
                substance=submission.substance,
                contact=submission.contact,
                identity=submission.identity,
            ),
            uow=uow,
            sealer=sealer,
            secret_hash=secret_hash,
            at=now,
            correlation_id=officer.correlation_id or f"petugas-{uuid4()}",
            arrival=arrival,
        )
        await uow.recordings.add(report.id, arrival, recorded_by=officer.officer_id, at=now)
        entries = {
            arrival.received_by: officer.entry(
                arrival.received_by,
                "report.recorded",
                report.id,
                channel=arrival.channel,
                received_on=arrival.received_on.isoformat(),
                forwarded_to=arrival.forward_to,
            )
        }
        if arrival.forward_to is not None:
            entries[arrival.forward_to] = officer.entry(
                arrival.forward_to,
                "report.forwarded-in",
                report.id,
                channel=arrival.channel,
                received_by=arrival.received_by,
            )
            await uow.notices.add(report.id, ReporterNotice(NoticeKind.DITERUSKAN, now, handled_by.name))
        for tenant in sorted(entries):  # several chains: always in the same order
            await uow.audit.append(entries[tenant])
        await uow.commit()
    return RecordedReport(
        Receipt(report.id, report.registration_number, secret, now),
        Body(handled_by.tenant_id, handled_by.name),
        arrival.forwarded,
    )


async def reporter_notices(report_id: UUID, *, uow: IntakeUnitOfWork) -> list[ReporterNotice]:
    async with uow:
        return await uow.notices.for_report(report_id)


# -- identity disclosure -------------------------------------------------------------------------


class CaseNotFound(LookupError):
    """No such case in this tenant (answered like one the officer may not see)."""


async def _case_in(tenant: str, case_id: UUID, uow: IntakeUnitOfWork) -> Report:
    report = await uow.reports.get(case_id)
    if report is None or report.tenant != tenant:
        raise CaseNotFound(case_id)
    return report


async def request_disclosure(
    tenant: str, case_id: UUID, officer: Officer, reason: str, *, uow: IntakeUnitOfWork, clock: Clock
) -> IdentityDisclosure:
    """An officer asks, with a written reason, to read the reporter's identity."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        if await uow.identities.get(report.id) is None:
            raise NoIdentity()
        earlier = await uow.disclosures.for_report(report.id, for_update=True)
        disclosure = IdentityDisclosure.request(
            id=uuid4(),
            report_id=report.id,
            tenant=tenant,
            officer=officer.officer_id,
            officer_name=officer.name,
            reason=reason,
            at=clock(),
            pending=tuple(earlier),
        )
        await uow.disclosures.add(disclosure)
        await uow.audit.append(
            officer.entry(tenant, "identity.disclosure-requested", report.id, request=str(disclosure.id))
        )
        await uow.commit()
    return disclosure


async def decide_disclosure(
    tenant: str,
    case_id: UUID,
    disclosure_id: UUID,
    custodian: Officer,
    *,
    approve: bool,
    reason: str,
    uow: IntakeUnitOfWork,
    clock: Clock,
    validity: timedelta = DEFAULT_VALIDITY,
) -> IdentityDisclosure:
    """A custodian (not the requester) approves or refuses; the reporter is told of an approval."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        found = await uow.disclosures.get(disclosure_id, for_update=True)
        if found is None or found.report_id != report.id:
            raise CaseNotFound(disclosure_id)
        now = clock()
        decided = found.decide(
            approve=approve,
            officer=custodian.officer_id,
            officer_name=custodian.name,
            reason=reason,
            at=now,
            validity=validity,
        )
        await uow.disclosures.save(decided)
        await uow.audit.append(
            custodian.entry(
                tenant,
                "identity.disclosure-decided",
                report.id,
                request=str(decided.id),
                outcome=decided.state.value,
                requested_by=decided.requested_by,
            )
        )
        if decided.state is DisclosureState.DISETUJUI:
            await uow.notices.add(report.id, ReporterNotice(NoticeKind.IDENTITAS_DIUNGKAPKAN, now))
        await uow.commit()
    return decided


@dataclass(frozen=True)
class DisclosedIdentity:
    disclosure: IdentityDisclosure
    #: None: the reporter gave no identity (cannot happen once requested, but is said plainly).
    identity: ReporterIdentityV1 | None


async def read_disclosed_identity(
    tenant: str, case_id: UUID, officer: Officer, *, uow: IntakeUnitOfWork, opener: Opener, clock: Clock
) -> DisclosedIdentity:
    """The identity, for the officer whose request was approved and has not expired. Each read is
    on the case's audit trail; so is each refused attempt."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        now = clock()
        try:
            disclosure = readable_disclosure(await uow.disclosures.for_report(report.id), officer.officer_id, now)
        except NotDisclosedToYou:
            await uow.audit.append(officer.entry(tenant, "identity.read-refused", report.id))
            await uow.commit()
            raise
        stored = await uow.identities.get(report.id)
        identity = None
        if stored is not None:
            identity = opener.open(stored[0], tenant=report.tenant, case=report.id, model=ReporterIdentityV1)
        await uow.audit.append(officer.entry(tenant, "identity.read", report.id, request=str(disclosure.id)))
        await uow.commit()
    return DisclosedIdentity(disclosure, identity)


async def case_disclosures(
    tenant: str, case_id: UUID, officer: Officer, *, uow: IntakeUnitOfWork
) -> list[IdentityDisclosure]:
    """The requests made for one case, oldest first (reading them is recorded)."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        found = await uow.disclosures.for_report(report.id)
        await uow.audit.append(officer.entry(tenant, "identity.disclosures-read", report.id))
        await uow.commit()
    return found


async def tenant_disclosures(
    tenant: str, *, uow: IntakeUnitOfWork, state: DisclosureState | None = None
) -> list[IdentityDisclosure]:
    """The tenant's requests (newest first), for its custodians: those awaiting a decision first of all."""
    async with uow:
        return await uow.disclosures.in_tenant(tenant, state)


def today_in(clock: Clock, timezone: ZoneInfo) -> date:
    return clock().astimezone(timezone).date()
