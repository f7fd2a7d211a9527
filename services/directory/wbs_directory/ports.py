"""What directory's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from wbs_contracts.identity import CallerClaims
from wbs_directory.domain.identity_link import IdentityLink, SsoFlow
from wbs_directory.domain.officer import Grant, Officer
from wbs_directory.domain.session import Ended, SignInSession
from wbs_directory.domain.tenant import TenantDocument
from wbs_runtime.unit_of_work import EventOutbox, Transactional


@dataclass(frozen=True)
class StoredTenant:
    document: TenantDocument
    version: int
    changed_at: datetime
    changed_by: str


class Tenants(Protocol):
    async def all(self, *, lock: bool = False) -> dict[str, StoredTenant]:
        """Every tenant's current version, by id; with ``lock``, locked against concurrent changes
        until the transaction ends (what a change of the directory, checked as a whole, needs)."""
        ...

    async def save(self, stored: StoredTenant) -> None:
        """Store a new current version and keep it in the tenant's history."""
        ...

    async def history(self, tenant_id: str) -> list[StoredTenant]: ...


class Officers(Protocol):
    """Officers, their grants and recovery codes; and what they need to know of the tenants."""

    async def by_login(self, login: str) -> Officer | None: ...

    async def by_id(self, officer_id: UUID, *, lock: bool = False) -> Officer | None:
        """The officer; ``lock`` holds the row for this transaction (codes must not be used twice)."""
        ...

    async def all(self) -> list[Officer]: ...

    async def add(self, officer: Officer) -> None: ...

    async def update(self, officer: Officer) -> None: ...

    async def grants(self, officer_id: UUID) -> list[Grant]: ...

    async def all_grants(self) -> dict[UUID, list[Grant]]: ...

    async def grant(self, officer_id: UUID, grant: Grant, *, at: datetime, by: str) -> bool:
        """True if the grant is new."""
        ...

    async def revoke(self, officer_id: UUID, grant: Grant) -> bool:
        """True if there was such a grant."""
        ...

    async def tenant_parents(self) -> dict[str, str | None]:
        """Every tenant's parent (None at the root)."""
        ...

    async def tenant_names(self) -> dict[str, str]: ...

    async def tenants_requiring_totp(self, tenant_ids: list[str]) -> list[str]:
        """Those of ``tenant_ids`` whose policy requires a second factor."""
        ...

    async def replace_recovery_codes(self, officer_id: UUID, digests: list[str], *, at: datetime) -> None: ...

    async def use_recovery_code(self, officer_id: UUID, digest: str, *, at: datetime) -> bool:
        """True if the code was unused (it is used now)."""
        ...

    async def recovery_codes_left(self, officer_id: UUID) -> int: ...


class Sessions(Protocol):
    async def add(self, session: SignInSession, token_digest: bytes) -> None: ...

    async def by_token(self, token_digest: bytes) -> SignInSession | None:
        """The session (locked for this transaction), whatever its state."""
        ...

    async def save(self, session: SignInSession) -> None:
        """Store the session's stage, methods, last use and end."""
        ...

    async def replace_token(self, session_id: UUID, token_digest: bytes) -> None: ...

    async def end_all(self, officer_id: UUID, *, at: datetime, reason: Ended, keep: UUID | None = None) -> int:
        """End every live session of the officer (but ``keep``); how many there were."""
        ...

    async def last_sign_ins(self, officer_ids: list[UUID]) -> dict[UUID, datetime]:
        """When each of the officers last completed a sign-in (those who never did are left out)."""
        ...


