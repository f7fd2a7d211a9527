"""Intake's HTTP API for reporters: submit a report, check its status, read a body's categories.

The registration number never appears in a URL (proxies log URLs beside addresses): the status
check is a ``POST`` carrying number and secret in its body.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import TENANT_PATTERN
from wbs_contracts.events.intake import (
    ACTIONABLE_MINIMUM,
    SHORT_TEXT_LIMIT,
    TEXT_LIMIT,
    ReportCompleteness,
    ReportedOfficial,
    ReporterIdentityV1,
    ReportSubstanceV1,
)
from wbs_intake.domain.completeness import assess
from wbs_intake.domain.credentials import accept_client_secret
from wbs_intake.domain.passwords import judge_password
from wbs_intake.domain.pseudonym import pseudonym_problems
from wbs_intake.domain.report import STATUS_LABEL_EN, Report, ReportStatus
from wbs_intake.domain.reporter_view import TimelineEntry
from wbs_intake.domain.tenant import Tenant, UnknownCategory, UnknownTenant
from wbs_intake.ports import (
    AttemptGuard,
    IntakeUnitOfWork,
    KeyedDigests,
    Opener,
    PasswordHasher,
    PseudonymCredential,
    PseudonymTaken,
    Sealer,
    SecretHasher,
)
from wbs_intake.usecases import (
    Idempotency,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    Receipt,
    Submission,
    TooManyAttempts,
    find_report,
    get_tenant,
    list_tenants,
    prune_idempotency_keys,
    pseudonym_credential,
    reporter_timeline,
    submit_report,
)
from wbs_runtime.auth.access import public
from wbs_runtime.clock import Clock
from wbs_runtime.crypto import MissingKey
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput, correlation_id, error_response
from wbs_runtime.web.i18n import load_translations

log = logging.getLogger(__name__)
#: Intake's English catalogue: the API answers in both languages at once.
ENGLISH = load_translations([Path(__file__).resolve().parent.parent / "locale"])["en"]
NO_STORE = {"Cache-Control": "no-store"}
NOT_FOUND = ErrorBody(
    pesan="Laporan tidak ditemukan, atau kode rahasianya salah.",
    message="No report matches that registration number and secret.",
)
NOT_READY = ErrorBody(
    pesan="Instansi ini belum siap menerima laporan (kunci enkripsi belum tersedia). Coba lagi nanti.",
    message="This body cannot take reports yet (its encryption keys are missing). Try again later.",
)
IN_PROGRESS = ErrorBody(
    pesan="Permintaan dengan Idempotency-Key ini masih diproses. Coba lagi sebentar lagi dengan kunci yang sama.",
    message="A request with this Idempotency-Key is still being processed. Retry shortly with the same key.",
)
#: An ``Idempotency-Key`` is a Structured Field string (the draft's examples quote it); bare keys
#: are accepted too. Long enough to be unguessable: a key finds its report's number for 24 hours.
_IDEMPOTENCY_KEY = re.compile(r'^"?([\x21\x23-\x5b\x5d-\x7e]{16,255})"?$')

Text = Annotated[str, Field(max_length=TEXT_LIMIT)]
ShortText = Annotated[str, Field(max_length=SHORT_TEXT_LIMIT)]
#: The form's names for the elements the regulations' minimum asks for.
MINIMUM_FIELDS = {"what": "Apa", "where": "Di mana", "when": "Kapan"}


class ReportForm(BaseModel):
    """A report in the 4W1H form of the regulations: what, where, when, who, how.

    Each element may be left out, but a report without what, where and when is accepted only with
    ``incomplete_confirmed``: it is flagged for the officers as not yet actionable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    tenant: str = Field(pattern=TENANT_PATTERN, description="The body reported to, e.g. bps-1700.")
    category: str = Field(pattern=SLUG_PATTERN, description="One of the body's categories.")
    what: Text = Field(default="", description="Apa: perbuatan yang dilaporkan.")
    where: ShortText = Field(default="", description="Di mana: tempat kejadian.")
    when: ShortText = Field(default="", description="Kapan: waktu kejadian.")
    who: Text = Field(default="", description="Siapa: pihak yang terlibat.")
    how: Text = Field(default="", description="Bagaimana: modus atau cara.")
    amount_idr: int | None = Field(default=None, ge=0, le=10**16, description="Dugaan kerugian (Rupiah).")
    terlapor: list[ReportedOfficial] = Field(
        default_factory=list, max_length=20, description="Terlapor: nama, nip, jabatan, unit_kerja (each optional)."
    )
    incomplete_confirmed: bool = Field(
        default=False, description="Send even without what, where and when (the report is flagged incomplete)."
    )
    contact: str | None = Field(
        default=None, max_length=SHORT_TEXT_LIMIT, description="Optional, for notifications; stays sealed."
    )
    identity: ReporterIdentityV1 | None = Field(
        default=None,
        description="Optional: who the reporter is. Sealed at once to reporter-identity; disclosed only after a "
        "custodian approves an officer's written request, for investigation or court.",
    )
    pseudonym: str | None = Field(
        default=None,
        max_length=200,
        description="Optional: a pseudonym (nama samaran) to follow the report with, "
        "instead of a secret; needs `password`.",
    )
    password: str | None = Field(
        default=None, max_length=200, description="The password (kata sandi) that goes with `pseudonym`."
    )
    secret: str | None = Field(
        default=None,
        max_length=100,
        description="Optional: a secret the reporter's browser drew itself (25 Crockford base32 symbols, "
        "125 random bits). Sent with an Idempotency-Key, it lets a retry return the whole receipt.",
    )


