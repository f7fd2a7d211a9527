"""Signing and verifying the caller's assertion (a compact JWS, Ed25519, RFC 9864's ``Ed25519``).

Directory holds the private key and signs one assertion per session and audience; every service
holds the public key set (several keys during a rotation) and verifies each request's assertion:
signature, issuer, its own audience, expiry. The claims are ``wbs_contracts.identity.CallerClaims``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey
from pydantic import ValidationError

from wbs_contracts.identity import ASSERTION_LIFETIME_SECONDS, ISSUER, CallerClaims

ALGORITHM = "Ed25519"
#: Files at the root of a service's key directory (``WBS_KEY_DIR``), beside the tenants' folders.
SIGNING_KEY_FILE = "assertion-signing.jwk"
VERIFY_KEYS_FILE = "assertion-verify.jwks"
#: Clocks of two processes on one host or cluster differ by less than this.
LEEWAY_SECONDS = 5


class InvalidAssertion(Exception):
    """The assertion is missing, forged, expired or meant for another service."""


class AssertionSigner:
    def __init__(self, key: OKPKey) -> None:
        self._key = key
        self._kid = key.thumbprint()

    @classmethod
    def from_key_dir(cls, key_dir: Path) -> AssertionSigner:
        document = json.loads((key_dir / SIGNING_KEY_FILE).read_text(encoding="utf-8"))
        return cls(OKPKey.import_key(document))

    def sign(self, claims: CallerClaims) -> str:
        header = {"alg": ALGORITHM, "kid": self._kid, "typ": "JWT"}
        return jwt.encode(header, claims.model_dump(mode="json"), self._key, algorithms=[ALGORITHM])


class AssertionVerifier:
    def __init__(self, keys: KeySet, audience: str) -> None:
        self._keys = keys
        self._audience = audience
        self._registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": ISSUER},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    @classmethod
    def from_key_dir(cls, key_dir: Path, audience: str) -> AssertionVerifier:
        document = json.loads((key_dir / VERIFY_KEYS_FILE).read_text(encoding="utf-8"))
        return cls(KeySet.import_key_set(document), audience)

    def verify(self, token: str) -> CallerClaims:
        """The caller's claims, or ``InvalidAssertion`` (its message names the kind of failure only)."""
        try:
            decoded = jwt.decode(token, self._keys, algorithms=[ALGORITHM])
            self._registry.validate(decoded.claims)
            return CallerClaims.model_validate(decoded.claims)
        except (JoseError, ValidationError, ValueError) as error:
            raise InvalidAssertion(type(error).__name__) from error


def new_signing_key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


def validity(lifetime: int = ASSERTION_LIFETIME_SECONDS) -> dict[str, int]:
    """``iat`` and ``exp`` for an assertion issued now."""
    issued = int(time.time())
    return {"iat": issued, "exp": issued + lifetime}
