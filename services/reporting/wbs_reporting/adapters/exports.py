"""The annual tables as files: CSV (every table one after another, each under its title, for any
spreadsheet or script) and XLSX (xlsxwriter: one sheet per table, counts as numbers). The PDF is
``annual_pdf``. No file holds anything the page does not show: counts and the officers' notes."""

from __future__ import annotations

import csv
import io

import xlsxwriter  # type: ignore[import-untyped]

from wbs_reporting.domain.printed import Cell, PrintedTable

#: Excel's limit on a sheet's name.
SHEET_NAME_LIMIT = 31
#: A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The tables' placeholder for "nothing" (a lone dash), harmless and kept as it is.
PLACEHOLDER = "-"


def spreadsheet_safe(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula gets a leading ``'`` (shown as text);
    numbers and the lone "-" placeholder stay as they are. The officers' notes are free text."""
    if isinstance(value, str) and value != PLACEHOLDER and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_row(values: list[Cell] | list[str]) -> list[Cell]:
    return [spreadsheet_safe(v) for v in values]


def csv_bytes(heading: list[str], tables: list[PrintedTable]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Indonesian text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in heading:
        writer.writerow(_safe_row([line]))
    for table in tables:
        writer.writerow([])
        writer.writerow(_safe_row([table.title]))
        writer.writerow(_safe_row(table.header))
        writer.writerows(_safe_row(row) for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(heading: list[str], tables: list[PrintedTable]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    for table in tables:
        sheet = book.add_worksheet(table.key[:SHEET_NAME_LIMIT])
        row = 0
        for line in heading:
            sheet.write_string(row, 0, line, bold)
            row += 1
        sheet.write_string(row, 0, table.title, bold)
        row += 2
        for column, text in enumerate(table.header):
            sheet.write_string(row, column, text, header)
        for values in table.rows:
            row += 1
            for column, value in enumerate(values):
                if isinstance(value, int):
                    sheet.write_number(row, column, value, cell)
                else:
                    sheet.write_string(row, column, value, cell)
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, max(len(table.header) - 1, 1), 18)
    book.close()
    return buffer.getvalue()
