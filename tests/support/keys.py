"""Key rings for tests: real keys, generated in memory."""

from __future__ import annotations

from nacl.public import PrivateKey, SealedBox

from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_runtime.crypto import KeyRing
from wbs_runtime.crypto.keystore import b64


def key_rings(*tenants: str) -> tuple[KeyRing, KeyRing]:
    """(a ring that can only seal, a ring that can also open) for every audience of ``tenants``."""
    sealing, opening = KeyRing(), KeyRing()
    for tenant in tenants:
        for audience in Audience.ALL:
            private = PrivateKey.generate()
            sealing.add(tenant, audience, private.public_key)
            opening.add(tenant, audience, private.public_key, [private])
    return sealing, opening


def seal_first_format(ring: KeyRing, tenant: str, document: SealedDocument) -> SealedPayload:
    """Sealed as intake sealed before format 2: the document alone, unpadded, bound to no case."""
    kid, public_key = ring.public[(tenant, document.audience)]
    ciphertext = SealedBox(public_key).encrypt(document.model_dump_json().encode())
    return SealedPayload(audience=document.audience, kid=kid, ciphertext=b64(ciphertext))
