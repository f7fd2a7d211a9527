"""Intake's use cases: each runs in one unit of work, so its state and its events commit together."""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind
from wbs_contracts.events.intake import ReporterContactV2, ReporterIdentityV1, ReportSubmittedV1, ReportSubstanceV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import REPORT_SUBMITTED
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
    Sealer,
    SecretHasher,
)
from wbs_runtime.audit import AuditEntry
from wbs_runtime.clock import Clock
from wbs_runtime.errors import Unretryable

IDEMPOTENCY_KEY_PURPOSE = "idempotency-key"
SUBMISSION_PURPOSE = "submission"
REPORTER_SESSION_PURPOSE = "reporter-session"


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

    def fingerprint(self) -> bytes:
        """The request in one canonical form, so that a retry is recognised as the same request."""
        document = {
            "tenant": self.tenant,
            "category": self.category,
            "channel": self.channel,
            "substance": self.substance.model_dump(mode="json"),
            "contact": self.contact,
            "identity": self.identity.model_dump(mode="json") if self.identity else None,
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

    Raises ``UnknownTenant``/``UnknownCategory`` before anything is stored; ``IdempotencyKeyInUse``
    and ``IdempotencyKeyReused`` for a key that is busy or came with another request.
    """
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
                return await _replay(earlier, request_digest, client_secret, uow=uow, hasher=hasher)
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
        completeness=assess(submission.substance),
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
    if submission.identity is not None:
        await record_identity(report, submission.identity, uow=uow, sealer=sealer, at=at)
    await uow.outbox.add(
        REPORT_SUBMITTED,
        REPORT_SUBMITTED.envelope(
            event, tenant=tenant.id, subject=str(report.id), time=at, correlation_id=correlation_id
        ),
    )
    return report


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