RECEIVED_PESAN = (
    "Laporan diterima. Simpan nomor registrasi dan kode rahasia ini: kode rahasia hanya ditampilkan "
    "sekali dan diperlukan untuk melihat perkembangan laporan."
)
RECEIVED_MESSAGE = (
    "Report received. Keep this registration number and secret: the secret is shown only once "
    "and is needed to follow the report."
)
ALREADY_RECEIVED_PESAN = (
    "Laporan ini sudah diterima sebelumnya dengan nomor registrasi di atas. Kode rahasia hanya ditampilkan "
    "pada jawaban pertama dan tidak disimpan oleh sistem, sehingga tidak dapat ditampilkan lagi."
)
ALREADY_RECEIVED_MESSAGE = (
    "This report was already received under the registration number above. The secret was shown only in "
    "the first answer and is not kept by the system, so it cannot be shown again."
)


PSEUDONYM_PESAN = (
    "Laporan diterima. Simpan nomor registrasi ini; masuk dengan nama samaran dan kata sandi Anda untuk melihat "
    "perkembangannya. Kata sandi tidak dapat dipulihkan."
)
PSEUDONYM_MESSAGE = (
    "Report received. Keep this registration number; sign in with your pseudonym and password to follow it. "
    "The password cannot be recovered."
)


class ReceiptOut(BaseModel):
    registration_number: str
    #: None when a retry found an earlier report whose secret the server drew, or with a pseudonym.
    secret: str | None
    status: str
    #: True when an earlier request with the same Idempotency-Key made this report.
    replayed: bool = False
    #: True when the reporter follows the report with pseudonym and password.
    pseudonym: bool = False
    #: Which elements the report lacks; ``actionable`` is False without what, where and when.
    completeness: ReportCompleteness | None = None
    actionable: bool = True
    pesan: str = RECEIVED_PESAN
    message: str = RECEIVED_MESSAGE


class StatusQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_number: str = Field(min_length=1, max_length=100)
    secret: str = Field(min_length=1, max_length=200)


class StatusChangeOut(BaseModel):
    status: str
    status_en: str
    at: datetime
    #: What the status means for the reporter, in plain words (with how the telaah ended: the
    #: body it went to, the officers' reason); empty when the reporter's view says nothing more.
    pesan: str = ""
    message: str = ""


class NoticeOut(BaseModel):
    """Something the reporter is told besides the status (an officer answered or asked for more
    information, the report was forwarded, their identity was disclosed)."""

    kind: str
    at: datetime
    pesan: str
    message: str


class ReportStatusOut(BaseModel):
    registration_number: str
    status: str
    status_en: str
    timeline: list[StatusChangeOut]
    notices: list[NoticeOut] = []


class CategoryOut(BaseModel):
    slug: str
    label_id: str
    label_en: str


class TenantOut(BaseModel):
    id: str
    name: str
    categories: list[CategoryOut]


