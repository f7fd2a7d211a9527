"""What intake's use cases need from the outside world; adapters and test fakes provide it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import EvidenceLimits, TenantConfiguredV1
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_intake.domain.disclosure import DisclosureState, IdentityDisclosure
from wbs_intake.domain.evidence import Evidence
from wbs_intake.domain.mailbox import MailboxMessage
from wbs_intake.domain.recording import Arrival
from wbs_intake.domain.report import Report, StatusChange
from wbs_intake.domain.reporter_notices import ReporterNotice
from wbs_intake.domain.reporter_session import ReporterSession
from wbs_intake.domain.telaah import TelaahEnd
from wbs_intake.domain.tenant import Tenant
from wbs_runtime.audit import AuditRecorder
from wbs_runtime.unit_of_work import EventOutbox, Transactional

D = TypeVar("D", bound=SealedDocument)


class ReportRepository(Protocol):
    async def add(self, report: Report) -> None: ...
    async def get(self, report_id: UUID, *, for_update: bool = False) -> Report | None: ...
    async def credentials(self, registration_number: str) -> tuple[UUID, str] | None:
        """The report's id and secret hash, and nothing else."""
        ...

    async def append_status(self, report_id: UUID, change: StatusChange) -> None: ...
    async def replace_secret_hash(self, report_id: UUID, secret_hash: str) -> None: ...


@dataclass(frozen=True)
class IdempotentSubmission:
    """What is kept of a submission made with an ``Idempotency-Key``: digests and the report, never
    the key itself nor anything of the request in the clear."""

    key_digest: bytes
    request_digest: bytes
    report_id: UUID
    expires_at: datetime


class IdempotencyRepository(Protocol):
    async def claim(self, key_digest: bytes) -> bool:
        """Hold the key until the transaction ends; False at once if another transaction holds it."""
        ...

    async def find(self, key_digest: bytes, now: datetime) -> IdempotentSubmission | None:
        """The submission made with this key, unless it has expired."""
        ...

    async def add(self, submission: IdempotentSubmission) -> None:
        """Record the submission (replacing an expired one with the same key)."""
        ...

    async def prune(self, now: datetime) -> int: ...


class IdentityRepository(Protocol):
    """The reporter's identity, sealed to ``reporter-identity``: stored, never opened here."""

    async def put(self, report_id: UUID, sealed: SealedPayload, at: datetime) -> None:
        """Keep ``sealed`` as the report's identity (replacing one given earlier)."""
        ...

    async def get(self, report_id: UUID) -> tuple[SealedPayload, datetime] | None: ...


class EvidenceRepository(Protocol):
    """A report's evidence files: their blobs, sizes and dates, the reporter's sealed receipt."""

    async def add(self, evidence: Evidence) -> None: ...
    async def of_report(self, report_id: UUID) -> list[Evidence]:
        """Oldest first."""
        ...

    async def totals(self, report_id: UUID) -> tuple[int, int]:
        """(files, bytes) the report holds."""
        ...

    async def limits(self, tenant: str) -> EvidenceLimits:
        """The tenant's policy's limits (the defaults if its configuration is not kept yet)."""
        ...


class ReporterSessionRepository(Protocol):
    """Reporters' sessions, found by a keyed digest of the token (the token itself is never kept)."""

    async def add(self, session: ReporterSession) -> None: ...
    async def get(self, token_digest: bytes) -> ReporterSession | None: ...
    async def extend(self, session: ReporterSession) -> None:
        """Store ``session``'s new expiry."""
        ...

    async def remove(self, token_digest: bytes) -> None: ...
    async def prune(self, now: datetime) -> int: ...


class PseudonymTaken(Exception):
    """Another report already uses this pseudonym."""


@dataclass(frozen=True)
class PseudonymCredential:
    """A pseudonym and password as kept: a keyed digest of the pseudonym's normal form and an
    argon2id hash of the password; neither in the clear."""

    pseudonym_digest: bytes
    password_hash: str
    #: The password as typed, for this request only (a retry's receipt is given only to whoever
    #: knows it); never stored, never shown.
    password: str = field(default="", repr=False, compare=False)


class PseudonymRepository(Protocol):
    async def add(self, credential: PseudonymCredential, report_id: UUID, at: datetime) -> None:
        """Raises ``PseudonymTaken`` if the digest is kept already (the transaction is then void)."""
        ...

    async def find(self, pseudonym_digest: bytes) -> tuple[UUID, str] | None:
        """The report and the password hash, and nothing else."""
        ...

    async def replace_password_hash(self, pseudonym_digest: bytes, password_hash: str) -> None: ...
    async def used_by(self, report_id: UUID) -> bool:
        """True when the report's reporter follows it with a pseudonym."""
        ...


@dataclass(frozen=True)
class OfferedBody:
    """A body that takes reports, where it stands in the hierarchy (for the chooser)."""

    id: str
    name: str
    #: Its ancestors, the top first (from the kept configuration; empty when not known yet).
    ancestors: tuple[str, ...]


class BodyDirectory(Protocol):
    """What the reporter's pages read of the bodies: who takes reports, and each body's whole kept
    configuration (its policy's time limits), from the runtime's tenant copy."""

    async def offered(self) -> list[OfferedBody]: ...
    async def names(self, tenant_ids: list[str]) -> dict[str, str]:
        """The names of these tenants as kept (offered or not)."""
        ...

    async def configuration(self, tenant_id: str) -> TenantConfiguredV1 | None: ...


