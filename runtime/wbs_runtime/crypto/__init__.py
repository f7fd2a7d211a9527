"""Sealing the reporter's identity and the report's substance for the services entitled to them.

- :mod:`~wbs_runtime.crypto.framing`: what is sealed (a header binding tenant and case, padding);
- :mod:`~wbs_runtime.crypto.keyring`: a service's keys, sealing and opening;
- :mod:`~wbs_runtime.crypto.keystore`: key pairs on disk, rotation, one directory per service;
- :mod:`~wbs_runtime.crypto.reseal`: re-sealing data at rest to the newest key.
"""

from wbs_runtime.crypto.keyring import KeyRing, MissingKey, NotEntitled, SealedPayloadError, entitled_audiences
from wbs_runtime.crypto.keystore import (
    ensure_tenant_keys,
    fingerprint,
    issue_for_services,
    key_id,
    list_tenant_keys,
    rotate_tenant_keys,
)

__all__ = [
    "KeyRing",
    "MissingKey",
    "NotEntitled",
    "SealedPayloadError",
    "ensure_tenant_keys",
    "entitled_audiences",
    "fingerprint",
    "issue_for_services",
    "key_id",
    "list_tenant_keys",
    "rotate_tenant_keys",
]
