"""Key rings for tests: real keys, generated in memory."""

from __future__ import annotations

from nacl.public import PrivateKey

from wbs_contracts.sealed import Audience
from wbs_runtime.crypto import KeyRing


def key_rings(*tenants: str) -> tuple[KeyRing, KeyRing]:
    """(a ring that can only seal, a ring that can also open) for every audience of ``tenants``."""
    sealing, opening = KeyRing(), KeyRing()
    for tenant in tenants:
        for audience in Audience.ALL:
            private = PrivateKey.generate()
            sealing.add(tenant, audience, private.public_key)
            opening.add(tenant, audience, private.public_key, [private])
    return sealing, opening
