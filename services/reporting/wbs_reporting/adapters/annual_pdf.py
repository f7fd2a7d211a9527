"""The annual report (laporan tahunan) as PDF, made with fpdf2: the body, the year and the scope;
each table under its title; the sign-off of the head of the unit (Mengetahui, Kepala ...) and of
the team leader (Ketua Tim ...), as the seed 000 closes, with room for the signatures.

Landscape A4 (Tabel 1 has a column per channel); the standard Helvetica font, so text outside
Latin-1 is transliterated."""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF
from fpdf.fonts import FontFace

from wbs_reporting.domain.printed import Cell, PrintedTable
from wbs_reporting.domain.tables import SignOff
from wbs_runtime.printing import latin1

#: Relative column widths of the tables without a number column: the step's name, limit and basis wide.
WIDTHS = {"waktu": (4, 2, 3, 1, 1, 1, 1, 1)}


def annual_pdf(heading: list[str], tables: list[PrintedTable], sign_off: SignOff, _: Callable[[str], str]) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(latin1(heading[0]))
    pdf.set_creator("WBS")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for position, line in enumerate(heading):
        pdf.set_font("Helvetica", "B" if position == 0 else "", 14 if position == 0 else 11)
        pdf.multi_cell(width, 7 if position == 0 else 5.5, latin1(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for number, table in enumerate(tables, start=1):
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(width, 6, latin1(f"{number}. {table.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        size = 8 if len(table.header) <= 8 else 6.5
        pdf.set_font("Helvetica", "", size)
        # The number column narrow, the month a little narrower than the counts and notes.
        numbered = table.header[0].startswith("No")
        widths = (1, 2, *(3,) * (len(table.header) - 2)) if numbered else WIDTHS.get(table.key)
        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=size * 0.55,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            first_row_as_headings=True,
            repeat_headings=1,
        ) as printed:
            lines: list[list[Cell]] = [list(table.header), *table.rows]
            for values in lines:
                row = printed.row()
                for value in values:
                    row.cell(latin1(str(value)))
        pdf.ln(5)
    _sign_off(pdf, width, sign_off, _)
    return bytes(pdf.output())


def _sign_off(pdf: FPDF, width: float, sign_off: SignOff, _: Callable[[str], str]) -> None:
    """Two columns: Mengetahui, the head of the unit (left); place and date, the team leader (right)."""
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.ln(6)
    half = width / 2
    left = [
        _("Mengetahui,"),
        sign_off.kepala_jabatan or _("Kepala satuan kerja"),
        "",
        "",
        "",
        sign_off.kepala_nama or "(....................................)",
        _("NIP. %(nip)s") % {"nip": sign_off.kepala_nip or "...................."},
    ]
    right = [
        ", ".join(part for part in (sign_off.tempat, sign_off.tanggal) if part) or "......., ..................",
        sign_off.ketua_jabatan or _("Ketua tim"),
        "",
        "",
        "",
        sign_off.ketua_nama or "(....................................)",
        _("NIP. %(nip)s") % {"nip": sign_off.ketua_nip or "...................."},
    ]
    pdf.set_font("Helvetica", "", 10)
    top = pdf.get_y()
    for column, lines in enumerate((left, right)):
        pdf.set_xy(pdf.l_margin + column * half, top)
        for line in lines:
            pdf.set_x(pdf.l_margin + column * half)
            pdf.cell(half, 6, latin1(line), align="C", new_x="LEFT", new_y="NEXT")
