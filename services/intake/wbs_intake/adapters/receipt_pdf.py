"""The printable receipt (tanda terima), made by the server as a PDF with fpdf2.

It says which body received the report, its registration number and secret (or that the reporter
chose a pseudonym, which is not printed), when it was received and how to follow it, in Bahasa
Indonesia and English; and nothing of the report's substance. The PDF uses the standard Helvetica
and Courier fonts (nothing embedded, nothing loaded), so text outside Latin-1 is transliterated.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF

from wbs_intake.usecases import ReceiptDetails
from wbs_runtime.printing import latin1, zone_name

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


def received_on(at: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """(Indonesian, English) date and time of receipt in the body's time zone."""
    local = at.astimezone(zone)
    label = zone_name(local)
    indonesian = f"{local.day} {MONTHS_ID[local.month - 1]} {local.year}, pukul {local:%H.%M} {label}"
    english = f"{local:%d %B %Y}, {local:%H:%M} {label}"
    return indonesian, english


def receipt_pdf(details: ReceiptDetails, secret: str | None, *, zone: ZoneInfo, follow_url: str) -> bytes:
    """The receipt as PDF bytes. ``secret`` is printed only when given (never for a pseudonym)."""
    pdf = FPDF(format="A4")
    pdf.set_title("Tanda terima laporan WBS")
    pdf.set_creator("WBS")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, size: float = 11, style: str = "", font: str = "Helvetica", gap: float = 1.5) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(width, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line("TANDA TERIMA LAPORAN", size=18, style="B", gap=0)
    line("Report receipt", size=12, gap=4)
    line("Sistem Pelaporan Pelanggaran (WBS) / Whistleblowing System", size=10, gap=6)
    line("Instansi / Body", size=9, style="B", gap=0.5)
    line(details.tenant_name, size=13, gap=5)
    line("Nomor registrasi / Registration number", size=9, style="B", gap=0.5)
    line(details.registration_number, size=20, style="B", font="Courier", gap=5)
    if details.pseudonym:
        line("Cara masuk / How to sign in", size=9, style="B", gap=0.5)
        line("Nama samaran dan kata sandi pilihan Anda (tidak dicetak di sini).", size=11, gap=0)
        line("The pseudonym and password you chose (not printed here).", size=10, gap=5)
    else:
        line("Kode rahasia / Secret", size=9, style="B", gap=0.5)
        line(secret or "-", size=16, style="B", font="Courier", gap=5)
    indonesian, english = received_on(details.submitted_at, zone)
    line("Diterima / Received", size=9, style="B", gap=0.5)
    line(indonesian, size=11, gap=0)
    line(english, size=10, gap=6)
    line("Cara memantau laporan / How to follow the report", size=9, style="B", gap=0.5)
    how_id = (
        f"Buka {follow_url}, pilih masuk dengan "
        + ("nama samaran dan kata sandi." if details.pseudonym else "nomor registrasi dan kode rahasia di atas.")
        + " Anda akan melihat perkembangan laporan, jawaban petugas, dan Kotak Komunikasi."
    )
    how_en = (
        f"Open {follow_url} and sign in with "
        + ("your pseudonym and password." if details.pseudonym else "the registration number and secret above.")
        + " You will see the report's progress, the officers' answers and the message box."
    )
    line(how_id, size=11, gap=0.5)
    line(how_en, size=10, gap=6)
    pdf.set_draw_color(224, 161, 0)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    if details.pseudonym:
        warning_id = "Kata sandi tidak dapat dipulihkan oleh siapa pun. Jangan berikan kepada siapa pun."
        warning_en = "Nobody can recover the password. Never give it to anyone."
    else:
        warning_id = (
            "Simpan tanda terima ini di tempat yang aman. Kode rahasia tidak disimpan oleh sistem dan tidak dapat "
            "dipulihkan: tanpa kode ini laporan tidak dapat dipantau. Siapa pun yang memegang nomor dan kode ini dapat "
            "membaca perkembangan laporan."
        )
        warning_en = (
            "Keep this receipt somewhere safe. The system does not keep the secret and cannot recover it: without it "
            "the report cannot be followed. Whoever holds the number and secret can read the report's progress."
        )
    line(warning_id, size=10, style="B", gap=0.5)
    line(warning_en, size=9, gap=0)
    return bytes(pdf.output())
