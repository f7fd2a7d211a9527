"""Receiving a report: the receipt, idempotent retries, the sealed event, the identity kept sealed."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from wbs_contracts.events.intake import (
    ReporterContactV2,
    ReporterIdentityV1,
    ReportSubmittedV1,
    ReportSubstanceV1,
)
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_contracts.sealed import Audience
from wbs_intake.domain.completeness import assess
from wbs_intake.domain.credentials import (
    RandomBytes,
    canonical_secret,
    issue_registration_number,
    issue_secret,
)
from wbs_intake.domain.evidence import (
    StoredFile,
)
from wbs_intake.domain.recording import Arrival
from wbs_intake.domain.report import Report
from wbs_intake.domain.tenant import UnknownTenant
from wbs_intake.ports import (
    IdempotentSubmission,
    IntakeUnitOfWork,
    KeyedDigests,
    PasswordHasher,
    PseudonymCredential,
    Sealer,
    SecretHasher,
)
from wbs_intake.usecases.evidence import record_evidence
from wbs_runtime.clock import Clock

IDEMPOTENCY_KEY_PURPOSE = "idempotency-key"
SUBMISSION_PURPOSE = "submission"


class IdempotencyKeyInUse(Exception):
    """A request with this ``Idempotency-Key`` is still being processed."""


class IdempotencyKeyReused(Exception):
    """This ``Idempotency-Key`` came before with a different request (or another secret)."""


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
    passwords: PasswordHasher | None = None,
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
                if submission.pseudonym is not None:
                    await _same_password(submission.pseudonym, receipt.report_id, uow=uow, passwords=passwords)
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


async def record_identity(
    report: Report, identity: ReporterIdentityV1, *, uow: IntakeUnitOfWork, sealer: Sealer, at: datetime
) -> None:
    """Keep the reporter's identity sealed to reporter-identity, in the open unit of work: no case
    officer's service can open it; only an approved disclosure does (see the disclosure use cases)."""
    sealed = sealer.seal(report.tenant, Audience.REPORTER_IDENTITY, identity, case=report.id)
    await uow.identities.put(report.id, sealed, at)


async def _same_password(
    credential: PseudonymCredential, report_id: UUID, *, uow: IntakeUnitOfWork, passwords: PasswordHasher | None
) -> None:
    """A retry with a pseudonym gets the receipt (and, on the pages, a session) only with the password
    the report was made with: the same key and form with another password is another request."""
    kept = await uow.pseudonyms.find(credential.pseudonym_digest)
    if passwords is None or kept is None or kept[0] != report_id:
        raise IdempotencyKeyReused
    if not await passwords.verify(kept[1], credential.password):
        raise IdempotencyKeyReused


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
