"""Key pairs on disk: one directory per tenant, a current public key and every private key.

Layout of a key directory (what a service mounts as ``WBS_KEY_DIR``)::

    <key dir>/<tenant>/<audience>.pub.json            {"kid", "public_key", "created"}: the current key
    <key dir>/<tenant>/<audience>-<fingerprint>.key   a private key (base64), mode 0600; earlier
                                                      ones stay so that old data still opens

A key root holds a master copy of every key in ``_master/`` (keep it offline in production) and
one key directory per service with the private keys that service is entitled to
(``Audience.READERS``) and every public key. ``make run`` keeps its key root in ``var/keys``.

Files are replaced atomically (written beside, then renamed), so a running service that reloads
its keys never reads half a file.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nacl.public import PrivateKey, PublicKey

from wbs_contracts.sealed import Audience

MASTER = "_master"
_PRIVATE_FILE = re.compile(r"^(?P<audience>[a-z][a-z0-9-]*)-(?P<fingerprint>[0-9a-f]{16})\.key$")
_PUBLIC_SUFFIX = ".pub.json"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def fingerprint(public_key: PublicKey) -> str:
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]


def key_id(tenant: str, audience: str, public_key: PublicKey) -> str:
    return f"{tenant}/{audience}/{fingerprint(public_key)}"


@dataclass(frozen=True)
class TenantKeys:
    tenant: str
    audience: str
    public: PublicKey
    private: tuple[PrivateKey, ...]


@dataclass(frozen=True)
class KeyInfo:
    audience: str
    kid: str
    current: bool
    created: datetime


# -- reading ---------------------------------------------------------------------------------


def _private_files(tenant_dir: Path, audience: str | None = None) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(tenant_dir.glob("*.key")):
        match = _PRIVATE_FILE.match(path.name)
        if match and audience in (None, match["audience"]):
            found.append((match["audience"], path))
    return found


def _read_public(path: Path) -> PublicKey:
    return PublicKey(base64.b64decode(json.loads(path.read_text())["public_key"], validate=True))


def _read_private(path: Path) -> PrivateKey:
    return PrivateKey(base64.b64decode(path.read_text().strip(), validate=True))


def read_tenant_keys(directory: Path, open_audiences: Collection[str] = ()) -> list[TenantKeys]:
    """Every tenant's current public keys, with private keys only for ``open_audiences``."""
    if not directory.is_dir():
        return []
    found = []
    for tenant_dir in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for public_file in sorted(tenant_dir.glob(f"*{_PUBLIC_SUFFIX}")):
            audience = public_file.name.removesuffix(_PUBLIC_SUFFIX)
            private: tuple[PrivateKey, ...] = ()
            if audience in open_audiences:
                private = tuple(_read_private(path) for _, path in _private_files(tenant_dir, audience))
            found.append(TenantKeys(tenant_dir.name, audience, _read_public(public_file), private))
    return found


def directory_stamp(directory: Path) -> tuple[tuple[str, str, int, int], ...]:
    """What changes when any key file is added, removed or rewritten: names, times and sizes."""
    if not directory.is_dir():
        return ()
    entries = []
    with os.scandir(directory) as tenants:
        for tenant in tenants:
            if not tenant.is_dir():
                continue
            with os.scandir(tenant.path) as files:
                for file in files:
                    status = file.stat()
                    entries.append((tenant.name, file.name, status.st_mtime_ns, status.st_size))
    return tuple(sorted(entries))


def list_tenant_keys(directory: Path, tenant: str) -> list[KeyInfo]:
    """The tenant's key pairs in ``directory``, oldest first per audience, the current one marked."""
    tenant_dir = directory / tenant
    if not tenant_dir.is_dir():
        raise LookupError(f"no keys for tenant {tenant!r} in {directory}")
    keys = []
    for audience, path in _private_files(tenant_dir):
        private_key = _read_private(path)
        public_file = tenant_dir / f"{audience}{_PUBLIC_SUFFIX}"
        current = public_file.exists() and bytes(_read_public(public_file)) == bytes(private_key.public_key)
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        keys.append(KeyInfo(audience, key_id(tenant, audience, private_key.public_key), current, created))
    return sorted(keys, key=lambda k: (k.audience, k.created, k.kid))