class TenantRepository(Protocol):
    async def all(self) -> list[Tenant]: ...
    async def get(self, tenant_id: str) -> Tenant | None: ...
    async def with_category(self, tenant_id: str, slug: str) -> Tenant | None:
        """The tenant with only the category asked for (no category if it offers none such):
        what a submission needs, in one query."""
        ...

    async def save(self, tenant: Tenant, *, policy_version: int) -> None:
        """Offer ``tenant`` to reporters with these categories (replacing earlier ones)."""
        ...

    async def withdraw(self, tenant_id: str) -> None:
        """Take no more reports for ``tenant_id``; its reports stay."""
        ...


class MailboxRepository(Protocol):
    """The Kotak Komunikasi: each message sealed to reporter-mailbox."""

    async def add(self, message: MailboxMessage) -> bool:
        """Keep ``message``; False (and nothing changes) if a message with its id is kept already."""
        ...

    async def of_report(self, report_id: UUID) -> list[MailboxMessage]:
        """The report's messages, both ways, oldest first."""


class RecordingRepository(Protocol):
    """Where and when a report a petugas recorded arrived, and who recorded it."""

    async def add(self, report_id: UUID, arrival: Arrival, *, recorded_by: str, at: datetime) -> None: ...


class NoticeRepository(Protocol):
    """What the reporter's timeline says besides the status."""

    async def add(self, report_id: UUID, notice: ReporterNotice) -> None: ...
    async def for_report(self, report_id: UUID) -> list[ReporterNotice]: ...


class DisclosureRepository(Protocol):
    async def add(self, disclosure: IdentityDisclosure) -> None: ...
    async def get(self, disclosure_id: UUID, *, for_update: bool = False) -> IdentityDisclosure | None: ...
    async def save(self, disclosure: IdentityDisclosure) -> None: ...
    async def for_report(self, report_id: UUID, *, for_update: bool = False) -> list[IdentityDisclosure]:
        """Oldest first; ``for_update`` locks them (two requests of one officer at once make one)."""
        ...

    async def in_tenant(self, tenant: str, state: DisclosureState | None = None) -> list[IdentityDisclosure]:
        """Newest first (at most 200)."""
        ...


class TenantConfigurations(Protocol):
    """The tenants' configurations kept from directory: policy (calendar, time limits) and hierarchy."""

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None: ...
    async def descendants(self, tenant_id: str) -> list[TenantConfiguredV1]:
        """The active bodies below ``tenant_id``, at any depth, by name."""
        ...


class TelaahRepository(Protocol):
    """How each telaah of a report ended, and the cases other bodies registered for it."""

    async def add_end(self, end: TelaahEnd) -> None:
        """Keep it, unless that status is kept for the report already."""
        ...

    async def ends_of(self, report_id: UUID) -> list[TelaahEnd]: ...
    async def add_forwarded_case(self, case_id: UUID, report_id: UUID, tenant: str) -> None: ...
    async def report_of_forwarded_case(self, case_id: UUID) -> UUID | None: ...


class IntakeUnitOfWork(Transactional, Protocol):
    @property
    def reports(self) -> ReportRepository: ...
    @property
    def tenants(self) -> TenantRepository: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...
    @property
    def reporter_sessions(self) -> ReporterSessionRepository: ...
    @property
    def identities(self) -> IdentityRepository: ...
    @property
    def evidence(self) -> EvidenceRepository: ...
    @property
    def pseudonyms(self) -> PseudonymRepository: ...
    @property
    def bodies(self) -> BodyDirectory: ...
    @property
    def messages(self) -> MailboxRepository: ...
    @property
    def outbox(self) -> EventOutbox: ...
    @property
    def recordings(self) -> RecordingRepository: ...
    @property
    def notices(self) -> NoticeRepository: ...
    @property
    def disclosures(self) -> DisclosureRepository: ...
    @property
    def configurations(self) -> TenantConfigurations: ...
    @property
    def audit(self) -> AuditRecorder: ...
    @property
    def telaah(self) -> TelaahRepository: ...


class Sealer(Protocol):
    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload:
        """``document`` sealed to the tenant's current key of ``audience``, bound to ``case``."""
        ...


class Opener(Protocol):
    def open(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[D]) -> D:
        """The document sealed to a key this service holds, bound to ``tenant`` and ``case``."""
        ...


class SecretHasher(Protocol):
    """Keeps a secret only as something it can be checked against."""

    async def hash(self, secret: str) -> str: ...
    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        """False for ``None`` too, after the same work, so timing does not reveal which reports exist."""
        ...

    def needs_rehash(self, secret_hash: str) -> bool:
        """True for a hash of an older kind: replace it once the secret has been verified."""
        ...


class PasswordHasher(Protocol):
    """A slow, memory-hard hash (argon2id) for passwords people choose."""

    async def hash(self, secret: str) -> str: ...
    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        """False for ``None`` too, after the same work."""
        ...

    def needs_rehash(self, secret_hash: str) -> bool: ...


class KeyedDigests(Protocol):
    """A keyed digest (a MAC under a server-side key) of data that must not be kept in the clear."""

    def digest(self, purpose: str, data: bytes) -> bytes: ...


class AttemptGuard(Protocol):
    """Counts tries of secrets per registration number (see ``domain.attempts``)."""

    def begin(self, registration_number: str) -> float:
        """0 if a try is allowed now (it counts as a failure until :meth:`succeeded`), else the
        seconds to wait."""
        ...

    def succeeded(self, registration_number: str) -> None: ...
