"""In-memory stand-ins for intake's ports: the use cases run unchanged on them."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from tests.support.audit import MemoryAuditTrail
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import EvidenceLimits, TenantConfiguredV1
from wbs_contracts.registry import EventSpec
from wbs_contracts.sealed import SealedPayload
from wbs_intake.domain.attempts import AttemptLimiter, AttemptPolicy
from wbs_intake.domain.disclosure import DisclosureState, IdentityDisclosure
from wbs_intake.domain.evidence import Evidence
from wbs_intake.domain.mailbox import MailboxMessage
from wbs_intake.domain.recording import Arrival
from wbs_intake.domain.report import Report, StatusChange
from wbs_intake.domain.reporter_notices import ReporterNotice
from wbs_intake.domain.reporter_session import ReporterSession
from wbs_intake.domain.telaah import TelaahEnd
from wbs_intake.domain.tenant import Tenant
from wbs_intake.ports import IdempotentSubmission, OfferedBody, PseudonymCredential, PseudonymTaken


class FakeReports:
    def __init__(self) -> None:
        self.rows: dict[UUID, Report] = {}

    async def add(self, report: Report) -> None:
        self.rows[report.id] = copy.deepcopy(report)

    async def get(self, report_id: UUID, *, for_update: bool = False) -> Report | None:
        return copy.deepcopy(self.rows.get(report_id))

    async def credentials(self, registration_number: str) -> tuple[UUID, str] | None:
        found = [r for r in self.rows.values() if r.registration_number == registration_number]
        return (found[0].id, found[0].secret_hash) if found else None

    async def append_status(self, report_id: UUID, change: StatusChange) -> None:
        self.rows[report_id].timeline.append(change)

    async def replace_secret_hash(self, report_id: UUID, secret_hash: str) -> None:
        self.rows[report_id].secret_hash = secret_hash


class FakeIdempotency:
    def __init__(self) -> None:
        self.rows: dict[bytes, IdempotentSubmission] = {}
        #: Keys another transaction holds right now.
        self.busy: set[bytes] = set()

    async def claim(self, key_digest: bytes) -> bool:
        return key_digest not in self.busy

    async def find(self, key_digest: bytes, now: datetime) -> IdempotentSubmission | None:
        found = self.rows.get(key_digest)
        return found if found is not None and found.expires_at > now else None

    async def add(self, submission: IdempotentSubmission) -> None:
        self.rows[submission.key_digest] = submission

    async def prune(self, now: datetime) -> int:
        expired = [k for k, v in self.rows.items() if v.expires_at <= now]
        for key in expired:
            del self.rows[key]
        return len(expired)


class FakeIdentities:
    def __init__(self) -> None:
        self.rows: dict[UUID, tuple[SealedPayload, datetime]] = {}

    async def put(self, report_id: UUID, sealed: SealedPayload, at: datetime) -> None:
        self.rows[report_id] = (sealed, at)

    async def get(self, report_id: UUID) -> tuple[SealedPayload, datetime] | None:
        return self.rows.get(report_id)


class FakeEvidence:
    def __init__(self) -> None:
        self.rows: list[Evidence] = []
        self.tenant_limits: dict[str, EvidenceLimits] = {}

    async def add(self, evidence: Evidence) -> None:
        self.rows.append(evidence)

    async def of_report(self, report_id: UUID) -> list[Evidence]:
        return [e for e in self.rows if e.report_id == report_id]

    async def totals(self, report_id: UUID) -> tuple[int, int]:
        held = [e.size_bytes for e in self.rows if e.report_id == report_id]
        return len(held), sum(held)

    async def limits(self, tenant: str) -> EvidenceLimits:
        return self.tenant_limits.get(tenant, EvidenceLimits())


class FakeReporterSessions:
    def __init__(self) -> None:
        self.rows: dict[bytes, ReporterSession] = {}

    async def add(self, session: ReporterSession) -> None:
        self.rows[session.token_digest] = session

    async def get(self, token_digest: bytes) -> ReporterSession | None:
        return self.rows.get(token_digest)

    async def extend(self, session: ReporterSession) -> None:
        self.rows[session.token_digest] = session

    async def remove(self, token_digest: bytes) -> None:
        self.rows.pop(token_digest, None)

    async def prune(self, now: datetime) -> int:
        expired = [k for k, v in self.rows.items() if v.expires_at <= now]
        for key in expired:
            del self.rows[key]
        return len(expired)


class FakeTenants:
    def __init__(self, *tenants: Tenant) -> None:
        self.rows = {t.id: t for t in tenants}
        self.versions: dict[str, int] = {}

    async def all(self) -> list[Tenant]:
        return sorted(self.rows.values(), key=lambda t: t.name)

    async def get(self, tenant_id: str) -> Tenant | None:
        return self.rows.get(tenant_id)

    async def with_category(self, tenant_id: str, slug: str) -> Tenant | None:
        tenant = self.rows.get(tenant_id)
        if tenant is None:
            return None
        return dataclasses.replace(tenant, categories=tuple(c for c in tenant.categories if c.slug == slug))

    async def save(self, tenant: Tenant, *, policy_version: int) -> None:
        self.rows[tenant.id] = tenant
        self.versions[tenant.id] = policy_version

    async def withdraw(self, tenant_id: str) -> None:
        self.rows.pop(tenant_id, None)


class FakePseudonyms:
    def __init__(self) -> None:
        self.rows: dict[bytes, tuple[UUID, str]] = {}

    async def add(self, credential: PseudonymCredential, report_id: UUID, at: datetime) -> None:
        if credential.pseudonym_digest in self.rows:
            raise PseudonymTaken
        self.rows[credential.pseudonym_digest] = (report_id, credential.password_hash)

    async def find(self, pseudonym_digest: bytes) -> tuple[UUID, str] | None:
        return self.rows.get(pseudonym_digest)

    async def replace_password_hash(self, pseudonym_digest: bytes, password_hash: str) -> None:
        report_id, _ = self.rows[pseudonym_digest]
        self.rows[pseudonym_digest] = (report_id, password_hash)

    async def used_by(self, report_id: UUID) -> bool:
        return any(found == report_id for found, _ in self.rows.values())


class FakeBodies:
    def __init__(self, tenants: FakeTenants) -> None:
        self.tenants = tenants
        self.configurations: dict[str, TenantConfiguredV1] = {}

    async def offered(self) -> list[OfferedBody]:
        return [
            OfferedBody(t.id, t.name, self.configurations[t.id].ancestors if t.id in self.configurations else ())
            for t in await self.tenants.all()
        ]

    async def names(self, tenant_ids: list[str]) -> dict[str, str]:
        return {t: self.configurations[t].name for t in tenant_ids if t in self.configurations}

    async def configuration(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return self.configurations.get(tenant_id)


class FakeMessages:
    def __init__(self) -> None:
        self.rows: dict[UUID, MailboxMessage] = {}

    async def add(self, message: MailboxMessage) -> bool:
        if message.id in self.rows:
            return False
        self.rows[message.id] = message
        return True

    async def of_report(self, report_id: UUID) -> list[MailboxMessage]:
        return sorted((m for m in self.rows.values() if m.report_id == report_id), key=lambda m: m.sent_at)


class FakeOutbox:
    def __init__(self) -> None:
        self.events: list[tuple[EventSpec[Any], Envelope[Any]]] = []

    async def add(self, spec: EventSpec[Any], envelope: Envelope[Any]) -> None:
        self.events.append((spec, envelope))


class FakeRecordings:
    def __init__(self) -> None:
        self.rows: dict[UUID, tuple[Arrival, str, datetime]] = {}

    async def add(self, report_id: UUID, arrival: Arrival, *, recorded_by: str, at: datetime) -> None:
        self.rows[report_id] = (arrival, recorded_by, at)


class FakeNotices:
    def __init__(self) -> None:
        self.rows: list[tuple[UUID, ReporterNotice]] = []

    async def add(self, report_id: UUID, notice: ReporterNotice) -> None:
        self.rows.append((report_id, notice))

    async def for_report(self, report_id: UUID) -> list[ReporterNotice]:
        return [notice for found, notice in self.rows if found == report_id]


class FakeTelaah:
    def __init__(self) -> None:
        self.ends: dict[tuple[UUID, str], TelaahEnd] = {}
        self.forwarded: dict[UUID, UUID] = {}

    async def add_end(self, end: TelaahEnd) -> None:
        self.ends.setdefault((end.report_id, end.status.value), end)

    async def ends_of(self, report_id: UUID) -> list[TelaahEnd]:
        return sorted((e for (r, _), e in self.ends.items() if r == report_id), key=lambda e: e.at)

    async def add_forwarded_case(self, case_id: UUID, report_id: UUID, tenant: str) -> None:
        self.forwarded.setdefault(case_id, report_id)

    async def report_of_forwarded_case(self, case_id: UUID) -> UUID | None:
        return self.forwarded.get(case_id)


class FakeDisclosures:
    def __init__(self) -> None:
        self.rows: dict[UUID, IdentityDisclosure] = {}

    async def add(self, disclosure: IdentityDisclosure) -> None:
        self.rows[disclosure.id] = disclosure

    async def get(self, disclosure_id: UUID, *, for_update: bool = False) -> IdentityDisclosure | None:
        return self.rows.get(disclosure_id)

    async def save(self, disclosure: IdentityDisclosure) -> None:
        self.rows[disclosure.id] = disclosure

    async def for_report(self, report_id: UUID, *, for_update: bool = False) -> list[IdentityDisclosure]:
        return sorted((d for d in self.rows.values() if d.report_id == report_id), key=lambda d: d.requested_at)

    async def in_tenant(self, tenant: str, state: DisclosureState | None = None) -> list[IdentityDisclosure]:
        found = [d for d in self.rows.values() if d.tenant == tenant and (state is None or d.state is state)]
        return sorted(found, key=lambda d: d.requested_at, reverse=True)


class FakeConfigurations:
    def __init__(self, *configurations: TenantConfiguredV1) -> None:
        self.rows = {c.tenant_id: c for c in configurations}

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return self.rows.get(tenant_id)

    async def descendants(self, tenant_id: str) -> list[TenantConfiguredV1]:
        below = [c for c in self.rows.values() if tenant_id in c.ancestors and c.active]
        return sorted(below, key=lambda c: c.name)


class FakeIntakeUnitOfWork:
    """Commits keep what the block did; leaving without commit restores the state before it."""

    def __init__(self, *tenants: Tenant, configurations: tuple[TenantConfiguredV1, ...] = ()) -> None:
        self.reports = FakeReports()
        self.recordings = FakeRecordings()
        self.notices = FakeNotices()
        self.disclosures = FakeDisclosures()
        self.telaah = FakeTelaah()
        self.configurations = FakeConfigurations(*configurations)
        self.audit = MemoryAuditTrail()
        self.tenants = FakeTenants(*tenants)
        self.idempotency = FakeIdempotency()
        self.reporter_sessions = FakeReporterSessions()
        self.identities = FakeIdentities()
        self.evidence = FakeEvidence()
        self.pseudonyms = FakePseudonyms()
        self.bodies = FakeBodies(self.tenants)
        self.messages = FakeMessages()
        self.outbox = FakeOutbox()
        self.commits = 0
        self._snapshot: tuple[Any, ...] | None = None

    def _state(self) -> tuple[Any, ...]:
        return (
            self.reports.rows,
            self.tenants.rows,
            self.idempotency.rows,
            self.reporter_sessions.rows,
            self.identities.rows,
            self.evidence.rows,
            self.pseudonyms.rows,
            self.messages.rows,
            self.outbox.events,
            self.recordings.rows,
            self.notices.rows,
            self.disclosures.rows,
            self.telaah.ends,
            self.telaah.forwarded,
        )

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self._state())
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._snapshot is not None:
            (
                self.reports.rows,
                self.tenants.rows,
                self.idempotency.rows,
                self.reporter_sessions.rows,
                self.identities.rows,
                self.evidence.rows,
                self.pseudonyms.rows,
                self.messages.rows,
                self.outbox.events,
                self.recordings.rows,
                self.notices.rows,
                self.disclosures.rows,
                self.telaah.ends,
                self.telaah.forwarded,
            ) = self._snapshot
            self._snapshot = None

    async def commit(self) -> None:
        self.commits += 1
        self._snapshot = None


class FakeHasher:
    """Reversible and fast: enough to check that only a hash is stored and how it is verified.
    Hashes of an older kind (``old:`` + the secret) still verify, and need replacing."""

    def __init__(self) -> None:
        self.verified: list[str | None] = []

    async def hash(self, secret: str) -> str:
        return f"hashed:{secret[::-1]}"

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        self.verified.append(secret_hash)
        return secret_hash in {f"hashed:{secret[::-1]}", f"old:{secret}"}

    def needs_rehash(self, secret_hash: str) -> bool:
        return not secret_hash.startswith("hashed:")


class FakeDigests:
    def digest(self, purpose: str, data: bytes) -> bytes:
        return purpose.encode() + b":" + data[::-1]


class FakeAttempts:
    """The domain's limiter on a clock the test moves."""

    def __init__(self, policy: AttemptPolicy | None = None) -> None:
        self.limiter = AttemptLimiter(policy or AttemptPolicy())
        self.now = 0.0

    def begin(self, registration_number: str) -> float:
        return self.limiter.begin(registration_number.encode(), self.now)

    def succeeded(self, registration_number: str) -> None:
        self.limiter.succeeded(registration_number.encode())
