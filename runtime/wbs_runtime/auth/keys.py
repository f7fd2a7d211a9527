"""The assertion keys on disk: directory's signing key, and the public key set for every service.

The master copy lives in the key root's ``_master/`` like the sealing keys; ``issue_assertion_keys``
gives directory its private key and every service the public key set, at the root of each
service's key directory. Rotation adds a key to the set before directory signs with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from joserfc.jwk import OKPKey

from wbs_runtime.auth.assertions import SIGNING_KEY_FILE, VERIFY_KEYS_FILE, new_signing_key
from wbs_runtime.crypto.keystore import MASTER

#: The service that signs assertions.
ISSUING_SERVICE = "directory"


def _write(path: Path, document: object, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as handle:
        json.dump(document, handle, indent=2)
    os.replace(temporary, path)


def ensure_signing_key(key_root: Path) -> OKPKey:
    """The master signing key, created the first time (a development key under ``make run``)."""
    path = key_root / MASTER / SIGNING_KEY_FILE
    if path.exists():
        return OKPKey.import_key(json.loads(path.read_text(encoding="utf-8")))
    key = new_signing_key()
    _write(path, key.as_dict(private=True, kid=key.thumbprint()), 0o600)
    return key


def issue_assertion_keys(key_root: Path, services: Iterable[str]) -> None:
    key = ensure_signing_key(key_root)
    public = {"keys": [key.as_dict(private=False, kid=key.thumbprint())]}
    for service in services:
        _write(key_root / service / VERIFY_KEYS_FILE, public, 0o644)
        if service == ISSUING_SERVICE:
            _write(key_root / service / SIGNING_KEY_FILE, key.as_dict(private=True, kid=key.thumbprint()), 0o600)
