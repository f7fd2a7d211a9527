"""The reporter's pages, rendered by the server (no script needed; nothing loaded from elsewhere).

``/`` the bodies that take reports, by hierarchy; ``/lapor/{tenant}`` a body's page and the report
form (4W1H, terlapor, the loss, optional identity and contact), then a review page that shows how
complete the report is and asks how the reporter will follow it (number and secret, or pseudonym
and password), then the receipt, shown once; ``POST /lapor/tanda-terima`` the receipt as PDF;
``/pantau`` sign-in, ``/pantau/laporan`` the report's timeline and the identity form,
``/pantau/keluar`` sign-out. Forms carry the CSRF token; nothing the reporter typed is lost when a
field is refused: the page comes back with their text and the problem beside the field.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_contracts.events.intake import ACTIONABLE_MINIMUM, ReportElement
from wbs_intake.adapters.receipt_pdf import receipt_pdf, received_on
from wbs_intake.adapters.report_form import (
    DEFAULT_TERLAPOR_ROWS,
    IDENTITY_FIELDS,
    MAX_TERLAPOR_ROWS,
    CheckedReport,
    Problem,
    check_identity,
    check_report,
    read_report_form,
)
from wbs_intake.adapters.reporter_session import ReporterSessions
from wbs_intake.adapters.uploads import MalformedUpload, Upload, discard, is_multipart
from wbs_intake.adapters.uploads import read_report_form as read_report_form_with_files
from wbs_intake.domain.completeness import assess
from wbs_intake.domain.credentials import accept_client_secret, canonical_registration_number, issue_secret
from wbs_intake.domain.evidence import format_size
from wbs_intake.domain.handling import handling_steps
from wbs_intake.domain.messages import N_
from wbs_intake.domain.passwords import judge_password
from wbs_intake.domain.pseudonym import pseudonym_problems
from wbs_intake.domain.reporter_view import current_status
from wbs_intake.domain.rupiah import format_rupiah
from wbs_intake.domain.tenant import Tenant, UnknownCategory, UnknownTenant
from wbs_intake.ports import (
    AttemptGuard,
    IntakeUnitOfWork,
    KeyedDigests,
    OfferedBody,
    Opener,
    PasswordHasher,
    PseudonymTaken,
    Sealer,
    SecretHasher,
)
from wbs_intake.usecases import (
    Idempotency,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    Submission,
    TooManyAttempts,
    add_identity,
    evidence_limits,
    find_report,
    find_report_by_pseudonym,
    get_tenant,
    identity_recorded_at,
    pseudonym_credential,
    read_report,
    receipt_details,
    reporter_timeline,
    submit_report,
)
from wbs_runtime.auth.access import public
from wbs_runtime.blobs import BlobStore
from wbs_runtime.clock import Clock
from wbs_runtime.crypto import MissingKey
from wbs_runtime.http import correlation_id
from wbs_runtime.web.pages import PAGE_HEADERS, WebPages

FOLLOW_PATH = "/pantau"
REPORT_PATH = "/pantau/laporan"

ELEMENT_LABELS = {
    ReportElement.WHAT: N_("Apa yang terjadi"),
    ReportElement.WHERE: N_("Di mana terjadi"),
    ReportElement.WHEN: N_("Kapan terjadi"),
    ReportElement.WHO: N_("Siapa yang terlibat"),
    ReportElement.HOW: N_("Bagaimana caranya"),
    ReportElement.AMOUNT: N_("Dugaan kerugian"),
    ReportElement.EVIDENCE: N_("Bukti"),
}
ELEMENT_HINTS = {
    ReportElement.WHAT: N_("Tuliskan perbuatan yang Anda laporkan, dengan kata-kata Anda sendiri."),
    ReportElement.WHERE: N_("Sebutkan tempatnya: kantor, ruang, desa atau kota."),
    ReportElement.WHEN: N_("Sebutkan waktunya, walau perkiraan: tanggal, bulan, atau tahun."),
    ReportElement.WHO: N_("Sebutkan siapa yang terlibat: nama, NIP, jabatan, atau unit kerjanya bila Anda tahu."),
    ReportElement.HOW: N_("Ceritakan caranya: bagaimana perbuatan itu dilakukan."),
    ReportElement.AMOUNT: N_("Bila ada, perkiraan kerugian negara dalam rupiah."),
    ReportElement.EVIDENCE: N_(
        "Lampirkan bukti (dokumen, foto, rekaman) di bawah, atau tambahkan setelah laporan terkirim."
    ),
}
CONFIRM_INCOMPLETE = N_("Centang kotak ini untuk mengirim laporan yang belum lengkap, atau lengkapi dulu laporannya.")
PSEUDONYM_TAKEN = N_("Nama samaran ini sudah dipakai. Pilih nama samaran lain.")
SIGN_IN_FAILED = N_("Nomor registrasi atau kode rahasia salah.")
PSEUDONYM_SIGN_IN_FAILED = N_("Nama samaran atau kata sandi salah.")
THROTTLED = N_("Terlalu banyak percobaan yang salah. Coba lagi setelah %(seconds)s detik.")
NOT_READY = N_("Instansi ini belum siap menerima laporan (kunci enkripsi belum tersedia). Coba lagi nanti.")
KEY_REUSED = N_("Laporan ini berubah setelah halaman periksa ditampilkan. Periksa lagi, lalu kirim.")
IN_PROGRESS = N_("Laporan ini sedang dikirim. Tunggu sebentar, lalu muat ulang halaman ini.")
RECEIPT_REFUSED = N_("Tanda terima hanya dapat dibuat dengan nomor registrasi dan kode rahasia yang benar.")
NOTICES = {
    "berakhir": N_("Sesi Anda telah berakhir. Silakan masuk lagi."),
    "keluar": N_("Anda telah keluar. Tutup jendela peramban bila komputer ini dipakai bersama."),
    "identitas": N_("Identitas Anda telah disimpan tersegel."),
}
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,100}")


@dataclass
class BodyNode:
    id: str
    name: str
    children: list[BodyNode] = field(default_factory=list)


def body_tree(bodies: list[OfferedBody]) -> list[BodyNode]:
    """Bodies under their nearest offered ancestor (a body whose parent takes no reports comes
    under the next one up, or at the top)."""
    nodes = {body.id: BodyNode(body.id, body.name) for body in bodies}
    roots: list[BodyNode] = []
    for body in bodies:
        parent = next((a for a in reversed(body.ancestors) if a in nodes), None)
        (nodes[parent].children if parent else roots).append(nodes[body.id])
    return roots


def _retry_seconds(refused: TooManyAttempts) -> int:
    return max(1, math.ceil(refused.retry_after))


def build_router(
    *,
    web: WebPages,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sealer: Sealer,
    hasher: SecretHasher,
    digests: KeyedDigests,
    passwords: PasswordHasher,
    attempts: AttemptGuard,
    sessions: ReporterSessions,
    clock: Clock,
    zone: ZoneInfo,
    blobs: BlobStore,
    follow_url: str = FOLLOW_PATH,
    idempotency_lifetime: timedelta = timedelta(hours=24),
    opener: Opener | None = None,
) -> APIRouter:
    # Reporters are anonymous: every page is public; the signed-in pages read the reporter's session.
    router = web.router(dependencies=[public()])

    def notice(request: Request) -> str | None:
        return NOTICES.get(request.query_params.get("pesan", ""))

    async def signed_in(request: Request) -> bool:
        return await sessions.current(request) is not None

    def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
        values.setdefault("notice", None)
        values.setdefault("reporter_signed_in", False)
        return web.render(request, name, values, status_code=status_code)

    # -- choosing a body -------------------------------------------------------------------------

    @router.get("/")
    async def chooser(request: Request) -> Response:
        async with unit_of_work() as uow:
            bodies = await uow.bodies.offered()
        values = {"tree": body_tree(bodies), "reporter_signed_in": await signed_in(request)}
        return render(request, "intake/beranda.html", values)

    # -- the body's page, the form, the review, the receipt ----------------------------------------

    async def body_page_values(tenant: Tenant) -> dict[str, Any]:
        async with unit_of_work() as uow:
            configuration = await uow.bodies.configuration(tenant.id)
        limits = configuration.policy.time_limits if configuration else {}
        return {"tenant": tenant, "steps": handling_steps(limits)}

    def form_page(
        request: Request, tenant: Tenant, body: dict[str, Any], checked: CheckedReport | None, status_code: int = 200
    ) -> Response:
        values = {
            **body,
            "values": checked.values if checked else {"kredensial": "kode"},
            "rows": checked.terlapor_rows if checked else [{} for _ in range(DEFAULT_TERLAPOR_ROWS)],
            "max_rows": MAX_TERLAPOR_ROWS,
            "problems": checked.problems if checked else {},
            "identity_fields": [name for name, _ in IDENTITY_FIELDS],
        }
        return render(request, "intake/lapor.html", values, status_code)

    async def review_page(
        request: Request,
        tenant: Tenant,
        checked: CheckedReport,
        problems: dict[str, Problem] | None = None,
        advice: list[Any] | None = None,
        status_code: int = 200,
    ) -> Response:
        assert checked.substance is not None
        completeness = assess(checked.substance)
        language = web.language(request)
        limits = await evidence_limits(tenant.id, uow=unit_of_work())
        category = next((c for c in tenant.categories if c.slug == checked.category), None)
        values = {
            "tenant": tenant,
            "values": checked.values,
            "rows": checked.terlapor_rows,
            "filled_rows": [row for row in checked.terlapor_rows if any(row.values())],
            "category_label": (category.label_en if language == "en" else category.label_id) if category else "",
            "amount": format_rupiah(checked.substance.amount_idr) if checked.substance.amount_idr is not None else "",
            "identity_given": checked.identity is not None,
            "identity_fields": [name for name, _ in IDENTITY_FIELDS],
            "missing": [{"label": ELEMENT_LABELS[e], "hint": ELEMENT_HINTS[e]} for e in completeness.missing],
            "given": [ELEMENT_LABELS[e] for e in ReportElement if e not in completeness.missing],
            "missing_minimum": [
                web.gettext(request)(ELEMENT_LABELS[e]).lower() for e in ACTIONABLE_MINIMUM if e in completeness.missing
            ],
            "actionable": completeness.actionable,
            "limits": {
                "file": format_size(limits.max_file_bytes),
                "report": format_size(limits.max_report_bytes),
                "files": limits.max_files_per_report,
            },
            "problems": problems or {},
            "advice": [wording.of(language) for wording in advice or []],
            # A retry of the same sending (a reload after a lost answer) finds the same report.
            "kunci": secrets.token_urlsafe(24),
            "rahasia": issue_secret(),
        }
        return render(request, "intake/periksa.html", values, status_code)

    async def offered_tenant(tenant_id: str) -> Tenant | None:
        return await get_tenant(tenant_id, uow=unit_of_work())

    def not_found(request: Request) -> Response:
        return render(request, "intake/tidak_ditemukan.html", {}, 404)

    @router.get("/lapor/{tenant_id}")
    async def body_page(request: Request, tenant_id: str) -> Response:
        tenant = await offered_tenant(tenant_id)
        if tenant is None:
            return not_found(request)
        return form_page(request, tenant, await body_page_values(tenant), None)

    @router.post("/lapor/tanda-terima")
    async def receipt_document(request: Request) -> Response:
        await web.verify_csrf(request)
        form = await request.form()
        number = str(form.get("registration_number") or "")
        secret = str(form.get("secret") or "")
        report = None
        try:
            if secret:
                report = await find_report(number, secret, uow=unit_of_work(), hasher=hasher, attempts=attempts)
            elif (report_id := await sessions.current(request)) is not None:
                # A reporter with a pseudonym has no secret: their session proves the report is theirs.
                mine = await read_report(report_id, uow=unit_of_work())
                report = mine if mine.registration_number == canonical_registration_number(number) else None
        except TooManyAttempts as refused:
            values = {"error": THROTTLED, "error_args": {"seconds": _retry_seconds(refused)}}
            response = render(request, "intake/tanda_terima_ditolak.html", values, 429)
            response.headers["Retry-After"] = str(_retry_seconds(refused))
            return response
        if report is None:
            values = {"error": RECEIPT_REFUSED, "error_args": {}}
            return render(request, "intake/tanda_terima_ditolak.html", values, 404)
        details = await receipt_details(report, uow=unit_of_work())
        document = receipt_pdf(details, None if details.pseudonym else secret, zone=zone, follow_url=follow_url)
        return Response(
            document,
            media_type="application/pdf",
            headers={
                **PAGE_HEADERS,
                "Content-Disposition": 'attachment; filename="tanda-terima-wbs.pdf"',
            },
        )

    @router.post("/lapor/{tenant_id}")
    async def submit_form(request: Request, tenant_id: str) -> Response:
        tenant = await offered_tenant(tenant_id)
        if tenant is None:
            return not_found(request)
        if not is_multipart(request):
            await web.verify_csrf(request)
            return await answer_form(request, tenant, await read_report_form(request))
        # The review page's form brings the evidence files: streamed, encrypted, into the blob store
        # as they arrive (its CSRF token is checked before the first file is stored).
        limits = await evidence_limits(tenant.id, uow=unit_of_work())
        try:
            upload = await read_report_form_with_files(request, limits=limits, blobs=blobs, web=web)
        except MalformedUpload:
            # Not a form this page sent (the browser always sends a sound one): start again.
            return form_page(request, tenant, await body_page_values(tenant), None, 400)
        fields = {name: values[0] for name, values in upload.fields.items() if values}
        try:
            return await answer_form(request, tenant, fields, upload)
        finally:
            if not upload.recorded:
                await discard(blobs, upload.files)

    async def answer_form(
        request: Request, tenant: Tenant, fields: dict[str, str], upload: Upload | None = None
    ) -> Response:
        step = fields.get("langkah", "periksa")
        checked = check_report(fields, tenant)
        if step == "tambah-terlapor":
            checked.terlapor_rows.append({})
            checked.terlapor_rows = checked.terlapor_rows[:MAX_TERLAPOR_ROWS]
            checked.problems = {}
            return form_page(request, tenant, await body_page_values(tenant), checked)
        if step == "ubah" or not checked.sound:
            status_code = 200 if step == "ubah" else 422
            if step == "ubah":
                checked.problems = {}
            return form_page(request, tenant, await body_page_values(tenant), checked, status_code)
        if step != "kirim":
            return await review_page(request, tenant, checked)
        return await send(request, tenant, fields, checked, upload)

    async def send(
        request: Request, tenant: Tenant, fields: dict[str, str], checked: CheckedReport, upload: Upload | None
    ) -> Response:
        assert checked.substance is not None
        problems: dict[str, Problem] = {}
        advice: list[Any] = []
        if upload is not None and upload.refused is not None:
            # The file is refused, nothing is lost: the page comes back with all the text, and the
            # reporter attaches another file (or none) and sends again.
            refused = upload.refused
            in_english = web.language(request) == "en"
            problem = {"berkas": Problem(refused.message if in_english else refused.pesan)}
            return await review_page(request, tenant, checked, problem, [], refused.status)
        if not assess(checked.substance).actionable and fields.get("lengkap_dikonfirmasi") != "ya":
            problems["lengkap_dikonfirmasi"] = Problem(CONFIRM_INCOMPLETE)
        credential = None
        if checked.values["kredensial"] == "samaran":
            pseudonym = checked.values["nama_samaran"]
            password = fields.get("kata_sandi", "")
            for message in pseudonym_problems(pseudonym):
                problems.setdefault("nama_samaran", Problem(message))
            strength = judge_password(password, repeated=fields.get("ulangi_kata_sandi", ""), pseudonym=pseudonym)
            if not strength.acceptable:
                problems["kata_sandi"] = Problem(strength.problems[0])
                advice = strength.advice
            # Whether it is taken is decided when the report is stored (a unique key), after a retry
            # is recognised: asking first would tell anyone which pseudonyms exist, for free.
            if not problems:
                credential = await pseudonym_credential(pseudonym, password, digests=digests, passwords=passwords)
        if problems:
            return await review_page(request, tenant, checked, problems, advice, 422)
        key = fields.get("kunci", "")
        client_secret = accept_client_secret(fields.get("rahasia", ""))
        submission = Submission(
            tenant=tenant.id,
            category=checked.category,
            channel="web",
            substance=checked.substance,
            contact=checked.contact,
            identity=checked.identity,
            pseudonym=credential,
            evidence=tuple(upload.files) if upload is not None else (),
        )
        try:
            receipt = await submit_report(
                submission,
                uow=unit_of_work(),
                sealer=sealer,
                hasher=hasher,
                digests=digests,
                clock=clock,
                correlation_id=correlation_id.get(),
                idempotency=Idempotency(key, idempotency_lifetime) if _IDEMPOTENCY_KEY.fullmatch(key) else None,
                client_secret=client_secret,
                passwords=passwords,
            )
        except (UnknownTenant, UnknownCategory):
            return form_page(request, tenant, await body_page_values(tenant), checked, 422)
        except PseudonymTaken:
            return await review_page(request, tenant, checked, {"nama_samaran": Problem(PSEUDONYM_TAKEN)}, [], 422)
        except IdempotencyKeyReused:
            return await review_page(request, tenant, checked, {"kirim": Problem(KEY_REUSED)}, [], 422)
        except IdempotencyKeyInUse:
            response = await review_page(request, tenant, checked, {"kirim": Problem(IN_PROGRESS)}, [], 409)
            response.headers["Retry-After"] = "1"
            return response
        except MissingKey:
            return await review_page(request, tenant, checked, {"kirim": Problem(NOT_READY)}, [], 503)
        if upload is not None and not receipt.replayed:
            upload.recorded = True
        indonesian, english = received_on(receipt.submitted_at, zone)
        values = {
            "tenant": tenant,
            "receipt": receipt,
            "received_on": english if web.language(request) == "en" else indonesian,
            "follow_url": follow_url,
            "reporter_signed_in": receipt.pseudonym,
        }
        response = render(request, "intake/tanda_terima.html", values)
        if receipt.pseudonym:
            # No secret to print or type: the reporter is signed in, so the receipt PDF and the
            # status page open without asking for the password again.
            report = await read_report(receipt.report_id, uow=unit_of_work())
            await sessions.open(report, response)
        return response

    # -- following the report ----------------------------------------------------------------------

    def sign_in_page(request: Request, values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
        shown: dict[str, Any] = {"method": "kode", "number": "", "pseudonym": "", "error": None, "error_args": {}}
        shown["notice"] = notice(request)
        shown.update(values or {})
        return render(request, "intake/pantau.html", shown, status_code)

    @router.get(FOLLOW_PATH)
    async def follow(request: Request) -> Response:
        if await signed_in(request):
            return web.redirect(REPORT_PATH)
        return sign_in_page(request)

    @router.post(FOLLOW_PATH)
    async def sign_in(request: Request) -> Response:
        await web.verify_csrf(request)
        form = await request.form()
        method = "samaran" if form.get("cara") == "samaran" else "kode"
        number = str(form.get("registration_number") or "").strip()
        pseudonym = str(form.get("nama_samaran") or "").strip()
        kept = {"method": method, "number": number, "pseudonym": pseudonym}
        try:
            if method == "samaran":
                report = await find_report_by_pseudonym(
                    pseudonym,
                    str(form.get("kata_sandi") or ""),
                    uow=unit_of_work(),
                    digests=digests,
                    passwords=passwords,
                    attempts=attempts,
                )
            else:
                secret = str(form.get("secret") or "")
                report = await find_report(number, secret, uow=unit_of_work(), hasher=hasher, attempts=attempts)
        except TooManyAttempts as refused:
            values = {**kept, "error": THROTTLED, "error_args": {"seconds": _retry_seconds(refused)}}
            response = sign_in_page(request, values, 429)
            response.headers["Retry-After"] = str(_retry_seconds(refused))
            return response
        if report is None:
            error = PSEUDONYM_SIGN_IN_FAILED if method == "samaran" else SIGN_IN_FAILED
            return sign_in_page(request, {**kept, "error": error}, 401)
        response = web.redirect(REPORT_PATH)
        await sessions.open(report, response)
        return response

    async def report_page(
        request: Request,
        report_id: UUID,
        identity_values: dict[str, str] | None = None,
        problems: dict[str, Problem] | None = None,
        status_code: int = 200,
    ) -> Response:
        report = await read_report(report_id, uow=unit_of_work())
        entries = await reporter_timeline(report, uow=unit_of_work(), opener=opener)
        language = web.language(request)
        async with unit_of_work() as uow:
            names = await uow.bodies.names([report.tenant])
            tenant = await uow.tenants.get(report.tenant)
        category = next((c for c in tenant.categories if c.slug == report.category), None) if tenant else None
        values = {
            "report": report,
            "tenant_name": names.get(report.tenant) or (tenant.name if tenant else report.tenant),
            "category_label": (category.label_en if language == "en" else category.label_id) if category else "",
            "entries": [
                {
                    "kind": entry.kind,
                    "title": entry.title(language),
                    "explanation": entry.explanation(language),
                    "at": received_on(entry.at, zone)[1 if language == "en" else 0],
                    "at_iso": entry.at.isoformat(),
                }
                for entry in entries
            ],
            "current": (current.shown.title.of(language) if (current := current_status(entries)) else ""),
            "identity_at": None,
            "identity_values": identity_values or {},
            "identity_fields": [name for name, _ in IDENTITY_FIELDS],
            "problems": problems or {},
            "notice": notice(request),
            "reporter_signed_in": True,
        }
        recorded = await identity_recorded_at(report.id, uow=unit_of_work())
        if recorded is not None:
            values["identity_at"] = received_on(recorded, zone)[1 if language == "en" else 0]
        return render(request, "intake/laporan.html", values, status_code)

    def signed_out() -> Response:
        return web.redirect(f"{FOLLOW_PATH}?pesan=berakhir")

    @router.get(REPORT_PATH)
    async def my_report(request: Request) -> Response:
        report_id = await sessions.current(request)
        if report_id is None:
            return signed_out()
        return await report_page(request, report_id)

    @router.post("/pantau/identitas")
    async def give_identity(request: Request) -> Response:
        await web.verify_csrf(request)
        report_id = await sessions.current(request)
        if report_id is None:
            return signed_out()
        values, problems, identity = check_identity(await read_report_form(request))
        if identity is None:
            return await report_page(request, report_id, values, problems, 422 if problems else 200)
        await add_identity(report_id, identity, uow=unit_of_work(), sealer=sealer, clock=clock)
        return web.redirect(f"{REPORT_PATH}?pesan=identitas")

    @router.post("/pantau/keluar")
    async def sign_out(request: Request) -> Response:
        await web.verify_csrf(request)
        response = web.redirect(f"{FOLLOW_PATH}?pesan=keluar")
        await sessions.close(request, response)
        return response

    return router
