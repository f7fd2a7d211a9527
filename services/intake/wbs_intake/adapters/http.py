"""Intake's HTTP API for reporters: submit a report, follow its status, read a body's categories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import TENANT_PATTERN
from wbs_contracts.events.intake import SHORT_TEXT_LIMIT, TEXT_LIMIT, ReportSubstanceV1
from wbs_intake.domain.report import STATUS_LABEL_EN, ReportStatus
from wbs_intake.domain.tenant import Tenant, UnknownCategory, UnknownTenant
from wbs_intake.ports import IntakeUnitOfWork, Sealer, SecretHasher
from wbs_intake.usecases import Submission, find_report, get_tenant, list_tenants, submit_report
from wbs_runtime.clock import Clock
from wbs_runtime.crypto import MissingKey
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput, correlation_id, error_response

NO_STORE = {"Cache-Control": "no-store"}
NOT_FOUND = ErrorBody(
    pesan="Laporan tidak ditemukan, atau kode rahasianya salah.",
    message="No report matches that registration number and secret.",
)
NOT_READY = ErrorBody(
    pesan="Instansi ini belum siap menerima laporan (kunci enkripsi belum tersedia). Coba lagi nanti.",
    message="This body cannot take reports yet (its encryption keys are missing). Try again later.",
)

Text = Annotated[str, Field(min_length=1, max_length=TEXT_LIMIT)]
ShortText = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_LIMIT)]


class ReportForm(BaseModel):
    """A report in the 4W1H form of the regulations: what, where, when, who, how."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    tenant: str = Field(pattern=TENANT_PATTERN, description="The body reported to, e.g. bps-1700.")
    category: str = Field(pattern=SLUG_PATTERN, description="One of the body's categories.")
    what: Text = Field(description="Apa: perbuatan yang dilaporkan.")
    where: ShortText = Field(description="Di mana: tempat kejadian.")
    when: ShortText = Field(description="Kapan: waktu kejadian.")
    who: Text = Field(description="Siapa: pihak yang terlibat.")
    how: Text = Field(description="Bagaimana: modus atau cara.")
    amount_idr: int | None = Field(default=None, ge=0, le=10**16, description="Dugaan kerugian (Rupiah).")
    contact: str | None = Field(default=None, max_length=SHORT_TEXT_LIMIT, description="Optional; stays sealed.")


class ReceiptOut(BaseModel):
    registration_number: str
    secret: str
    status: str
    pesan: str = (
        "Laporan diterima. Simpan nomor registrasi dan kode rahasia ini: kode rahasia hanya ditampilkan "
        "sekali dan diperlukan untuk melihat perkembangan laporan."
    )
    message: str = (
        "Report received. Keep this registration number and secret: the secret is shown only once "
        "and is needed to follow the report."
    )


class StatusChangeOut(BaseModel):
    status: str
    status_en: str
    at: datetime


class ReportStatusOut(BaseModel):
    registration_number: str
    status: str
    status_en: str
    timeline: list[StatusChangeOut]


class CategoryOut(BaseModel):
    slug: str
    label_id: str
    label_en: str


class TenantOut(BaseModel):
    id: str
    name: str
    categories: list[CategoryOut]


def _status_out(value: ReportStatus) -> tuple[str, str]:
    return value.value, STATUS_LABEL_EN[value]


def build_router(
    *,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sealer: Sealer,
    hasher: SecretHasher,
    clock: Clock,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["laporan / reports"])

    @router.post(
        "/reports",
        status_code=status.HTTP_201_CREATED,
        response_model=ReceiptOut,
        responses={422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
        summary="Kirim laporan / submit a report",
    )
    async def submit(form: ReportForm, response: Response) -> ReceiptOut | JSONResponse:
        submission = Submission(
            tenant=form.tenant,
            category=form.category,
            channel="web",
            substance=ReportSubstanceV1(
                what=form.what,
                where=form.where,
                when=form.when,
                who=form.who,
                how=form.how,
                amount_idr=form.amount_idr,
            ),
            contact=form.contact or None,
        )
        try:
            receipt = await submit_report(
                submission,
                uow=unit_of_work(),
                sealer=sealer,
                hasher=hasher,
                clock=clock,
                correlation_id=correlation_id.get(),
            )
        except UnknownTenant:
            raise InvalidInput(
                [FieldProblem(field="tenant", code="unknown", pesan="Instansi tidak dikenal.", message="Unknown body.")]
            ) from None
        except UnknownCategory:
            raise InvalidInput(
                [
                    FieldProblem(
                        field="category",
                        code="unknown",
                        pesan="Kategori ini tidak tersedia di instansi tersebut.",
                        message="This body has no such category.",
                    )
                ]
            ) from None
        except MissingKey:
            return error_response(503, NOT_READY)
        response.headers.update(NO_STORE)
        return ReceiptOut(
            registration_number=receipt.registration_number,
            secret=receipt.secret,
            status=ReportStatus.DITERIMA.value,
        )

    @router.get(
        "/reports/{registration_number}",
        response_model=ReportStatusOut,
        responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Lihat status laporan / follow a report",
    )
    async def follow(
        registration_number: str,
        response: Response,
        x_report_secret: Annotated[str, Header(min_length=1, max_length=200)],
    ) -> ReportStatusOut | JSONResponse:
        report = await find_report(registration_number, x_report_secret, uow=unit_of_work(), hasher=hasher)
        if report is None:
            return JSONResponse(status_code=404, content=NOT_FOUND.model_dump(), headers=NO_STORE)
        response.headers.update(NO_STORE)
        current, current_en = _status_out(report.status)
        return ReportStatusOut(
            registration_number=report.registration_number,
            status=current,
            status_en=current_en,
            timeline=[
                StatusChangeOut(status=change.status.value, status_en=STATUS_LABEL_EN[change.status], at=change.at)
                for change in report.timeline
            ],
        )

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


def _tenant_out(tenant: Tenant) -> TenantOut:
    return TenantOut(
        id=tenant.id,
        name=tenant.name,
        categories=[CategoryOut(slug=c.slug, label_id=c.label_id, label_en=c.label_en) for c in tenant.categories],
    )
