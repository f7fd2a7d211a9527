"""The charts are SVG the CSP allows (no style, no script) and say their numbers; the files carry
the tables' numbers as numbers."""

from __future__ import annotations

import csv
import io
import zipfile

from wbs_reporting.adapters.charts import Bar, bar_chart
from wbs_reporting.adapters.exports import csv_bytes, xlsx_bytes
from wbs_reporting.domain.printed import PrintedTable

TABLE = PrintedTable("saluran", "Tabel 1", ["No.", "Bulan", "SP4N-LAPOR!", "Jumlah"], [[2, "Februari", 2, 2]])


def test_a_chart_has_no_style_or_script_and_escapes_what_it_shows() -> None:
    svg = str(bar_chart([Bar("<Feb>", 2, "Februari: 2"), Bar("Mar", 0, "Maret: 0")], title="T & U", chart_id="c"))
    assert "style" not in svg
    assert "<script" not in svg
    assert "&lt;Fe" in svg
    assert "<Feb>" not in svg
    assert "<title>Februari: 2</title>" in svg
    assert 'data-value="2"' in svg
    assert "T &amp; U" in svg


def test_a_chart_of_nothing_still_draws_its_axis() -> None:
    svg = str(bar_chart([Bar("Jan", 0, "Januari: 0")], title="t", chart_id="c"))
    assert 'height="0.0"' in svg
    assert ">1<" in svg  # the axis' top


def test_the_csv_opens_as_utf8_in_spreadsheets_and_keeps_every_cell() -> None:
    content = csv_bytes(["Laporan tahunan"], [TABLE])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["Laporan tahunan"],
        [],
        ["Tabel 1"],
        ["No.", "Bulan", "SP4N-LAPOR!", "Jumlah"],
        ["2", "Februari", "2", "2"],
    ]


def test_the_spreadsheet_writes_counts_as_numbers() -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(["Laporan tahunan"], [TABLE]))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "saluran" in book.read("xl/workbook.xml").decode()
    assert '<c r="C5" s="3"><v>2</v></c>' in sheet or "<v>2</v>" in sheet
    assert 't="s"' in sheet  # the month's name is a string


def test_the_csv_turns_formulas_in_text_cells_into_text() -> None:
    # An officer's note (free text) opened in a spreadsheet must never run as a formula.
    noted = PrintedTable(
        "catatan",
        '=HYPERLINK("http://x")',
        ["No.", "@SUM(A1)"],
        [
            [1, "=1+1"],
            [2, "+62 812"],
            [3, "-2+3"],
            [4, "\tTAB"],
            [5, "\rCR"],
            [6, "-"],
            [-7, "biasa - saja"],
        ],
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(["-cmd"], [noted]).decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "'-cmd" in cells
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'@SUM(A1)" in cells
    for text in ("=1+1", "+62 812", "-2+3", "\tTAB", "\rCR"):
        assert "'" + text in cells, text
        assert text not in cells
    assert "-" in cells  # the lone placeholder stays
    assert "biasa - saja" in cells
    assert "-7" in cells  # a number is a number
