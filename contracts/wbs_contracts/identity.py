"""Who is calling: the claims of the short-lived assertion the gateway forwards with each request.

Directory signs it (EdDSA, compact JWS) for one audience (the service the request goes to) after
resolving the officer's session; every service verifies it with directory's public key and
authorises by the roles the officer holds *in the tenant the request concerns*. A cookie never
reaches a service.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.envelope import TENANT_PATTERN
from wbs_contracts.roles import Role

#: The HTTP header that carries the assertion from the gateway to a service.
ASSERTION_HEADER = "X-WBS-Assertion"
ISSUER = "wbs-directory"
#: Seconds an assertion stays valid; the gateway caches one per session and audience at most this long.
ASSERTION_LIFETIME_SECONDS = 60


class TenantRoles(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    tenant: str = Field(pattern=TENANT_PATTERN)
    roles: tuple[Role, ...]


class CallerClaims(BaseModel):
    """The JWT claims set; unknown claims are ignored so the issuer may add some."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    iss: str = ISSUER
    aud: str = Field(description="The service the request is for: intake, triage, ...")
    sub: str = Field(min_length=1, max_length=64, description="The officer's id (stable, not the login name).")
    name: str = Field(max_length=200, description="Display name, for the audit trail and pages.")
    sid: str = Field(min_length=1, max_length=64, description="Session id, so an audit entry names the session.")
    iat: int
    exp: int
    amr: tuple[str, ...] = Field(default=(), description="How the officer signed in: pwd, otp, oidc.")
    grants: tuple[TenantRoles, ...] = Field(default=(), description="Roles per tenant, exactly as granted.")
