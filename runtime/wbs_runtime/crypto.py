"""Sealing the reporter's identity and the report's substance for the services entitled to them.

Each tenant has one X25519 key pair per audience (see ``wbs_contracts.sealed.Audience``). Whoever
produces an event needs only the public key; only services entitled to an audience load its
private key. Keys come from a key directory (``WBS_KEY_DIR``) or from ``WBS_KEYS`` (JSON).

Directory layout, one folder per tenant::

    <key dir>/<tenant>/<audience>.pub.json        {"kid": ..., "public_key": <base64>}
    <key dir>/<tenant>/<audience>-<fingerprint>.key   <base64 private key>, mode 0600

Old private keys stay beside the current one so that events sealed before a rotation still open.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from pydantic import BaseModel, ValidationError

from wbs_contracts.sealed import Audience, SealedPayload
from wbs_runtime.errors import Unretryable

M = TypeVar("M", bound=BaseModel)


class MissingKey(Unretryable, LookupError):
    """A key needed to seal or open is not available to this service."""


class SealedPayloadError(Unretryable, ValueError):
    """A sealed payload could not be opened: wrong key, tampered, or not the expected document.

    Its message never carries what was decrypted: it may end up in logs and dead-letter headers.
    """


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def fingerprint(public_key: PublicKey) -> str:
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]


def key_id(tenant: str, audience: str, public_key: PublicKey) -> str:
    return f"{tenant}/{audience}/{fingerprint(public_key)}"


@dataclass
class KeyRing:
    """The public keys this service may seal to and the private keys it may open with."""

    public: dict[tuple[str, str], tuple[str, PublicKey]] = field(default_factory=dict)
    private: dict[str, PrivateKey] = field(default_factory=dict)

    def add(self, tenant: str, audience: str, public_key: PublicKey, private_keys: Iterable[PrivateKey] = ()) -> None:
        self.public[(tenant, audience)] = (key_id(tenant, audience, public_key), public_key)
        for private_key in private_keys:
            self.private[key_id(tenant, audience, private_key.public_key)] = private_key

    def seal(self, tenant: str, audience: str, document: BaseModel) -> SealedPayload:
        try:
            kid, public_key = self.public[(tenant, audience)]
        except KeyError as error:
            raise MissingKey(f"no public key for tenant {tenant!r}, audience {audience!r}") from error
        ciphertext = SealedBox(public_key).encrypt(document.model_dump_json().encode())
        return SealedPayload(audience=audience, kid=kid, ciphertext=_b64(ciphertext))

    def open(self, sealed: SealedPayload, tenant: str, model: type[M]) -> M:
        if not sealed.kid.startswith(f"{tenant}/{sealed.audience}/"):
            raise SealedPayloadError(f"payload is sealed to {sealed.kid}, not to tenant {tenant!r}")
        private_key = self.private.get(sealed.kid)
        if private_key is None:
            raise MissingKey(f"this service holds no private key {sealed.kid}")
        try:
            plaintext = SealedBox(private_key).decrypt(base64.b64decode(sealed.ciphertext, validate=True))
        except (CryptoError, ValueError) as error:
            raise SealedPayloadError(f"cannot open payload sealed to {sealed.kid}: {type(error).__name__}") from None
        try:
            return model.model_validate_json(plaintext)
        except ValidationError as error:
            # Only where and what kind: pydantic's own text would quote the decrypted input.
            problems = ", ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'} ({e['type']})" for e in error.errors())
            raise SealedPayloadError(
                f"payload sealed to {sealed.kid} is not a valid {model.__name__}: {problems}"
            ) from None

    def can_seal(self, tenant: str, audience: str) -> bool:
        return (tenant, audience) in self.public

    @classmethod
    def from_directory(cls, directory: Path, open_audiences: Collection[str] = ()) -> KeyRing:
        """Load every tenant's public keys, and private keys only for ``open_audiences``."""
        ring = cls()
        if not directory.is_dir():
            return ring
        for tenant_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
            for public_file in sorted(tenant_dir.glob("*.pub.json")):
                audience = public_file.name.removesuffix(".pub.json")
                public_key = PublicKey(base64.b64decode(json.loads(public_file.read_text())["public_key"]))
                private_keys = []
                if audience in open_audiences:
                    private_keys = [
                        PrivateKey(base64.b64decode(path.read_text().strip()))
                        for path in sorted(tenant_dir.glob(f"{audience}-*.key"))
                    ]
                ring.add(tenant_dir.name, audience, public_key, private_keys)
        return ring

    @classmethod
    def from_json(cls, document: str, open_audiences: Collection[str] = ()) -> KeyRing:
        """``{"<tenant>": {"<audience>": {"public": b64, "private": [b64, ...]}}}``."""
        ring = cls()
        for tenant, audiences in json.loads(document).items():
            for audience, keys in audiences.items():
                private = keys.get("private", []) if audience in open_audiences else []
                ring.add(
                    tenant,
                    audience,
                    PublicKey(base64.b64decode(keys["public"])),
                    [PrivateKey(base64.b64decode(k)) for k in private],
                )
        return ring

    @classmethod
    def load(cls, directory: Path | None, keys_json: str | None, open_audiences: Collection[str] = ()) -> KeyRing:
        ring = cls.from_directory(directory, open_audiences) if directory else cls()
        if keys_json:
            extra = cls.from_json(keys_json, open_audiences)
            ring.public.update(extra.public)
            ring.private.update(extra.private)
        return ring


