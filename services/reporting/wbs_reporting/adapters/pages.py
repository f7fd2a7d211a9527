"""The statistics pages, behind the officers' sign-in (``read-statistics`` in the body):

- ``GET /statistik/{tenant}``: this year's tables;
- ``GET /statistik/{tenant}/{year}``: the seeds' tables of the year with charts; ``?cakupan=sendiri``
  counts the body alone, by default the bodies below it are included (rolled up);
- ``GET|POST /statistik/{tenant}/{year}/catatan``: the officers' notes for the annual report
  (kendala, solusi, evaluation, the Lampiran's words) and who signs it;
- ``GET /statistik/{tenant}/{year}/laporan``: the annual report (laporan tahunan), and its files
  ``laporan.pdf``, ``tabel.xlsx`` and ``tabel.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from wbs_reporting.adapters.annual_pdf import annual_pdf
from wbs_reporting.adapters.charts import Bar, bar_chart
from wbs_reporting.adapters.exports import csv_bytes, xlsx_bytes
from wbs_reporting.domain.messages import N_
from wbs_reporting.domain.printed import month_name, printed_tables
from wbs_reporting.domain.tables import AnnualTables, MonthNote, SignOff
from wbs_reporting.ports import ReportingUnitOfWork
from wbs_reporting.usecases.annual import Writer, annual_report, write_notes
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import PAGE_HEADERS, WebPages

PREFIX = "/statistik/{tenant}"
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
Reader = Annotated[Caller, require(Permission.READ_STATISTICS)]
Year = Annotated[int, Path(ge=2000, le=9999)]
Scope = Annotated[str, Query(alias="cakupan", pattern="^(gabungan|sendiri)$")]
#: Longest note an officer may write in one field (the seeds' notes are one or two sentences).
NOTE_LIMIT = 2000
NOTE_LABELS = {
    "kendala": N_("Kendala"),
    "solusi": N_("Solusi"),
    "evaluasi_solusi": N_("Solusi yang dievaluasi"),
    "bukti_tindak_lanjut": N_("Bukti tindak lanjut"),
    "evaluasi": N_("Evaluasi"),
    "hasil_penanganan": N_("Hasil penanganan"),
    "keterangan": N_("Keterangan"),
}
SIGN_OFF_LABELS = {
    "kepala_jabatan": N_("Jabatan kepala satuan kerja"),
    "kepala_nama": N_("Nama kepala satuan kerja"),
    "kepala_nip": N_("NIP kepala satuan kerja"),
    "ketua_jabatan": N_("Jabatan ketua tim"),
    "ketua_nama": N_("Nama ketua tim"),
    "ketua_nip": N_("NIP ketua tim"),
    "tempat": N_("Tempat penandatanganan"),
    "tanggal": N_("Tanggal penandatanganan"),
}
TOO_LONG = N_("Setiap isian paling banyak 2000 karakter.")
NOTES_SAVED = N_("Catatan laporan tahunan telah disimpan.")
FILES = {
    "laporan.pdf": "application/pdf",
    "tabel.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "tabel.csv": "text/csv; charset=utf-8",
}


def heading(tables: AnnualTables, _: Callable[[str], str]) -> list[str]:
    scope = (
        _("Termasuk satuan kerja di bawahnya (%(count)s instansi)") % {"count": len(tables.scope)}
        if tables.rolled_up and len(tables.scope) > 1
        else _("Instansi ini saja")
    )
    return [
        _("Laporan tahunan pengaduan %(name)s") % {"name": tables.name},
        _("Tahun %(year)s") % {"year": tables.year},
        scope,
    ]


def charts(tables: AnnualTables, _: Callable[[str], str], language: str) -> dict[str, Any]:
    received = [
        Bar(month_name(r.month, language), r.received, f"{month_name(r.month, language)}: {r.received}")
        for r in tables.completion
    ]
    completion = [
        Bar(
            month_name(r.month, language),
            r.percent or 0,
            f"{month_name(r.month, language)}: {r.printed_percent}" + ("" if r.percent is None else " %"),
        )
        for r in tables.completion
    ]
    return {
        "received_chart": bar_chart(received, title=_("Pengaduan diterima per bulan"), chart_id="chart-received"),
        "completion_chart": bar_chart(
            completion,
            title=_("Penyelesaian pengaduan menurut bulan penerimaan, dalam persen"),
            chart_id="chart-completion",
            maximum=100,
            unit="%",
        ),
    }


def build_router(
    web: WebPages, *, unit_of_work: Callable[[], ReportingUnitOfWork], zone: ZoneInfo, clock: Clock
) -> APIRouter:
    router = web.router()

    async def tables_of(tenant: str, year: int, scope: str) -> AnnualTables:
        return await annual_report(tenant, year, zone, uow=unit_of_work(), rolled_up=scope != "sendiri", now=clock())

    def values(request: Request, tables: AnnualTables, scope: str) -> dict[str, Any]:
        _ = web.gettext(request)
        language = web.language(request)
        return {
            "tenant": tables.tenant,
            "year": tables.year,
            "tables": tables,
            "printed": printed_tables(tables, _, language),
            "heading": heading(tables, _),
            "scope": scope,
            "query": "" if scope == "gabungan" else "?cakupan=sendiri",
        }

    @router.get(PREFIX)
    async def this_year(request: Request, tenant: str, caller: Reader) -> Response:
        return web.redirect(f"/statistik/{tenant}/{clock().astimezone(zone).year}")

    @router.get(PREFIX + "/{year}")
    async def statistics_page(
        request: Request, tenant: str, year: Year, caller: Reader, scope: Scope = "gabungan"
    ) -> Response:
        tables = await tables_of(tenant, year, scope)
        page = values(request, tables, scope) | charts(tables, web.gettext(request), web.language(request))
        return web.render(request, "reporting/statistik.html", page)

    @router.get(PREFIX + "/{year}/laporan")
    async def annual_report_page(
        request: Request, tenant: str, year: Year, caller: Reader, scope: Scope = "gabungan"
    ) -> Response:
        tables = await tables_of(tenant, year, scope)
        return web.render(request, "reporting/laporan.html", values(request, tables, scope))

    @router.get(PREFIX + "/{year}/catatan")
    async def notes_page(request: Request, tenant: str, year: Year, caller: Reader) -> Response:
        tables = await tables_of(tenant, year, "gabungan")
        return notes_form(request, tables)

    def notes_form(
        request: Request, tables: AnnualTables, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        language = web.language(request)
        page = {
            "tenant": tables.tenant,
            "year": tables.year,
            "name": tables.name,
            "months": [(row.month, month_name(row.month, language), row.note) for row in tables.notes],
            "sign_off": tables.sign_off,
            "note_labels": NOTE_LABELS,
            "sign_off_labels": SIGN_OFF_LABELS,
            "error": error,
            "notice": NOTES_SAVED if request.query_params.get("disimpan") else None,
        }
        return web.render(request, "reporting/catatan.html", page, status_code=status_code)

    @router.post(PREFIX + "/{year}/catatan")
    async def write_notes_page(request: Request, tenant: str, year: Year, caller: Reader) -> Response:
        async with unit_of_work() as uow:
            known = await uow.annual.configuration(tenant)
        if known is None:
            raise not_found()  # tell nothing about a body reporting does not know
        await web.verify_csrf(request)
        form = await request.form()

        def field(name: str) -> str:
            value = form.get(name, "")
            return value.strip() if isinstance(value, str) else ""

        notes = {month: MonthNote(**{name: field(f"{name}-{month}") for name in NOTE_LABELS}) for month in range(1, 13)}
        sign_off = SignOff(**{name: field(name) for name in SIGN_OFF_LABELS})
        written = [*(v for n in notes.values() for v in vars(n).values()), *vars(sign_off).values()]
        if any(len(value) > NOTE_LIMIT for value in written):
            tables = await tables_of(tenant, year, "gabungan")
            return notes_form(request, tables, error=TOO_LONG, status_code=400)
        writer = Writer(caller.officer_id, caller.name, caller.session_id, frozenset(caller.acting_roles))
        await write_notes(tenant, year, notes, sign_off, writer=writer, at=clock(), uow=unit_of_work())
        return web.redirect(f"/statistik/{tenant}/{year}/catatan?disimpan=1")

    # Last: its {name} would otherwise take the pages' addresses.
    @router.get(PREFIX + "/{year}/{name}")
    async def annual_report_file(
        request: Request, tenant: str, year: Year, name: str, caller: Reader, scope: Scope = "gabungan"
    ) -> Response:
        if name not in FILES:
            raise not_found()
        tables = await tables_of(tenant, year, scope)
        _ = web.gettext(request)
        printed = printed_tables(tables, _, web.language(request))
        lines = heading(tables, _)
        if name == "laporan.pdf":
            content = annual_pdf(lines, printed, tables.sign_off, _)
        elif name == "tabel.xlsx":
            content = xlsx_bytes(lines, printed)
        else:
            content = csv_bytes(lines, printed)
        filename = f"laporan-tahunan-{tenant}-{year}.{name.rsplit('.', 1)[1]}"
        return Response(
            content,
            media_type=FILES[name],
            headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return router
