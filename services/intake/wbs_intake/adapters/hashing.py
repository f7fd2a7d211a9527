"""The reporter's secret, kept only as an argon2id hash (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2SecretHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Checked when a registration number is unknown, so that costs as much as a wrong secret.
        self._decoy = self._hasher.hash(secrets.token_hex(16))

    async def hash(self, secret: str) -> str:
        # Deliberately slow (tens of ms of CPU): keep it off the event loop.
        return await asyncio.to_thread(self._hasher.hash, secret)

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        return await asyncio.to_thread(self._verify, secret_hash, secret)

    def _verify(self, secret_hash: str | None, secret: str) -> bool:
        try:
            self._hasher.verify(secret_hash or self._decoy, secret)
        except (VerificationError, InvalidHashError):
            return False
        return secret_hash is not None
