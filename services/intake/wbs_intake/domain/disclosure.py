"""Disclosing a reporter's identity: who may ask, who may decide, and who may then read it.

The identity is confidential and is disclosed only for an investigation or a court (Pergub
Bengkulu 49/2017 Pasal 10; Perbup Lebak 18/2021 Pasal 8). An officer asks with a written reason;
a custodian of the tenant, never the officer who asked, approves or refuses it with a reason;
only an approved request lets that one officer read the identity, and only for a limited time.
Pure rules, no I/O; whether the caller holds the permissions is the access rule's concern.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

#: A reason long enough to say what the investigation is and why it needs the reporter.
MIN_REQUEST_REASON = 30
MIN_DECISION_REASON = 10
MAX_REASON = 2000
#: How long an approved disclosure may be read: long enough for the questioning it was asked for.
DEFAULT_VALIDITY = timedelta(hours=72)


class DisclosureState(StrEnum):
    DIMINTA = "diminta"  # asked, awaiting a custodian
    DISETUJUI = "disetujui"  # approved: the requester may read it until it expires
    DITOLAK = "ditolak"  # refused


class DisclosureRefused(Exception):
    """What was asked is not allowed; ``code`` says why, with a bilingual explanation."""

    status = 409
    code = "refused"
    pesan = "Permintaan ini tidak dapat diproses."
    message = "This request cannot be processed."

    def __init__(self) -> None:
        super().__init__(self.message)


class ReasonTooShort(DisclosureRefused):
    status = 422
    code = "reason-too-short"

    def __init__(self, minimum: int) -> None:
        self.pesan = f"Alasan tertulis wajib diisi, sekurang-kurangnya {minimum} karakter."
        self.message = f"A written reason is required, at least {minimum} characters long."
        super().__init__()


class ReasonTooLong(DisclosureRefused):
    status = 422
    code = "reason-too-long"
    pesan = f"Alasan paling panjang {MAX_REASON} karakter."
    message = f"The reason may be at most {MAX_REASON} characters long."


class AlreadyDecided(DisclosureRefused):
    code = "already-decided"
    pesan = "Permintaan ini sudah diputuskan; keputusan tidak dapat diubah."
    message = "This request has been decided already; a decision cannot be changed."


class OwnRequest(DisclosureRefused):
    status = 403
    code = "own-request"
    pesan = "Petugas yang meminta pembukaan identitas tidak boleh memutuskan permintaannya sendiri."
    message = "The officer who asked for the disclosure may not decide their own request."


class AlreadyPending(DisclosureRefused):
    code = "already-pending"
    pesan = "Anda sudah mempunyai permintaan yang menunggu keputusan untuk laporan ini."
    message = "You already have a request awaiting a decision for this report."


class NoIdentity(DisclosureRefused):
    code = "no-identity"
    pesan = "Pelapor tidak memberikan identitasnya (laporan anonim); tidak ada yang dapat dibuka."
    message = "The reporter gave no identity (an anonymous report); there is nothing to disclose."


class NotDisclosedToYou(DisclosureRefused):
    status = 403
    code = "not-approved"
    pesan = (
        "Identitas pelapor hanya dapat dibaca oleh petugas yang memintanya, setelah permintaannya disetujui "
        "kustodian dan sebelum masa berlakunya habis."
    )
    message = (
        "The reporter's identity can be read only by the officer who asked for it, once a custodian approved "
        "the request and until the approval expires."
    )


@dataclass(frozen=True)
class IdentityDisclosure:
    """One request to disclose the identity of one report's reporter."""

    id: UUID
    report_id: UUID
    tenant: str
    requested_by: str
    requested_by_name: str
    reason: str
    requested_at: datetime
    state: DisclosureState = DisclosureState.DIMINTA
    decided_by: str | None = None
    decided_by_name: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None
    #: Until when the requester may read an approved disclosure.
    expires_at: datetime | None = None

    @classmethod
    def request(
        cls,
        *,
        id: UUID,
        report_id: UUID,
        tenant: str,
        officer: str,
        officer_name: str,
        reason: str,
        at: datetime,
        pending: tuple[IdentityDisclosure, ...] = (),
    ) -> IdentityDisclosure:
        """``pending``: the requests already made for this report; an officer has one open at a time."""
        if any(d.requested_by == officer and d.state is DisclosureState.DIMINTA for d in pending):
            raise AlreadyPending()
        return cls(
            id=id,
            report_id=report_id,
            tenant=tenant,
            requested_by=officer,
            requested_by_name=officer_name,
            reason=checked_reason(reason, MIN_REQUEST_REASON),
            requested_at=at,
        )

    def decide(
        self,
        *,
        approve: bool,
        officer: str,
        officer_name: str,
        reason: str,
        at: datetime,
        validity: timedelta = DEFAULT_VALIDITY,
    ) -> IdentityDisclosure:
        if self.state is not DisclosureState.DIMINTA:
            raise AlreadyDecided()
        if officer == self.requested_by:
            raise OwnRequest()
        return replace(
            self,
            state=DisclosureState.DISETUJUI if approve else DisclosureState.DITOLAK,
            decided_by=officer,
            decided_by_name=officer_name,
            decision_reason=checked_reason(reason, MIN_DECISION_REASON),
            decided_at=at,
            expires_at=at + validity if approve else None,
        )

    def readable_by(self, officer: str, now: datetime) -> bool:
        return (
            self.state is DisclosureState.DISETUJUI
            and officer == self.requested_by
            and self.expires_at is not None
            and now < self.expires_at
        )

    def check_read(self, officer: str, now: datetime) -> None:
        if not self.readable_by(officer, now):
            raise NotDisclosedToYou()

    def expired(self, now: datetime) -> bool:
        return self.state is DisclosureState.DISETUJUI and self.expires_at is not None and now >= self.expires_at


def checked_reason(reason: str, minimum: int) -> str:
    cleaned = reason.strip()
    if len(cleaned) < minimum:
        raise ReasonTooShort(minimum)
    if len(cleaned) > MAX_REASON:
        raise ReasonTooLong()
    return cleaned


def readable_disclosure(
    disclosures: tuple[IdentityDisclosure, ...] | list[IdentityDisclosure], officer: str, now: datetime
) -> IdentityDisclosure:
    """The approved, unexpired disclosure through which ``officer`` may read the identity."""
    for disclosure in disclosures:
        if disclosure.readable_by(officer, now):
            return disclosure
    raise NotDisclosedToYou()
