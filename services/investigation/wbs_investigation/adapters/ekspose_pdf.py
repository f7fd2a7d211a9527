"""An exposé's documents as PDF (fpdf2): the invitation (undangan ekspose) and the minutes (notulen
ekspose), in Bahasa Indonesia as the body sends them. Standard Helvetica only (nothing embedded,
nothing loaded), so text outside Latin-1 is transliterated. Both are kept in the vault, encrypted.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF

from wbs_investigation.domain.ekspose import (
    Ekspose,
    EksposeInvitationV1,
    EksposeKind,
    EksposeMinutesV1,
    MinutesConclusion,
    PresenterSeat,
    tanggal,
)
from wbs_runtime.printing import latin1, zone_name

KIND_TITLES = {EksposeKind.INTERNAL: "EKSPOSE INTERNAL", EksposeKind.EKSTERNAL: "EKSPOSE EKSTERNAL"}
SEAT_LABELS = {PresenterSeat.PENYAJI: "Penyaji", PresenterSeat.NOTULEN: "Notulen", PresenterSeat.MODERATOR: "Moderator"}
CONCLUSION_LABELS = {
    MinutesConclusion.SEPAKAT: "Sepakat",
    MinutesConclusion.TIDAK_SEPAKAT: "Tidak sepakat: dibahas dalam rapat antar pimpinan",
    MinutesConclusion.BUKTI_BARU: "Bukti baru yang mengubah nilai kerugian: dilakukan pengujian ulang",
}


class _Sheet:
    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_creator("WBS")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(20, 20, 20)
        self.pdf.add_page()
        self.width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def line(self, text: str, *, size: float = 11, style: str = "", gap: float = 1.5) -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(self.width, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def field(self, label: str, value: str) -> None:
        self.line(label, size=9, style="B", gap=0.5)
        self.line(value or "-", gap=3)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


class EksposePdf:
    """``EksposeSheets`` for the use cases; times shown in the service's zone."""

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone

    def _when(self, at: datetime) -> str:
        local = at.astimezone(self._zone)
        label = zone_name(local)
        return f"{tanggal(local.date())}, pukul {local:%H.%M} {label}"

    def _heading(self, sheet: _Sheet, title: str, ekspose: Ekspose, *, body: str, agenda_number: str) -> None:
        sheet.line(body.upper(), size=12, style="B", gap=1)
        sheet.line("Sistem Pelaporan Pelanggaran (WBS)", size=9, gap=6)
        sheet.line(title, size=16, style="B", gap=1)
        sheet.line(KIND_TITLES[ekspose.kind], size=12, gap=5)
        sheet.field("Nomor", ekspose.letter_number)
        sheet.field("Nomor agenda perkara", agenda_number)

    def invitation(self, ekspose: Ekspose, invitation: EksposeInvitationV1, *, body: str, agenda_number: str) -> bytes:
        sheet = _Sheet(f"Undangan ekspose {agenda_number}")
        self._heading(sheet, "UNDANGAN", ekspose, body=body, agenda_number=agenda_number)
        sheet.field("Tanggal undangan", tanggal(ekspose.invited_at.astimezone(self._zone).date()))
        sheet.field("Perihal", invitation.topic)
        sheet.line("Kepada Yth.", size=9, style="B", gap=0.5)
        for number, person in enumerate(invitation.attendees, start=1):
            who = ", ".join(part for part in (person.name, person.position, person.institution) if part)
            sheet.line(f"{number}. {who}", gap=0.5)
        sheet.line("", gap=3)
        sheet.line(
            "Dengan hormat, kami mengundang Bapak/Ibu untuk menghadiri ekspose hasil audit investigasi pada:", gap=3
        )
        sheet.field("Hari, tanggal, pukul", self._when(ekspose.scheduled_at))
        sheet.field("Tempat", ekspose.place)
        sheet.line("Tim Penyaji", size=9, style="B", gap=0.5)
        for presenter in invitation.presenters:
            who = ", ".join(part for part in (presenter.name, presenter.position) if part)
            sheet.line(f"{SEAT_LABELS[presenter.seat]}: {who}", gap=0.5)
        sheet.line("", gap=3)
        sheet.line(
            "Undangan ini disampaikan 3 (tiga) hari sebelum pelaksanaan ekspose. Atas perhatian dan kehadiran "
            "Bapak/Ibu kami ucapkan terima kasih.",
            gap=6,
        )
        sheet.line(ekspose.invited_by_name, style="B", gap=0)
        return sheet.bytes()

    def minutes(
        self,
        ekspose: Ekspose,
        invitation: EksposeInvitationV1,
        minutes: EksposeMinutesV1,
        conclusion: MinutesConclusion,
        *,
        body: str,
        agenda_number: str,
    ) -> bytes:
        sheet = _Sheet(f"Notulen ekspose {agenda_number}")
        self._heading(sheet, "NOTULEN", ekspose, body=body, agenda_number=agenda_number)
        sheet.field("Perihal", invitation.topic)
        sheet.field("Hari, tanggal, pukul", self._when(ekspose.scheduled_at))
        sheet.field("Tempat", ekspose.place)
        sheet.field("Dipimpin oleh", minutes.chaired_by)
        for presenter in invitation.presenters:
            sheet.field(SEAT_LABELS[presenter.seat], presenter.name)
        sheet.field("Jalannya diskusi", minutes.discussion)
        sheet.field("Hasil ekspose", CONCLUSION_LABELS[conclusion])
        if minutes.conclusion:
            sheet.field("Kesepakatan", minutes.conclusion)
        if minutes.disagreement:
            sheet.field("Alasan ketidaksepakatan", minutes.disagreement)
        if minutes.new_evidence:
            sheet.field("Bukti baru", minutes.new_evidence)
        sheet.line("Yang menandatangani", size=9, style="B", gap=2)
        for signatory in minutes.signatories:
            sheet.line(f"{signatory.function or '-'}: {signatory.name}", gap=8)
        return sheet.bytes()
