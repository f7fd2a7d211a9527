"""Secrets a service must use again, sealed at rest: directory's TOTP secrets, notify's webhook
signing secrets. Whoever reads the database (a backup, a dump) cannot use them without the service's
own key (``wbs_runtime.crypto.service_secret``: a file in the key directory under ``make run``).

XSalsa20-Poly1305 (libsodium's secretbox) under a key derived from the service secret and a context
naming the use. The owner's id is sealed with the secret and checked on opening, so a sealed secret
copied onto another row does not open. A value from before sealing (plain, no prefix) is read as it
is, and sealed the next time its row is written.
"""

from __future__ import annotations

import base64
import hashlib

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

PREFIX = "sealed:v1:"


class SecretUnreadable(RuntimeError):
    """Sealed under another key, or moved from another owner's row."""


class SecretSealer:
    def __init__(self, service_secret: bytes, *, context: bytes, what: str, owner: str) -> None:
        """``context`` separates the keys of different uses; ``what`` and ``owner`` name the secret
        and its owner in errors ("the TOTP secret belongs to another officer")."""
        self._box = SecretBox(hashlib.sha256(context + b"\x00" + service_secret).digest())
        self._what, self._owner = what, owner

    def seal(self, owner_id: object, secret: str | None) -> str | None:
        if secret is None:
            return None
        sealed = self._box.encrypt(f"{owner_id}:{secret}".encode())
        return PREFIX + base64.b64encode(bytes(sealed)).decode()

    def open(self, owner_id: object, stored: str | None) -> str | None:
        if stored is None or not stored.startswith(PREFIX):
            return stored  # nothing, or a secret kept before sealing
        try:
            plain = self._box.decrypt(base64.b64decode(stored.removeprefix(PREFIX))).decode()
        except (CryptoError, ValueError) as error:
            raise SecretUnreadable(f"the {self._what} does not open with this key") from error
        owner, _, secret = plain.partition(":")
        if owner != str(owner_id):
            raise SecretUnreadable(f"the {self._what} belongs to another {self._owner}")
        return secret