def _write_private(path: Path, text: str, *, replace: bool) -> None:
    """A private key file, readable by its owner only from the moment it exists."""
    mode = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    with os.fdopen(os.open(path, mode, 0o600), "w") as handle:
        handle.write(text)


def ensure_tenant_keys(directory: Path, tenant: str, audiences: Iterable[str] = Audience.ALL) -> list[Path]:
    """Create the tenant's key pairs that do not exist yet (development keys); returns new files."""
    tenant_dir = directory / tenant
    tenant_dir.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    for audience in audiences:
        public_file = tenant_dir / f"{audience}.pub.json"
        if public_file.exists():
            continue
        private_key = PrivateKey.generate()
        private_file = tenant_dir / f"{audience}-{fingerprint(private_key.public_key)}.key"
        _write_private(private_file, _b64(bytes(private_key)) + "\n", replace=False)
        public_file.write_text(
            json.dumps(
                {
                    "kid": key_id(tenant, audience, private_key.public_key),
                    "public_key": _b64(bytes(private_key.public_key)),
                },
                indent=2,
            )
            + "\n"
        )
        created += [public_file, private_file]
    return created


def issue_for_services(key_root: Path, tenant: str, services: Iterable[str]) -> None:
    """Split a tenant's keys into one directory per service, as a deployment mounts them:
    every service gets every public key, and private keys only where ``Audience.READERS`` says."""
    master = key_root / "_master"
    ensure_tenant_keys(master, tenant)
    for service in services:
        target = key_root / service / tenant
        target.mkdir(parents=True, exist_ok=True)
        for public_file in (master / tenant).glob("*.pub.json"):
            (target / public_file.name).write_text(public_file.read_text())
        for audience in Audience.readable_by(service):
            for private_file in (master / tenant).glob(f"{audience}-*.key"):
                _write_private(target / private_file.name, private_file.read_text(), replace=True)


if __name__ == "__main__":
    import argparse

    from wbs_contracts.registry import SERVICES

    parser = argparse.ArgumentParser(
        prog="python -m wbs_runtime.crypto",
        description="Issue a tenant's keys into one directory per service (mount <root>/<service> as WBS_KEY_DIR).",
    )
    parser.add_argument("--tenant", required=True, action="append")
    parser.add_argument("--into", required=True, type=Path, help="key root, e.g. deploy/keys")
    arguments = parser.parse_args()
    for tenant_id in arguments.tenant:
        issue_for_services(arguments.into, tenant_id, SERVICES)
        print(
            f"keys for {tenant_id} issued under {arguments.into}/<service>/ (master copy in _master/: keep it offline)"
        )