def _notice_out(entry: TimelineEntry) -> NoticeOut:
    return NoticeOut(
        kind=entry.kind,
        at=entry.at,
        pesan=f"{entry.title('id')}. {entry.explanation('id')}",
        message=f"{entry.title('en')}. {entry.explanation('en')}",
    )


def _explained(entry: TimelineEntry | None) -> dict[str, str]:
    if entry is None:
        return {}
    return {
        "pesan": f"{entry.title('id')}. {entry.explanation('id')}",
        "message": f"{entry.title('en')}. {entry.explanation('en')}",
    }


def report_status_out(report: Report, entries: Sequence[TimelineEntry] = ()) -> ReportStatusOut:
    """The report's statuses, and the rest of what :mod:`reporter_view` lets the reporter see as notices."""
    explained = {entry.kind: entry for entry in entries if entry.shown.is_status}
    return ReportStatusOut(
        registration_number=report.registration_number,
        status=report.status.value,
        status_en=STATUS_LABEL_EN[report.status],
        timeline=[
            StatusChangeOut(
                status=change.status.value,
                status_en=STATUS_LABEL_EN[change.status],
                at=change.at,
                **_explained(explained.get(change.status.value)),
            )
            for change in report.timeline
        ],
        notices=[_notice_out(entry) for entry in entries if not entry.shown.is_status],
    )


def too_many_attempts(refused: TooManyAttempts) -> JSONResponse:
    seconds = max(1, math.ceil(refused.retry_after))
    body = ErrorBody(
        pesan=f"Terlalu banyak percobaan kode rahasia yang salah untuk nomor ini. Coba lagi setelah {seconds} detik.",
        message=f"Too many wrong secrets for this number. Try again after {seconds} seconds.",
    )
    return JSONResponse(status_code=429, content=body.model_dump(), headers={**NO_STORE, "Retry-After": str(seconds)})


