"""The reporter following the report: number and secret or pseudonym and password, the session, what they see."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from wbs_contracts.events.intake import (
    MailboxMessageV1,
    ReporterIdentityV1,
)
from wbs_intake.domain.credentials import (
    canonical_registration_number,
    canonical_secret,
)
from wbs_intake.domain.pseudonym import normalise_pseudonym
from wbs_intake.domain.report import Report
from wbs_intake.domain.reporter_session import ReporterSession, SessionPolicy
from wbs_intake.domain.reporter_view import TimelineEntry, happenings_of, timeline
from wbs_intake.ports import (
    AttemptGuard,
    IntakeUnitOfWork,
    KeyedDigests,
    Opener,
    PasswordHasher,
    PseudonymCredential,
    Sealer,
    SecretHasher,
)
from wbs_intake.usecases.errors import TooManyAttempts, UnknownReport
from wbs_intake.usecases.submission import record_identity
from wbs_runtime.clock import Clock

REPORTER_SESSION_PURPOSE = "reporter-session"
PSEUDONYM_PURPOSE = "reporter-pseudonym"
#: Tries of a pseudonym's password are counted apart from the registration numbers' secrets.
PSEUDONYM_ATTEMPT_PREFIX = "samaran:"


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
    return PseudonymCredential(
        pseudonym_digest(pseudonym, digests=digests), await passwords.hash(password), password=password
    )


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


async def reporter_timeline(
    report: Report, *, uow: IntakeUnitOfWork, opener: Opener | None = None
) -> list[TimelineEntry]:
    """What the reporter sees of ``report``, oldest first (``domain.reporter_view`` decides what).
    With ``opener``, the officers' reason for not processing the report is opened for the reporter."""
    async with uow:
        messages = await uow.messages.of_report(report.id)
        notices = await uow.notices.for_report(report.id)
        ends = await uow.telaah.ends_of(report.id)
    opened: dict[str, tuple[str | None, str | None]] = {}
    for end in ends:
        reason = None
        if opener is not None and end.sealed_reason is not None and end.reason_tenant and end.reason_case:
            sealed, tenant, case = end.sealed_reason, end.reason_tenant, end.reason_case
            reason = opener.open(sealed, tenant=tenant, case=case, model=MailboxMessageV1).text
        opened[end.status.value] = (end.body_name, reason)
    return timeline(happenings_of(report, messages, notices, opened))