class AuditAction(StrEnum):
    SIGNED_IN = "signed-in"
    SIGN_IN_FAILED = "sign-in-failed"
    SIGN_IN_THROTTLED = "sign-in-throttled"
    CODE_FAILED = "totp-code-failed"
    RECOVERY_CODE_USED = "recovery-code-used"
    SIGNED_OUT = "signed-out"
    SIGNED_OUT_EVERYWHERE = "signed-out-everywhere"
    PASSWORD_CHANGED = "password-changed"  # noqa: S105 - an action, not a password
    PASSWORD_RESET = "password-reset"  # noqa: S105
    OFFICER_CREATED = "officer-created"
    OFFICER_DEACTIVATED = "officer-deactivated"
    ROLE_GRANTED = "role-granted"
    ROLE_REVOKED = "role-revoked"
    TOTP_ENROLLED = "totp-enrolled"
    TENANT_CREATED = "created"
    POLICY_CHANGED = "policy-changed"
    RECOVERY_CODES_RENEWED = "recovery-codes-renewed"
    SSO_LINKED = "sso-linked"
    SSO_UNLINKED = "sso-unlinked"
    #: An operator opened the queue-health page (deployment-wide; no case content).
    VIEWED = "viewed"


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit trail, as directory's use cases describe it.

    ``tenants`` are the tenants whose trail the entry belongs to (an officer's sign-in belongs to
    every tenant the officer holds a role in; a grant to the grant's tenant). ``actor`` is an
    officer id, ``operator:<user>`` for the ``wbs`` command, or None when nobody was recognised.
    Never a password, code or token."""

    action: AuditAction
    actor: str | None
    tenants: tuple[str, ...] = ()
    #: The officer acted upon (id), or the login name as typed for a failed sign-in.
    subject: str | None = None
    session_id: str | None = None
    detail: Mapping[str, str] = field(default_factory=dict)
    #: What ``subject`` is: an officer, or a tenant (whose document changed).
    object_type: str = "officer"


class AuditLog(Protocol):
    """The seam where directory's officer actions reach the audit trail, inside the use case's
    transaction (the runtime's append-only trail plugs in here)."""

    async def record(self, entry: AuditRecord) -> None: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a wrong password, and for None (costing as much, so timing tells nothing)."""
        ...


class SignInThrottle(Protocol):
    """Counts wrong passwords and codes per kind (account, client, code) and key."""

    def wait(self, kind: str, key: str) -> timedelta: ...

    def failed(self, kind: str, key: str) -> None: ...

    def succeeded(self, kind: str, key: str) -> None: ...


class IdentityLinks(Protocol):
    """Officers' identities at their bodies' OpenID providers, and the flows waiting for a provider."""

    async def officer_of(self, issuer: str, subject: str) -> UUID | None: ...

    async def of_officer(self, officer_id: UUID) -> list[IdentityLink]: ...

    async def link(self, link: IdentityLink) -> UUID | None:
        """Store the link; the officer the identity is linked to already, if it is (nothing changes then)."""
        ...

    async def unlink(self, officer_id: UUID, issuer: str) -> bool:
        """True if the officer had an identity at ``issuer``."""
        ...

    async def sso_tenants(self) -> dict[str, tuple[str, str]]:
        """Every active tenant whose policy names an OpenID issuer: id -> (name, issuer)."""
        ...

    async def start_flow(self, token_digest: bytes, flow: SsoFlow) -> None:
        """Keep the flow (and forget flows that have expired)."""
        ...

    async def take_flow(self, token_digest: bytes) -> SsoFlow | None:
        """The flow, removed: a provider's answer is accepted once."""
        ...


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who the provider says signed in: from an ID token whose signature, issuer, audience,
    nonce and expiry were checked."""

    issuer: str
    subject: str
    #: How the provider authenticated them (RFC 8176 values), as it reports.
    amr: tuple[str, ...] = ()
    acr: str | None = None


class ProviderFailed(Exception):
    """The provider could not be reached, refused the code, or gave an ID token that fails a check.
    The message is for the log, never for the page."""


class IdentityProviders(Protocol):
    """The OpenID providers the deployment has a client at (issuer -> client id and secret)."""

    def configured(self, issuer: str) -> bool: ...

    async def authorization_url(self, flow: SsoFlow, redirect_uri: str) -> str:
        """Where to send the browser (discovery is read from the issuer); ``ProviderFailed``."""
        ...

    async def identify(self, flow: SsoFlow, code: str, redirect_uri: str) -> VerifiedIdentity:
        """The code exchanged (with the PKCE verifier) and the ID token verified; ``ProviderFailed``."""
        ...


class AssertionSigning(Protocol):
    def sign(self, claims: CallerClaims) -> str: ...


class DirectoryUnitOfWork(Transactional, Protocol):
    @property
    def tenants(self) -> Tenants: ...

    @property
    def outbox(self) -> EventOutbox: ...

    @property
    def officers(self) -> Officers: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def audit_log(self) -> AuditLog: ...
    @property
    def identities(self) -> IdentityLinks: ...
