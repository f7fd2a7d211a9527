"""A notification: to whom, through which channel, which template. Never the report's content.

The acknowledgement (tanda terima) tells the reporter that the report was registered. It goes to
the reporter's inbox on the status page, addressed by case, so it needs no contact details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Channel(StrEnum):
    KOTAK_MASUK = "kotak-masuk"  # the reporter's inbox on the status page


class Kind(StrEnum):
    TANDA_TERIMA = "tanda-terima"  # acknowledgement of registration


class DeliveryStatus(StrEnum):
    ANTRE = "antre"  # queued
    TERKIRIM = "terkirim"  # delivered


@dataclass(frozen=True)
class Notification:
    idempotency_key: str
    case_id: UUID
    tenant: str
    kind: Kind
    channel: Channel
    template: str
    status: DeliveryStatus
    queued_at: datetime


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
