"""The streaming form reader: text kept whatever happens to a file, limits as bytes arrive, CSRF
checked before a file is stored, nothing left of a refused file."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from wbs_contracts.events.directory import EvidenceLimits
from wbs_intake.adapters.uploads import read_report_form
from wbs_intake.domain.evidence import clean_file_name
from wbs_runtime.blobs import FilesystemBlobStore
from wbs_runtime.web.csrf import CsrfRejected
from wbs_runtime.web.pages import WebPages

LIMITS = EvidenceLimits(max_file_bytes=10_000, max_report_bytes=15_000, max_files_per_report=3)
PDF = b"%PDF-1.7\n" + b"0" * 5000


def app(blobs: FilesystemBlobStore, web: WebPages | None = None) -> FastAPI:
    application = FastAPI()

    @application.post("/lapor/bps-1700")
    async def form(request: Request) -> JSONResponse:
        try:
            upload = await read_report_form(request, limits=LIMITS, blobs=blobs, web=web)
        except CsrfRejected:
            return JSONResponse({"csrf": "rejected"}, status_code=403)
        refused = upload.refused
        return JSONResponse(
            {
                "fields": upload.fields,
                "files": [[f.file_name, f.content_type, f.size_bytes] for f in upload.files],
                "refused": [refused.status, refused.file_name] if refused else None,
            }
        )

    return application


def client(application: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://wbs.test")


def stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_the_forms_text_is_read_whole_even_after_a_refused_file(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(tmp_path)
    files = [
        ("berkas", ("a.pdf", io.BytesIO(PDF), "application/pdf")),
        ("berkas", ("besar.pdf", io.BytesIO(PDF * 3), "application/pdf")),
        ("berkas", ("c.pdf", io.BytesIO(PDF), "application/pdf")),
    ]
    async with client(app(blobs)) as http:
        answer = (await http.post("/lapor/bps-1700", data={"what": "Pungli", "where": "Loket"}, files=files)).json()
    assert answer["fields"] == {"what": ["Pungli"], "where": ["Loket"]}
    assert answer["files"] == [["a.pdf", "application/pdf", len(PDF)]]
    assert answer["refused"] == [413, "besar.pdf"]
    assert len(stored(tmp_path)) == 1  # only the file kept; nothing of the refused one


async def test_a_file_refused_for_its_kind_leaves_nothing(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(tmp_path)
    files = [("berkas", ("bukti.pdf", io.BytesIO(b"\x7fELF\x02\x01\x01" + bytes(3000)), "application/pdf"))]
    async with client(app(blobs)) as http:
        answer = (await http.post("/lapor/bps-1700", data={"what": "Pungli"}, files=files)).json()
    assert answer["refused"] == [415, "bukti.pdf"]
    assert answer["files"] == []
    assert stored(tmp_path) == []


async def test_without_the_csrf_token_no_file_is_stored(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(tmp_path)
    web = WebPages(csrf_key=b"k" * 32)
    cookie = web.csrf.new_cookie_value()
    files = [("berkas", ("a.pdf", io.BytesIO(PDF), "application/pdf"))]
    async with client(app(blobs, web)) as http:
        http.cookies.set("wbs_csrf", cookie)
        forged = await http.post("/lapor/bps-1700", data={"csrf": "salah"}, files=files)
        assert forged.status_code == 403
        assert stored(tmp_path) == []
        genuine = await http.post("/lapor/bps-1700", data={"csrf": web.csrf.token(cookie)}, files=files)
    assert genuine.json()["files"] == [["a.pdf", "application/pdf", len(PDF)]]


def test_a_file_name_loses_folders_controls_and_invisible_formatting() -> None:
    # U+202E (right-to-left override) shows "laporan\u202efdp.vbs" as "laporansbv.pdf".
    assert clean_file_name("C:\\Users\\siti\\laporan\u202efdp.vbs") == "laporanfdp.vbs"
    assert clean_file_name("bukti\u200b\u2028satu.pdf") == "buktisatu.pdf"
    assert clean_file_name("foto ke-2.jpg") == "foto ke-2.jpg"
