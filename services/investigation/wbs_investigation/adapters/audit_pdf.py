"""The audit's documents, made by the server as PDF with fpdf2: the Surat Tugas (the assignment letter
that names the team, its schedule, budget and resources) and the laporan hasil audit (the final
report: result, estimated loss, findings and the auditee's response). Both are stored encrypted in
the vault and opened only by those who may open the audit.

The PDFs use the standard Helvetica font (nothing embedded, nothing loaded), so text outside
Latin-1 is transliterated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fpdf import FPDF

from wbs_contracts.events.investigation import AuditResult
from wbs_investigation.domain.audit import rupiah_text
from wbs_investigation.domain.audit_result import AuditeeResponseV1, FinalReport, RecordedResult
from wbs_investigation.domain.surat_tugas import SuratTugas
from wbs_investigation.domain.team import TeamMember, TeamSeat
from wbs_runtime.printing import latin1

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
SEATS_ID = {
    TeamSeat.KETUA_TIM: "Ketua Tim",
    TeamSeat.PENGENDALI_TEKNIS: "Pengendali Teknis",
    TeamSeat.ANGGOTA: "Anggota Tim",
}
RESULTS_ID = {
    AuditResult.TPK: "Terdapat indikasi tindak pidana korupsi",
    AuditResult.PELANGGARAN_ADMINISTRATIF: "Hanya terjadi pelanggaran administratif",
    AuditResult.TIDAK_ADA_PENYIMPANGAN: "Tidak ada penyimpangan",
}


def tanggal(day: date) -> str:
    """``17 Agustus 2026``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


class _Document:
    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_creator("WBS")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(22, 20, 22)
        self.pdf.add_page()
        self.width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def line(self, text: str, *, size: float = 11, style: str = "", align: str = "L", gap: float = 1.5) -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(self.width, size * 0.5, latin1(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def field(self, label: str, value: str) -> None:
        self.line(label, size=9, style="B", gap=0.3)
        self.line(value or "-", gap=3)

    def rule(self) -> None:
        self.pdf.set_line_width(0.4)
        y = self.pdf.get_y()
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.width, y)
        self.pdf.ln(3)

    def team(self, members: Sequence[TeamMember]) -> None:
        for position, member in enumerate(members, start=1):
            self.line(f"{position}. {member.name} - {SEATS_ID[member.seat]}", gap=0.8)
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


class AuditLetters:
    """Makes the audit's documents (the ``AuditDocuments`` port)."""

    def surat_tugas(self, letter: SuratTugas, *, body_name: str, agenda_number: str | None) -> bytes:
        document = _Document(f"Surat Tugas {letter.number}")
        document.line(body_name.upper(), size=12, style="B", align="C", gap=1)
        document.rule()
        document.line("SURAT TUGAS", size=16, style="B", align="C", gap=0.5)
        document.line(f"Nomor: {letter.number}", align="C", gap=6)
        document.field(
            "Dasar",
            "Peraturan tentang tata cara penanganan pelaporan pelanggaran (whistleblowing system) atas dugaan "
            f"tindak pidana korupsi, dan hasil telaah atas pengaduan nomor agenda {agenda_number or '-'} yang "
            "memutuskan audit investigasi.",
        )
        document.line("MENUGASKAN", size=12, style="B", align="C", gap=2)
        document.line("Kepada:", size=9, style="B", gap=0.8)
        document.team(letter.team)
        document.field(
            "Untuk",
            f"Melaksanakan audit investigasi atas pengaduan nomor agenda {agenda_number or '-'}: menyusun program "
            "audit, mengumpulkan dan menganalisis bukti, meminta keterangan pihak terkait yang dituangkan dalam "
            "Berita Acara Klarifikasi, merumuskan hasil audit, mengkomunikasikannya dengan auditan, dan menyusun "
            "laporan hasil audit.",
        )
        document.field("Jangka waktu", f"{tanggal(letter.starts_on)} s.d. {tanggal(letter.ends_on)}")
        document.field("Anggaran", rupiah_text(letter.budget_idr))
        document.field("Sarana dan prasarana", letter.resources)
        document.field(
            "Kerahasiaan",
            "Seluruh isi pengaduan, identitas pelapor dan hasil audit bersifat rahasia dan hanya digunakan untuk "
            "keperluan audit ini.",
        )
        document.line(f"Ditetapkan tanggal {tanggal(letter.issued_on)}", gap=1)
        document.line(letter.issued_by_name, style="B", gap=0)
        return document.output()

    def final_report(
        self,
        report: FinalReport,
        *,
        body_name: str,
        agenda_number: str | None,
        result: RecordedResult,
        findings: str,
        response: AuditeeResponseV1,
        team: Sequence[TeamMember],
    ) -> bytes:
        revised = f" (revisi ke-{report.revision - 1})" if report.revision > 1 else ""
        document = _Document(f"Laporan Hasil Audit {report.number}")
        document.line(body_name.upper(), size=12, style="B", align="C", gap=1)
        document.rule()
        document.line("LAPORAN HASIL AUDIT INVESTIGASI" + revised.upper(), size=15, style="B", align="C", gap=0.5)
        document.line(f"Nomor: {report.number}", align="C", gap=0.5)
        document.line(f"Tanggal: {tanggal(report.issued_on)}", align="C", gap=6)
        document.field("Pengaduan", f"Nomor agenda {agenda_number or '-'}")
        document.field("Hasil audit", RESULTS_ID[result.result])
        document.field("Perkiraan kerugian negara/daerah", rupiah_text(result.estimated_loss_idr))
        document.field("Temuan", findings)
        agreed = "menyetujui tindak lanjut" if response.agrees else "tidak menyatakan persetujuan atas tindak lanjut"
        who = response.responder_name + (f", {response.responder_position}" if response.responder_position else "")
        document.field("Tanggapan auditan", f"{who} ({agreed}): {response.response}")
        document.line("Tim audit:", size=9, style="B", gap=0.8)
        document.team(team)
        document.line(
            "Laporan ini bersifat rahasia. Isi pengaduan dan identitas pelapor tidak dimuat di dalamnya.", size=9
        )
        document.line(report.issued_by_name, style="B", gap=0)
        return document.output()
