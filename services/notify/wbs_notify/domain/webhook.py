"""Webhooks as the Standard Webhooks scheme has them: a signed JSON body, three headers.

``webhook-id`` names the message (the same on every retry, so a receiver can drop repeats),
``webhook-timestamp`` the time of the attempt in Unix seconds, and ``webhook-signature`` is
``v1,`` followed by the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under the endpoint's
secret (``whsec_`` + base64 of the key bytes). The body says what needs attention and links to the
page behind sign-in: never a report's substance, never anyone's identity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from wbs_contracts.events.directory import NotificationSubject

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret
#: The key's length in bytes (the spec asks for 24 to 64).
SECRET_BYTES = 32


class EndpointState(StrEnum):
    AKTIF = "aktif"
    NONAKTIF = "nonaktif"  # disabled by an administrator, or by the receiver answering 410 Gone


@dataclass(frozen=True)
class WebhookEndpoint:
    id: UUID
    tenant: str
    url: str
    #: ``whsec_...``: shown once, when the endpoint is added.
    secret: str
    #: The subjects it wants; empty: every subject.
    subjects: tuple[NotificationSubject, ...]
    enabled: bool
    disabled_reason: str | None
    created_at: datetime

    def wants(self, subject: NotificationSubject | None) -> bool:
        return self.enabled and (not self.subjects or subject in self.subjects)


def secret_from(key: bytes) -> str:
    if not 24 <= len(key) <= 64:
        raise ValueError("a webhook secret has 24 to 64 bytes")
    return SECRET_PREFIX + base64.b64encode(key).decode()


def _key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def message_id(idempotency_key: str, endpoint: UUID) -> str:
    """The same for every attempt at one endpoint; another endpoint gets its own."""
    digest = hashlib.sha256(f"{idempotency_key}\x00{endpoint}".encode()).hexdigest()[:32]
    return f"msg_{digest}"


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    mac = hmac.new(_key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(secret: str, msg_id: str, at: datetime, body: bytes) -> dict[str, str]:
    timestamp = int(at.timestamp())
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }


def payload(*, subject: NotificationSubject | None, tenant: str, link: str | None, at: datetime) -> bytes:
    """The body: the event type, when, and the subject, tenant and link; nothing else."""
    document = {
        "type": f"wbs.notification.{subject.value if subject else 'perhatian'}",
        "timestamp": at.isoformat(),
        "data": {
            "subject": subject.value if subject else None,
            "tenant": tenant,
            "link": link,
        },
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


class Outcome(StrEnum):
    DELIVERED = "terkirim"
    RETRY = "ulang"  # a later attempt may succeed
    GONE = "hilang"  # 410: the receiver wants no more; the endpoint is disabled


def outcome_of(status: int) -> Outcome:
    """What a receiver's HTTP status means: any 2xx is delivered, 410 is gone, the rest is retried
    (the spec counts every other answer, redirects included, as a failure)."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status == 410:
        return Outcome.GONE
    return Outcome.RETRY
