"""An officer's in-app inbox, as the officer reads it: what needs attention, where, since when.
Nothing else is in a notification to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wbs_contracts.events.directory import NotificationSubject

#: subject -> (Bahasa Indonesia, English): what the inbox says; never more than that.
SUBJECT_LABELS: dict[NotificationSubject, tuple[str, str]] = {
    NotificationSubject.KASUS_BARU: ("Perkara baru terdaftar", "A new case was registered"),
    NotificationSubject.DISPOSISI: ("Perkara didisposisikan kepada tim Anda", "A case was disposed to your team"),
    NotificationSubject.PERSETUJUAN: ("Usulan menunggu persetujuan Anda", "A proposal waits for your approval"),
    NotificationSubject.PESAN_PELAPOR: ("Pesan baru dari pelapor", "A new message from the reporter"),
    NotificationSubject.TENGGAT_MENDEKAT: ("Tenggat waktu sudah dekat", "A deadline is near"),
    NotificationSubject.TENGGAT_LEWAT: ("Tenggat waktu terlewati", "A deadline has passed"),
    NotificationSubject.PELIMPAHAN: ("Perkara dilimpahkan kepada instansi Anda", "A case was handed to your agency"),
    NotificationSubject.BALASAN: ("Balasan petugas kepada pelapor", "An officer replied to the reporter"),
}


@dataclass(frozen=True)
class InboxItem:
    key: str
    tenant: str
    subject: NotificationSubject
    link: str
    at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None
