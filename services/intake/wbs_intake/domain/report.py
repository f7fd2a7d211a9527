"""A report as the reporter sees it: a registration number, a secret, and a status timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class ReportStatus(StrEnum):
    """Statuses shown to the reporter, in Bahasa Indonesia as the users see them."""

    DITERIMA = "diterima"  # received by the system
    TERDAFTAR = "terdaftar"  # recorded in the body's agenda (pencatatan)
    DITELAAH = "ditelaah"  # disposed to a team: the assessment is under way
    # How the assessment ended (triage's telaah-decided), in the reporter's words:
    TIDAK_DIPROSES = "tidak-diproses"
    DILIMPAHKAN = "dilimpahkan"  # forwarded to the competent body (pelimpahan)
    DIGABUNG = "digabung"
    DITINDAKLANJUTI = "ditindaklanjuti"  # proceeds to an audit investigasi
    # The regulations' monitoring (002/004 BAB II C.7): the final audit report was issued, or the
    # case was handed to law enforcement.
    SELESAI = "selesai"


#: English labels for the second language.
STATUS_LABEL_EN = {
    ReportStatus.DITERIMA: "received",
    ReportStatus.TERDAFTAR: "registered",
    ReportStatus.DITELAAH: "being assessed",
    ReportStatus.TIDAK_DIPROSES: "not processed further",
    ReportStatus.DILIMPAHKAN: "forwarded",
    ReportStatus.DIGABUNG: "merged",
    ReportStatus.DITINDAKLANJUTI: "followed up",
    ReportStatus.SELESAI: "finished",
}


@dataclass(frozen=True)
class StatusChange:
    status: ReportStatus
    at: datetime


@dataclass
class Report:
    id: UUID
    registration_number: str
    secret_hash: str
    tenant: str
    category: str
    channel: str
    submitted_at: datetime
    timeline: list[StatusChange] = field(default_factory=list)

    @classmethod
    def receive(
        cls,
        *,
        id: UUID,
        registration_number: str,
        secret_hash: str,
        tenant: str,
        category: str,
        channel: str,
        at: datetime,
    ) -> Report:
        return cls(
            id=id,
            registration_number=registration_number,
            secret_hash=secret_hash,
            tenant=tenant,
            category=category,
            channel=channel,
            submitted_at=at,
            timeline=[StatusChange(ReportStatus.DITERIMA, at)],
        )

    @property
    def status(self) -> ReportStatus:
        return self.timeline[-1].status

    def has_been(self, status: ReportStatus) -> bool:
        return any(change.status == status for change in self.timeline)

    def record_registration(self, at: datetime) -> StatusChange | None:
        """Registration by triage; recording it twice changes nothing."""
        if self.has_been(ReportStatus.TERDAFTAR):
            return None
        change = StatusChange(ReportStatus.TERDAFTAR, at)
        self.timeline.append(change)
        return change

    def record(self, status: ReportStatus, at: datetime) -> StatusChange | None:
        """A status triage's work reached (each once: a redelivered event changes nothing)."""
        if self.has_been(status):
            return None
        change = StatusChange(status, at)
        self.timeline.append(change)
        return change
