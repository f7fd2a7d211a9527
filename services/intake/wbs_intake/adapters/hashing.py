"""argon2id, for secrets people choose (passwords; the pseudonym-and-password option to come).

A person's password has little entropy, so it needs a deliberately slow, memory-hard hash. The
reporter's secret does not: it is 125 random bits, and is kept as a keyed digest instead (see
``keyed_digest``). Intake still verifies argon2id hashes because reports received before keyed
digests hold them.

Parameters: OWASP's recommended argon2id minimum (19 MiB, 2 passes, 1 lane), about 25 ms of CPU
here. Each hash records its parameters, so a heavier profile can come later without breaking
existing hashes.
"""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ARGON2ID_PREFIX = "$argon2id$"


class Argon2PasswordHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
        # Checked when there is no hash to check against, so that costs as much as a wrong password.
        self._decoy = self._hasher.hash(secrets.token_hex(16))

    async def hash(self, secret: str) -> str:
        # Deliberately slow (tens of ms of CPU, 19 MiB): keep it off the event loop.
        return await asyncio.to_thread(self._hasher.hash, secret)

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        return await asyncio.to_thread(self._verify, secret_hash, secret)

    def needs_rehash(self, secret_hash: str) -> bool:
        return not secret_hash.startswith(ARGON2ID_PREFIX) or self._hasher.check_needs_rehash(secret_hash)

    def _verify(self, secret_hash: str | None, secret: str) -> bool:
        try:
            self._hasher.verify(secret_hash or self._decoy, secret)
        except (VerificationError, InvalidHashError):
            return False
        return secret_hash is not None
