"""The reporter's secret, kept only as an argon2id hash.

Parameters: OWASP's recommended argon2id minimum (19 MiB, 2 passes, 1 lane), about 25 ms here.
The secret is 125 random bits, not a human-chosen password, so a heavier profile would buy no
safety: argon2-cffi's default (64 MiB, 3 passes, 4 lanes) cost 150-190 ms of CPU per submission
and per status check and capped the whole system at 7 reports/s on 2 cores (see bench/RESULTS.md).
Each hash records its parameters, so pseudonym passwords can later use a heavier profile.
"""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2SecretHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
        # Checked when a registration number is unknown, so that costs as much as a wrong secret.
        self._decoy = self._hasher.hash(secrets.token_hex(16))

    async def hash(self, secret: str) -> str:
        # Deliberately slow (tens of ms of CPU, 19 MiB): keep it off the event loop.
        return await asyncio.to_thread(self._hasher.hash, secret)

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        return await asyncio.to_thread(self._verify, secret_hash, secret)

    def _verify(self, secret_hash: str | None, secret: str) -> bool:
        try:
            self._hasher.verify(secret_hash or self._decoy, secret)
        except (VerificationError, InvalidHashError):
            return False
        return secret_hash is not None