def _problem(field: str, code: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput([FieldProblem(field=field, code=code, pesan=pesan, message=message)])


def _idempotency_key(header: str | None) -> str | None:
    if header is None:
        return None
    matched = _IDEMPOTENCY_KEY.match(header)
    if matched is None:
        raise _problem(
            "Idempotency-Key",
            "invalid",
            "Idempotency-Key harus 16 sampai 255 karakter ASCII yang terlihat (misalnya sebuah UUID).",
            "Idempotency-Key must be 16 to 255 visible ASCII characters (a UUID, for example).",
        )
    return matched.group(1)


def _receipt_out(receipt: Receipt, completeness: ReportCompleteness) -> ReceiptOut:
    shown_before = receipt.replayed and receipt.secret is None and not receipt.pseudonym
    pesan, message = RECEIVED_PESAN, RECEIVED_MESSAGE
    if receipt.pseudonym:
        pesan, message = PSEUDONYM_PESAN, PSEUDONYM_MESSAGE
    elif shown_before:
        pesan, message = ALREADY_RECEIVED_PESAN, ALREADY_RECEIVED_MESSAGE
    return ReceiptOut(
        registration_number=receipt.registration_number,
        secret=receipt.secret,
        status=ReportStatus.DITERIMA.value,
        replayed=receipt.replayed,
        pseudonym=receipt.pseudonym,
        completeness=completeness,
        actionable=completeness.actionable,
        pesan=pesan,
        message=message,
    )


def _check_elements(form: ReportForm, substance: ReportSubstanceV1) -> ReportCompleteness:
    """The report's completeness; refuses an empty report, and one short of what, where and when
    unless the sender confirmed it."""
    completeness = assess(substance)
    if not any((form.what, form.where, form.when, form.who, form.how)) and not substance.terlapor:
        raise _problem(
            "what",
            "missing",
            "Laporan masih kosong. Ceritakan paling sedikit apa yang terjadi.",
            "The report is empty. Say at least what happened.",
        )
    if not completeness.actionable and not form.incomplete_confirmed:
        missing = [str(e) for e in ACTIONABLE_MINIMUM if e in completeness.missing]
        raise InvalidInput(
            [
                FieldProblem(
                    field=name,
                    code="missing",
                    pesan=f"{MINIMUM_FIELDS[name]} belum diisi. Laporan tanpa apa, di mana, dan kapan sulit "
                    "ditindaklanjuti; lengkapi, atau kirim dengan incomplete_confirmed: true.",
                    message=f"'{name}' is missing. Without what, where and when a report is hard to act on; add it, "
                    "or send with incomplete_confirmed: true.",
                )
                for name in missing
            ]
        )
    return completeness


@dataclass
class _Pruning:
    """Expired idempotency keys are deleted now and then, after a submission, in the background so
    that no reporter waits for it (a DELETE on an index; harmless if two processes do it)."""

    every_seconds: float
    last: float = 0.0
    running: asyncio.Task[int] | None = None

    def start_if_due(self, prune: Callable[[], Coroutine[Any, Any, int]]) -> None:
        now = time.monotonic()
        if now - self.last < self.every_seconds or (self.running is not None and not self.running.done()):
            return
        self.last = now
        self.running = asyncio.create_task(prune(), name="intake-prune-idempotency-keys")
        self.running.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[int]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("pruning expired idempotency keys failed: %r (tried again later)", task.exception())


def build_router(
    *,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sealer: Sealer,
    hasher: SecretHasher,
    digests: KeyedDigests,
    passwords: PasswordHasher,
    attempts: AttemptGuard,
    clock: Clock,
    idempotency_lifetime: timedelta = timedelta(hours=24),
    prune_every_seconds: float = 300.0,
    opener: Opener | None = None,
) -> APIRouter:
    # Reporters are anonymous: every route here is public, and none may depend on who calls.
    router = APIRouter(prefix="/api/v1", tags=["laporan / reports"], dependencies=[public()])
    pruning = _Pruning(prune_every_seconds)

    @router.post(
        "/reports",
        status_code=status.HTTP_201_CREATED,
        response_model=ReceiptOut,
        responses={409: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
        summary="Kirim laporan / submit a report",
        description="With an `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header), a retry of "
        "the same request answers 201 with the first request's receipt and creates nothing; the same key with "
        "another request gets 422, and while the first is still being processed, 409.",
    )
    async def submit(
        form: ReportForm,
        response: Response,
        idempotency_key: Annotated[str | None, Header(max_length=300)] = None,
    ) -> ReceiptOut | JSONResponse:
        key = _idempotency_key(idempotency_key)
        client_secret = None
        if form.secret is not None:
            client_secret = accept_client_secret(form.secret)
            if client_secret is None:
                raise _problem(
                    "secret",
                    "invalid",
                    "Kode rahasia buatan peramban harus 25 simbol acak dari alfabet Crockford base32.",
                    "A secret made by the browser must be 25 random symbols of Crockford's base32 alphabet.",
                )
        substance = ReportSubstanceV1(
            what=form.what,
            where=form.where,
            when=form.when,
            who=form.who,
            how=form.how,
            amount_idr=form.amount_idr,
            terlapor=tuple(o for o in form.terlapor if o.nama or o.nip or o.jabatan or o.unit_kerja),
        )
        completeness = _check_elements(form, substance)
        credential = await _pseudonym(form, uow=unit_of_work(), digests=digests, passwords=passwords)
        identity = form.identity if form.identity and any(form.identity.model_dump().values()) else None
        submission = Submission(
            tenant=form.tenant,
            category=form.category,
            channel="web",
            substance=substance,
            contact=form.contact or None,
            identity=identity,
            pseudonym=credential,
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
                idempotency=Idempotency(key, idempotency_lifetime) if key else None,
                client_secret=client_secret,
                passwords=passwords,
            )
        except UnknownTenant:
            raise _problem("tenant", "unknown", "Instansi tidak dikenal.", "Unknown body.") from None
        except UnknownCategory:
            raise _problem(
                "category",
                "unknown",
                "Kategori ini tidak tersedia di instansi tersebut.",
                "This body has no such category.",
            ) from None
        except IdempotencyKeyReused:
            raise _problem(
                "Idempotency-Key",
                "reused",
                "Idempotency-Key ini sudah dipakai untuk laporan lain. Buat kunci baru untuk laporan baru.",
                "This Idempotency-Key was used for another request. Make a new key for a new report.",
            ) from None
        except IdempotencyKeyInUse:
            return JSONResponse(
                status_code=409, content=IN_PROGRESS.model_dump(), headers={**NO_STORE, "Retry-After": "1"}
            )
        except PseudonymTaken:
            raise _pseudonym_taken() from None
        except MissingKey:
            return error_response(503, NOT_READY)
        response.headers.update(NO_STORE)
        if key:
            pruning.start_if_due(lambda: prune_idempotency_keys(uow=unit_of_work(), clock=clock))
        return _receipt_out(receipt, completeness)

    @router.post(
        "/reports/status",
        response_model=ReportStatusOut,
        responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}, 429: {"model": ErrorBody}},
        summary="Lihat status laporan / check a report's status",
        description="The registration number and the secret travel in the body, never in the URL.",
    )
    async def check_status(query: StatusQuery, response: Response) -> ReportStatusOut | JSONResponse:
        try:
            report = await find_report(
                query.registration_number, query.secret, uow=unit_of_work(), hasher=hasher, attempts=attempts
            )
        except TooManyAttempts as refused:
            return too_many_attempts(refused)
        if report is None:
            return JSONResponse(status_code=404, content=NOT_FOUND.model_dump(), headers=NO_STORE)
        response.headers.update(NO_STORE)
        return report_status_out(report, await reporter_timeline(report, uow=unit_of_work(), opener=opener))

    @router.get("/tenants", response_model=list[TenantOut], summary="Instansi / the bodies that take reports")
    async def tenants() -> list[TenantOut]:
        return [_tenant_out(t) for t in await list_tenants(uow=unit_of_work())]

    @router.get(
        "/tenants/{tenant_id}",
        response_model=TenantOut,
        responses={404: {"model": ErrorBody}},
        summary="Instansi dan kategorinya / a body and its categories",
    )
    async def tenant(tenant_id: str) -> TenantOut | JSONResponse:
        found = await get_tenant(tenant_id, uow=unit_of_work())
        if found is None:
            return error_response(404, ErrorBody(pesan="Instansi tidak dikenal.", message="Unknown body."))
        return _tenant_out(found)

    return router


