"""TOTP secrets sealed at rest: whoever reads directory's database (a backup, a dump) cannot
generate an officer's codes without directory's own key.

XSalsa20-Poly1305 (libsodium's secretbox) under a key derived from the service secret
``WBS_DIRECTORY_TOTP_KEY`` (``wbs_runtime.crypto.service_secret``: a file in the key directory
under ``make run``). The officer's id is sealed with the secret and checked on opening, so a sealed
secret copied onto another officer's row does not open. A row from before sealing (plain base32)
is still read, and sealed the next time the officer's row is written.
"""

from __future__ import annotations

import base64
import hashlib
from uuid import UUID

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

PREFIX = "sealed:v1:"
KEY_FILE_NAME = "directory-totp-key"


class TotpSecretUnreadable(RuntimeError):
    """Sealed under another key, or moved from another officer's row."""


class TotpSealer:
    def __init__(self, service_secret: bytes) -> None:
        self._box = SecretBox(hashlib.sha256(b"wbs-directory-totp\x00" + service_secret).digest())

    def seal(self, officer_id: UUID, secret: str | None) -> str | None:
        if secret is None:
            return None
        sealed = self._box.encrypt(f"{officer_id}:{secret}".encode())
        return PREFIX + base64.b64encode(bytes(sealed)).decode()

    def open(self, officer_id: UUID, stored: str | None) -> str | None:
        if stored is None or not stored.startswith(PREFIX):
            return stored  # nothing, or a secret kept before sealing
        try:
            plain = self._box.decrypt(base64.b64decode(stored.removeprefix(PREFIX))).decode()
        except (CryptoError, ValueError) as error:
            raise TotpSecretUnreadable("the TOTP secret does not open with this key") from error
        owner, _, secret = plain.partition(":")
        if owner != str(officer_id):
            raise TotpSecretUnreadable("the TOTP secret belongs to another officer")
        return secret
