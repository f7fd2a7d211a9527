"""A notification: to whom, through which channel, which template. Never the report's content.

It says that something needs attention and where (a page behind sign-in); it never carries the
report's substance or anyone's identity. The idempotency key makes every effect happen once, however
often the event behind it is delivered: the queue keeps one row per key.

Rules (``rules.py``) decide who is told what and put notifications in the queue; the channels deliver
them: the in-app inbox at once, e-mail and webhooks by a background round that retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from wbs_contracts.events.directory import NotificationSubject


class Channel(StrEnum):
    KOTAK_MASUK = "kotak-masuk"  # the reporter's inbox on the status page
    KOTAK_MASUK_PETUGAS = "kotak-masuk-petugas"  # an officer's in-app inbox
    SUREL = "surel"  # e-mail, to an officer or to a reporter who left an address
    WEBHOOK = "webhook"  # signed calls to every endpoint a tenant (an agency, an integration) registered


class RecipientKind(StrEnum):
    PELAPOR = "pelapor"  # the case's reporter: recipient is None (the case says whose)
    PETUGAS = "petugas"  # an officer: recipient is the officer id
    TENANT = "tenant"  # a tenant's webhook endpoints: recipient is the tenant id


class Kind(StrEnum):
    TANDA_TERIMA = "tanda-terima"  # acknowledgement of registration (to the reporter)
    PERHATIAN = "perhatian"  # something needs the recipient's attention (``subject`` says what)


class DeliveryStatus(StrEnum):
    ANTRE = "antre"  # queued: waiting for its channel (e-mail, webhook) or unread (inbox)
    TERKIRIM = "terkirim"  # delivered (for an inbox: shown)
    GAGAL = "gagal"  # given up: the retries ran out, or the endpoint is gone (410)


@dataclass(frozen=True)
class Notification:
    idempotency_key: str
    case_id: UUID | None
    tenant: str
    kind: Kind
    channel: Channel
    template: str
    status: DeliveryStatus
    queued_at: datetime
    recipient_kind: RecipientKind = RecipientKind.PELAPOR
    recipient: str | None = None
    subject: NotificationSubject | None = None
    #: The page behind sign-in that the notification points to: a path under the public address.
    link: str | None = None
    #: When a channel that retries (e-mail, webhook) may try next; the queue time at first.
    next_attempt_at: datetime | None = None


ACKNOWLEDGEMENT_TEMPLATE = "tanda-terima.v1"


def acknowledgement(case_id: UUID, tenant: str, at: datetime) -> Notification:
    """One acknowledgement per case, whatever happens upstream: the key makes a second one a no-op."""
    return Notification(
        idempotency_key=f"{Kind.TANDA_TERIMA}:{case_id}",
        case_id=case_id,
        tenant=tenant,
        kind=Kind.TANDA_TERIMA,
        channel=Channel.KOTAK_MASUK,
        template=ACKNOWLEDGEMENT_TEMPLATE,
        status=DeliveryStatus.ANTRE,
        queued_at=at,
    )
