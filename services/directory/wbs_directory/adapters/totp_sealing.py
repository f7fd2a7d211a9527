"""TOTP secrets sealed at rest (``wbs_runtime.crypto.secret_sealer``): whoever reads directory's
database cannot generate an officer's codes without directory's own key ``WBS_DIRECTORY_TOTP_KEY``.
The officer's id is sealed with the secret, so a sealed secret copied onto another officer's row
does not open."""

from __future__ import annotations

from wbs_runtime.crypto.secret_sealer import SecretSealer, SecretUnreadable

KEY_FILE_NAME = "directory-totp-key"
TotpSecretUnreadable = SecretUnreadable


class TotpSealer(SecretSealer):
    def __init__(self, service_secret: bytes) -> None:
        super().__init__(service_secret, context=b"wbs-directory-totp", what="TOTP secret", owner="officer")
