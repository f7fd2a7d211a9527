"""The keys a service seals to and opens with.

Each tenant has one X25519 key pair per audience (see ``wbs_contracts.sealed.Audience``) at a
time, and keeps the private keys of earlier pairs so that what was sealed before a rotation still
opens. Whoever produces an event needs only public keys; a service loads the private keys of the
audiences it declares it opens, and nothing else. Keys come from a key directory (``WBS_KEY_DIR``,
laid out as :mod:`wbs_runtime.crypto.keystore` describes) or from ``WBS_KEYS`` (JSON).

A ring loaded from a directory looks at it again at most every few seconds, and reloads when a
file changed: rotated keys reach running services without a restart.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from pydantic import ValidationError

from wbs_contracts.sealed import BOUND_AND_PADDED, Audience, SealedDocument, SealedPayload
from wbs_runtime.crypto.framing import SealedHeader, Unframed, frame, is_framed, unframe
from wbs_runtime.crypto.keystore import b64, directory_stamp, key_id, read_tenant_keys
from wbs_runtime.errors import Unretryable

log = logging.getLogger(__name__)

D = TypeVar("D", bound=SealedDocument)

#: How often at most a ring looks at its key directory for rotated keys.
KEY_CHECK_SECONDS = 3.0


class MissingKey(Unretryable, LookupError):
    """A key needed to seal or open is not available to this service."""


class SealedPayloadError(Unretryable, ValueError):
    """A sealed payload could not be opened: wrong key, tampered, moved from another tenant or case,
    or not the expected document.

    Its message never carries what was decrypted: it may end up in logs and dead-letter headers.
    """


class NotEntitled(ValueError):
    """A service declared that it opens an audience the contract does not entitle it to."""


def entitled_audiences(service: str, audiences: Collection[str]) -> frozenset[str]:
    """``audiences``, if ``Audience.READERS`` entitles ``service`` to every one of them."""
    refused = sorted(set(audiences) - set(Audience.readable_by(service)))
    if refused:
        raise NotEntitled(
            f"{service} may not open {', '.join(refused)}: Audience.READERS in wbs_contracts.sealed "
            f"entitles it to {', '.join(Audience.readable_by(service)) or 'nothing'}"
        )
    return frozenset(audiences)


class KeyRing:
    """The public keys this service may seal to and the private keys it may open with."""

    def __init__(self) -> None:
        #: (tenant, audience) -> (kid, public key): the current key, the one new data is sealed to.
        self.public: dict[tuple[str, str], tuple[str, PublicKey]] = {}
        #: kid -> private key, current and earlier ones.
        self.private: dict[str, PrivateKey] = {}
        self._directory: Path | None = None
        self._open_audiences: frozenset[str] = frozenset()
        self._fixed: KeyRing | None = None
        self._stamp: object = None
        self._next_check = 0.0
        self._check_seconds = KEY_CHECK_SECONDS
        self._clock: Callable[[], float] = time.monotonic

    # -- keys --------------------------------------------------------------------------------

    def add(self, tenant: str, audience: str, public_key: PublicKey, private_keys: Iterable[PrivateKey] = ()) -> None:
        self.public[(tenant, audience)] = (key_id(tenant, audience, public_key), public_key)
        for private_key in private_keys:
            self.private[key_id(tenant, audience, private_key.public_key)] = private_key

    def current_kid(self, tenant: str, audience: str) -> str:
        self._refresh()
        try:
            return self.public[(tenant, audience)][0]
        except KeyError as error:
            raise MissingKey(f"no public key for tenant {tenant!r}, audience {audience!r}") from error

    def can_seal(self, tenant: str, audience: str) -> bool:
        self._refresh()
        return (tenant, audience) in self.public

    # -- sealing -----------------------------------------------------------------------------

    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload:
        """Seal ``document`` to the tenant's current key of ``audience``, bound to ``case``."""
        if audience != document.audience:
            raise ValueError(f"{type(document).__name__} is sealed to {document.audience}, not to {audience}")
        header = SealedHeader(
            tenant=tenant, case=case, audience=audience, type=document.sealed_type, version=document.sealed_version
        )
        plaintext = frame(header, document.model_dump_json().encode(), at_least=document.padded_to_at_least)
        return self._seal_plaintext(tenant, audience, plaintext)

    def open(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[D]) -> D:
        """The document, if ``sealed`` was sealed for this tenant, this case and this document type.

        A payload of the first format names no case: it opens as before, checked against the tenant
        by its key only, until ``wbs keys reseal`` has upgraded it.
        """
        plaintext = self._decrypt(sealed, tenant)
        if is_framed(plaintext):
            header, document = self._checked_header(sealed, plaintext, tenant, case)
            if (header.type, header.version) != (model.sealed_type, model.sealed_version):
                raise SealedPayloadError(f"payload sealed to {sealed.kid} is another document than {model.__name__}")
        elif sealed.format is not None:
            raise SealedPayloadError(f"payload sealed to {sealed.kid} claims format {sealed.format} but has none")
        else:
            document = plaintext
        return _validated(model, document, sealed.kid)

    def reseal(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[SealedDocument]) -> SealedPayload:
        """``sealed`` sealed again to the current key, upgraded to format 2 if it was of the first
        format (then read as ``model``). The document itself is not changed."""
        plaintext = self._decrypt(sealed, tenant)
        if is_framed(plaintext):
            header, _ = self._checked_header(sealed, plaintext, tenant, case)
            if header.type != model.sealed_type:
                raise SealedPayloadError(f"payload sealed to {sealed.kid} is another document than {model.__name__}")
            return self._seal_plaintext(tenant, sealed.audience, plaintext)  # same padded bytes, new key
        if sealed.format is not None:
            raise SealedPayloadError(f"payload sealed to {sealed.kid} claims format {sealed.format} but has none")
        return self.seal(tenant, sealed.audience, _validated(model, plaintext, sealed.kid), case=case)

    def is_current(self, sealed: SealedPayload, tenant: str) -> bool:
        """Sealed to the current key, in the current format: nothing for a re-seal to do."""
        return sealed.format == BOUND_AND_PADDED and sealed.kid == self.current_kid(tenant, sealed.audience)

    def _seal_plaintext(self, tenant: str, audience: str, plaintext: bytes) -> SealedPayload:
        self._refresh()
        try:
            kid, public_key = self.public[(tenant, audience)]
        except KeyError as error:
            raise MissingKey(f"no public key for tenant {tenant!r}, audience {audience!r}") from error
        ciphertext = SealedBox(public_key).encrypt(plaintext)
        return SealedPayload(audience=audience, kid=kid, ciphertext=b64(ciphertext), format=BOUND_AND_PADDED)

    def _decrypt(self, sealed: SealedPayload, tenant: str) -> bytes:
        if not sealed.kid.startswith(f"{tenant}/{sealed.audience}/"):
            raise SealedPayloadError(f"payload is sealed to {sealed.kid}, not to tenant {tenant!r}")
        self._refresh()
        private_key = self.private.get(sealed.kid)
        if private_key is None:
            raise MissingKey(f"this service holds no private key {sealed.kid}")
        try:
            return bytes(SealedBox(private_key).decrypt(base64.b64decode(sealed.ciphertext, validate=True)))
        except (CryptoError, ValueError) as error:
            raise SealedPayloadError(f"cannot open payload sealed to {sealed.kid}: {type(error).__name__}") from None

    @staticmethod
    def _checked_header(sealed: SealedPayload, plaintext: bytes, tenant: str, case: UUID) -> tuple[SealedHeader, bytes]:
        try:
            framed = unframe(plaintext)
        except Unframed as error:
            raise SealedPayloadError(f"payload sealed to {sealed.kid} is malformed: {error}") from None
        header = framed.header
        expected = {"tenant": tenant, "case": case, "audience": sealed.audience}
        wrong = [name for name, value in expected.items() if getattr(header, name) != value]
        if wrong:
            # Names what differs, never the values: they came out of the ciphertext.
            raise SealedPayloadError(f"payload sealed to {sealed.kid} belongs to another {', '.join(wrong)}")
        return header, framed.document

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def from_directory(cls, directory: Path, open_audiences: Collection[str] = ()) -> KeyRing:
        """Every tenant's public keys, and private keys only for ``open_audiences``; the ring
        reloads them when the directory changes."""
        ring = cls()
        ring._directory = directory
        ring._open_audiences = frozenset(open_audiences)
        ring._reload()
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
    def load(
        cls,
        directory: Path | None,
        keys_json: str | None,
        open_audiences: Collection[str] = (),
        *,
        check_seconds: float = KEY_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> KeyRing:
        ring = cls()
        ring._directory = directory
        ring._open_audiences = frozenset(open_audiences)
        ring._fixed = cls.from_json(keys_json, open_audiences) if keys_json else None
        ring._check_seconds = check_seconds
        ring._clock = clock
        ring._reload()
        return ring

    def _reload(self) -> None:
        public: dict[tuple[str, str], tuple[str, PublicKey]] = {}
        private: dict[str, PrivateKey] = {}
        if self._directory is not None:
            self._stamp = directory_stamp(self._directory)
            for keys in read_tenant_keys(self._directory, self._open_audiences):
                public[(keys.tenant, keys.audience)] = (key_id(keys.tenant, keys.audience, keys.public), keys.public)
                for private_key in keys.private:
                    private[key_id(keys.tenant, keys.audience, private_key.public_key)] = private_key
        if self._fixed is not None:
            public.update(self._fixed.public)
            private.update(self._fixed.private)
        self.public, self.private = public, private
        self._next_check = self._clock() + self._check_seconds

    def _refresh(self) -> None:
        """Reload if the key directory changed since it was read; checked at most every few seconds."""
        if self._directory is None or self._clock() < self._next_check:
            return
        self._next_check = self._clock() + self._check_seconds
        try:
            if directory_stamp(self._directory) != self._stamp:
                self._reload()
                log.info("key directory changed: keys reloaded")
        except (OSError, ValueError, KeyError, binascii.Error) as error:
            # A file half-written by hand, say: keep the keys we have and look again later.
            log.warning("key directory could not be read again, keeping the keys loaded before: %r", error)


def _validated(model: type[D], document: bytes, kid: str) -> D:
    try:
        return model.model_validate_json(document)
    except ValidationError as error:
        # Only where and what kind: pydantic's own text would quote the decrypted input.
        problems = ", ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'} ({e['type']})" for e in error.errors())
        raise SealedPayloadError(f"payload sealed to {kid} is not a valid {model.__name__}: {problems}") from None
