"""Single sign-on: an officer's account linked to an identity at a body's OpenID provider.

An identity is the pair (issuer, subject) of the provider's ID token; it opens exactly the one
account it is linked to, and only while the issuer is the one a tenant of that officer names in
its policy. A sign-in through the provider is an authorization code flow with PKCE, state and
nonce; the flow waits for the provider's answer as an ``SsoFlow``, bound to the browser that
started it by a cookie of its own (only its digest is kept) and usable once, for a few minutes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from wbs_directory.domain.messages import N_

#: A provider's answer must come back within this after the officer was sent there.
FLOW_LIFETIME = timedelta(minutes=10)
#: Issuers are https URLs; plain http only for the loopback address (tests, ``make run``).
ISSUER_PATTERN = re.compile(r"^(https://[^\s/?#]+|http://(127\.0\.0\.1|localhost)(:\d+)?)(/[^\s?#]*)?$")
INVALID_ISSUER = N_("Penerbit (issuer) OpenID harus berupa alamat https tanpa kueri atau fragmen.")


class SsoPurpose(StrEnum):
    SIGN_IN = "masuk"
    LINK = "hubungkan"


class InvalidIdentity(ValueError):
    """An issuer or subject that cannot name an identity; the message is bilingual."""


def check_issuer(issuer: str) -> str:
    issuer = issuer.strip()
    if not ISSUER_PATTERN.match(issuer) or len(issuer) > 300:
        raise InvalidIdentity(
            f"{issuer!r}: {INVALID_ISSUER} / an OpenID issuer is an https URL without query or fragment"
        )
    return issuer


def check_subject(subject: str) -> str:
    """The provider's ``sub``: at most 255 ASCII characters (OpenID Connect Core 2)."""
    if not 0 < len(subject) <= 255 or not subject.isascii() or not subject.isprintable():
        raise InvalidIdentity(
            f"{subject!r}: subjek (sub) 1–255 karakter ASCII / a subject is 1-255 printable ASCII characters"
        )
    return subject


@dataclass(frozen=True)
class IdentityLink:
    officer_id: UUID
    issuer: str
    subject: str
    linked_at: datetime
    #: The officer themselves (their id), or ``operator:<user>`` for the ``wbs`` command.
    linked_by: str


@dataclass(frozen=True)
class SsoFlow:
    """A sign-in or a link sent to the provider, waiting for its answer."""

    issuer: str
    tenant: str
    purpose: SsoPurpose
    state: str
    nonce: str
    code_verifier: str
    started_at: datetime
    #: For a link: the officer whose signed-in session started it.
    officer_id: UUID | None = None

    def expired(self, now: datetime) -> bool:
        return now >= self.started_at + FLOW_LIFETIME

    def answers(self, state: str) -> bool:
        """The provider's ``state`` is the one this flow sent (compared in constant time)."""
        return secrets.compare_digest(self.state.encode(), state.encode())


def new_flow(
    *, issuer: str, tenant: str, purpose: SsoPurpose, at: datetime, officer_id: UUID | None = None
) -> tuple[str, SsoFlow]:
    """The browser's cookie value, and the flow it opens (state, nonce and PKCE verifier fresh)."""
    flow = SsoFlow(
        issuer=issuer,
        tenant=tenant,
        purpose=purpose,
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        # RFC 7636: 43-128 characters; 64 random bytes encode to 86.
        code_verifier=secrets.token_urlsafe(64),
        started_at=at,
        officer_id=officer_id,
    )
    return secrets.token_urlsafe(32), flow


def flow_digest(token: str) -> bytes:
    return hashlib.sha256(b"wbs-sso-flow\0" + token.encode()).digest()


#: RFC 8176 methods: something the officer has, and something they know or are.
POSSESSION = frozenset({"otp", "hwk", "swk", "sms", "tel", "sc"})
KNOWLEDGE_OR_INHERENCE = frozenset({"pwd", "pin", "kba", "face", "fpt", "iris", "retina", "vbm", "user"})


def provider_did_mfa(amr: tuple[str, ...]) -> bool:
    """Whether the provider reports a second factor in its ``amr`` (RFC 8176): ``mfa``, or a
    possession factor beside a knowledge or inherence factor. ``acr`` values are the provider's
    own vocabulary, so they are not trusted for this."""
    methods = set(amr)
    return "mfa" in methods or bool(methods & POSSESSION and methods & KNOWLEDGE_OR_INHERENCE)


def session_methods(amr: tuple[str, ...]) -> tuple[str, ...]:
    """The session's ``amr`` after a sign-in through the provider."""
    return ("oidc", "mfa") if provider_did_mfa(amr) else ("oidc",)
