"""The reporter's secret (and idempotency keys, and request fingerprints) kept as keyed digests.

The secret is 125 random bits, so a slow hash would add nothing to it: nobody can guess it, with
or without the database. What must not happen is that a stolen database lets someone check a
secret offline, or link a digest to anything outside: so each digest is HMAC-SHA-256 under a
server-side pepper that never enters the database, one sub-key per purpose. It costs microseconds
where argon2id cost 25 ms of CPU per submission and per status check (a cheap denial of service).

Stored form: ``hmac-sha256$<pepper id>$<digest, base64url>``. The pepper id (a hash of the pepper)
tells a digest made under another pepper from a wrong secret, so an operator who lost or replaced
the pepper is told so in the log instead of seeing every status check fail silently.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets

from wbs_intake.adapters.hashing import ARGON2ID_PREFIX, Argon2PasswordHasher

log = logging.getLogger(__name__)

KEYED_PREFIX = "hmac-sha256$"
REPORTER_SECRET_PURPOSE = "reporter-secret"  # noqa: S105 - a label, not a secret


class KeyedDigests:
    """HMAC-SHA-256 under the pepper, with one sub-key per purpose (domain separation)."""

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < 32:
            raise ValueError("the pepper must have at least 32 bytes")
        self._pepper = pepper
        self._keys: dict[str, bytes] = {}
        self.pepper_id = hashlib.sha256(b"wbs-intake/pepper-id\0" + pepper).hexdigest()[:12]

    def digest(self, purpose: str, data: bytes) -> bytes:
        key = self._keys.get(purpose)
        if key is None:
            key = self._keys[purpose] = hmac.digest(self._pepper, b"wbs-intake/" + purpose.encode(), "sha256")
        return hmac.digest(key, data, "sha256")


class ReporterSecretHasher:
    """The reporter's secret: keyed digests for new secrets; argon2id hashes from before still verify
    (and are replaced by a keyed digest at the first correct status check)."""

    def __init__(self, digests: KeyedDigests, legacy: Argon2PasswordHasher | None = None) -> None:
        self._digests = digests
        self._legacy = legacy
        self._prefix = f"{KEYED_PREFIX}{digests.pepper_id}$"
        self._decoy = self._stored(secrets.token_bytes(32))
        self._warned = False

    def _stored(self, digest: bytes) -> str:
        return self._prefix + base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _digest(self, secret: str) -> str:
        return self._stored(self._digests.digest(REPORTER_SECRET_PURPOSE, secret.encode()))

    async def hash(self, secret: str) -> str:
        return self._digest(secret)

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        if secret_hash is not None and secret_hash.startswith(ARGON2ID_PREFIX):
            if self._legacy is None:
                self._legacy = Argon2PasswordHasher()
            return await self._legacy.verify(secret_hash, secret)
        if (
            secret_hash is not None
            and secret_hash.startswith(KEYED_PREFIX)
            and not secret_hash.startswith(self._prefix)
        ):
            self._warn_other_pepper()
        # The same work whether or not there is a digest to compare with, and in constant time.
        matches = hmac.compare_digest(self._digest(secret).encode(), (secret_hash or self._decoy).encode())
        return matches and secret_hash is not None

    def needs_rehash(self, secret_hash: str) -> bool:
        return not secret_hash.startswith(self._prefix)

    def _warn_other_pepper(self) -> None:
        if not self._warned:
            self._warned = True
            log.error(
                "a reporter's secret digest was made under another pepper (not %s): is the configured pepper "
                "the one this database was written with? Reports whose secrets were digested under a lost "
                "pepper cannot be opened.",
                self._digests.pepper_id,
            )