# -- writing ---------------------------------------------------------------------------------


def _write_atomic(path: Path, text: str, mode: int) -> None:
    """Readable with ``mode`` from the moment it exists, and replaced in one step."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as handle:
        handle.write(text)
    os.chmod(temporary, mode)  # in case the file was left over with another mode
    os.replace(temporary, path)


def _write_if_changed(path: Path, text: str, mode: int) -> None:
    """Unchanged files keep their times, so running services do not reload for nothing."""
    with contextlib.suppress(FileNotFoundError):
        if path.read_text() == text:
            return
    _write_atomic(path, text, mode)


def _new_pair(directory: Path, tenant: str, audience: str) -> tuple[str, list[Path]]:
    """A new key pair that becomes the current one: the private key is written first, so a
    service never sees a public key whose private half is missing."""
    tenant_dir = directory / tenant
    tenant_dir.mkdir(parents=True, exist_ok=True)
    private_key = PrivateKey.generate()
    kid = key_id(tenant, audience, private_key.public_key)
    private_file = tenant_dir / f"{audience}-{fingerprint(private_key.public_key)}.key"
    with os.fdopen(os.open(private_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(b64(bytes(private_key)) + "\n")
    public_file = tenant_dir / f"{audience}{_PUBLIC_SUFFIX}"
    document = {"kid": kid, "public_key": b64(bytes(private_key.public_key)), "created": datetime.now(UTC).isoformat()}
    _write_atomic(public_file, json.dumps(document, indent=2) + "\n", 0o644)
    return kid, [public_file, private_file]


def ensure_tenant_keys(directory: Path, tenant: str, audiences: Iterable[str] = Audience.ALL) -> list[Path]:
    """Create the tenant's key pairs that do not exist yet (development keys); returns new files."""
    (directory / tenant).mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    for audience in audiences:
        if not (directory / tenant / f"{audience}{_PUBLIC_SUFFIX}").exists():
            created += _new_pair(directory, tenant, audience)[1]
    return created


def rotate_tenant_keys(directory: Path, tenant: str, audiences: Iterable[str] = Audience.ALL) -> list[str]:
    """A new current key pair per audience; earlier private keys stay. Returns the new key ids."""
    unknown = set(audiences) - set(Audience.ALL)
    if unknown:
        raise ValueError(f"unknown audience(s): {', '.join(sorted(unknown))}")
    return [_new_pair(directory, tenant, audience)[0] for audience in audiences]


def issue_for_services(key_root: Path, tenant: str, services: Iterable[str]) -> None:
    """Split a tenant's keys into one directory per service, as a deployment mounts them: every
    service gets every public key, and private keys only where ``Audience.READERS`` says.

    Private keys go out first, everywhere, then the public keys: after a rotation no service seals
    to a key that its readers cannot open yet. A private key a service is no longer entitled to
    is taken away."""
    master = key_root / MASTER
    ensure_tenant_keys(master, tenant)
    source = master / tenant
    services = tuple(services)
    for service in services:
        target = key_root / service / tenant
        target.mkdir(parents=True, exist_ok=True)
        entitled = Audience.readable_by(service)
        for audience, private_file in _private_files(source):
            if audience in entitled:
                _write_if_changed(target / private_file.name, private_file.read_text(), 0o600)
        for audience, held in _private_files(target):
            if audience not in entitled:
                held.unlink()
    for service in services:
        for public_file in sorted(source.glob(f"*{_PUBLIC_SUFFIX}")):
            _write_if_changed(key_root / service / tenant / public_file.name, public_file.read_text(), 0o644)