def _pseudonym_taken() -> InvalidInput:
    return _problem(
        "pseudonym",
        "taken",
        "Nama samaran ini sudah dipakai. Pilih nama samaran lain.",
        "This pseudonym is taken. Choose another.",
    )


async def _pseudonym(
    form: ReportForm, *, uow: IntakeUnitOfWork, digests: KeyedDigests, passwords: PasswordHasher
) -> PseudonymCredential | None:
    """The pseudonym and password the sender chose, checked (strength, uniqueness) and hashed."""
    if not form.pseudonym and not form.password:
        return None
    problems: list[FieldProblem] = []
    if not form.pseudonym:
        problems.append(
            FieldProblem(
                field="pseudonym",
                code="missing",
                pesan="Kata sandi perlu nama samaran.",
                message="A password needs a pseudonym.",
            )
        )
    problems.extend(
        FieldProblem(field="pseudonym", code="invalid", pesan=problem, message=_english(problem))
        for problem in pseudonym_problems(form.pseudonym or "")
    )
    strength = judge_password(form.password or "", pseudonym=form.pseudonym or "")
    for problem in strength.problems:
        advice_id = " ".join(w.id for w in strength.advice)
        advice_en = " ".join(w.en for w in strength.advice)
        problems.append(
            FieldProblem(
                field="password",
                code="weak",
                pesan=f"{problem} {advice_id}".strip(),
                message=f"{_english(problem)} {advice_en}".strip(),
            )
        )
    if problems:
        raise InvalidInput(problems)
    assert form.pseudonym is not None
    assert form.password is not None
    # Whether it is taken is decided when the report is stored (a unique key), after a retry of the
    # same request is recognised: asking first would tell anyone which pseudonyms exist, for free.
    return await pseudonym_credential(form.pseudonym, form.password, digests=digests, passwords=passwords)


def _english(message: str) -> str:
    """A catalogue message in English (the API answers both languages at once)."""
    return ENGLISH.gettext(message)


def _tenant_out(tenant: Tenant) -> TenantOut:
    return TenantOut(
        id=tenant.id,
        name=tenant.name,
        categories=[CategoryOut(slug=c.slug, label_id=c.label_id, label_en=c.label_en) for c in tenant.categories],
    )
