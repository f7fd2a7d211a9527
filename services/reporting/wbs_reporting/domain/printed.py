"""The annual tables laid out as the seeds print them: a title, a header and rows of cells, the
same for the page, the PDF, the spreadsheet and the CSV. Counts stay numbers (a spreadsheet sums
them); "-" is printed where the seeds print it (Tabel 1 and the Lampiran for none, an empty note).
Headings are msgids translated with the ``gettext`` given; labels of categories and channels are
the policy's own in the language asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wbs_reporting.domain.messages import N_
from wbs_reporting.domain.statistics import BULAN
from wbs_reporting.domain.tables import AnnualTables, CountTable, Label, printed
from wbs_reporting.domain.timeliness import StepTimeliness, duration_text

Cell = str | int
Translate = Callable[[str], str]

FOLLOW_UP_HEADINGS = {
    "didisposisi": N_("Didisposisi"),
    "tidak-diproses": N_("Tidak diproses"),
    "diteruskan": N_("Diteruskan"),
    "digabung": N_("Digabung"),
    "audit-investigasi": N_("Audit investigasi"),
    "laporan-hasil-audit": N_("Laporan hasil audit"),
    "dilimpahkan": N_("Dilimpahkan ke APH/KPK"),
}
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class PrintedTable:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]]


def month_name(month: int, language: str) -> str:
    return BULAN[month - 1] if language == "id" else MONTHS_EN[month - 1]


def label_text(label: Label, language: str) -> str:
    return label.label_id if language == "id" else label.label_en


def limit_text(step: StepTimeliness, _: Translate) -> str:
    if not step.limit:
        return "-"
    return _(step.limit) % {"n": step.limit_count} if step.limit_count is not None else _(step.limit)


def _text(value: str) -> str:
    return value.strip() or "-"


def _count_table(
    key: str,
    title: str,
    table: CountTable,
    headings: list[str],
    _: Translate,
    language: str,
    *,
    dash: bool,
    total: bool,
) -> PrintedTable:
    def cell(n: int) -> Cell:
        return printed(n) if dash else n

    rows: list[list[Cell]] = [
        [m.month, month_name(m.month, language), *(cell(m.counts[c.slug]) for c in table.columns), cell(m.total)]
        for m in table.months
    ]
    if total:
        totals = table.totals
        rows.append(["", _("Total"), *(cell(totals[c.slug]) for c in table.columns), cell(table.total)])
    return PrintedTable(key, title, [_("No."), _("Periode"), *headings, _("Jumlah")], rows)


def printed_tables(tables: AnnualTables, _: Translate, language: str) -> list[PrintedTable]:
    """The annual report's tables, in the order the report presents them."""
    found = [
        _count_table(
            "kategori",
            _("Rekapitulasi jumlah pengaduan berdasarkan jenis pengaduan"),
            tables.by_category,
            [label_text(c, language) for c in tables.by_category.columns],
            _,
            language,
            dash=False,
            total=True,
        ),
        _count_table(
            "saluran",
            _("Rekapitulasi jumlah aduan per bulan menurut media pengaduan"),
            tables.by_channel,
            [label_text(c, language) for c in tables.by_channel.columns],
            _,
            language,
            dash=True,
            total=False,
        ),
    ]
    follow_up = _count_table(
        "tindak-lanjut",
        _("Tindak lanjut pengaduan per bulan"),
        tables.follow_up,
        [_(FOLLOW_UP_HEADINGS[c.slug]) for c in tables.follow_up.columns],
        _,
        language,
        dash=False,
        total=True,
    )
    # The follow-up's "Jumlah" would add unlike steps: the table ends with its steps.
    found.append(PrintedTable(follow_up.key, follow_up.title, follow_up.header[:-1], [r[:-1] for r in follow_up.rows]))
    found.append(
        PrintedTable(
            "kendala",
            _("Kendala dan solusi dalam penanganan pengaduan"),
            [_("No."), _("Periode"), _("Total pengaduan"), _("Kendala"), _("Solusi")],
            [
                [n.month, month_name(n.month, language), n.received, _text(n.note.kendala), _text(n.note.solusi)]
                for n in tables.notes
            ],
        )
    )
    found.append(
        PrintedTable(
            "evaluasi",
            _("Evaluasi atas tindak lanjut penanganan pengaduan"),
            [_("No."), _("Periode"), _("Solusi"), _("Bukti tindak lanjut"), _("Evaluasi")],
            [
                [
                    n.month,
                    month_name(n.month, language),
                    _text(n.note.evaluasi_solusi),
                    _text(n.note.bukti_tindak_lanjut),
                    _text(n.note.evaluasi),
                ]
                for n in tables.notes
            ],
        )
    )
    found.append(
        PrintedTable(
            "penyelesaian",
            _("Evaluasi pengaduan masyarakat: penyelesaian menurut bulan penerimaan"),
            [_("No"), _("Waktu penerimaan"), _("Penyelesaian pengaduan (%)"), _("Hasil penanganan"), _("Keterangan")],
            [
                [
                    r.month,
                    month_name(r.month, language),
                    r.printed_percent if r.percent is None else r.percent,
                    _text(r.result_note),
                    _text(r.remark),
                ]
                for r in tables.completion
            ],
        )
    )
    found.append(
        PrintedTable(
            "waktu",
            _("Waktu penanganan tiap langkah terhadap batasnya"),
            [
                _("Langkah"),
                _("Batas"),
                _("Dasar"),
                _("Perkara"),
                _("Median"),
                _("Dalam batas"),
                _("Lewat batas, belum sampai"),
                _("Dalam batas (%)"),
            ],
            [
                [
                    _(s.label),
                    limit_text(s, _),
                    _(s.basis) if s.basis else "-",
                    s.reached,
                    duration_text(s.median_seconds),
                    "-" if s.within is None else s.within,
                    "-" if s.within is None else s.overdue,
                    "-" if s.within_percent is None else s.within_percent,
                ]
                for s in tables.timeliness
            ],
        )
    )
    return found
