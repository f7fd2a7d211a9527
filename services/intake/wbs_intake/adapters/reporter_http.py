"""The signed-in reporter's API: sign in with number and secret, read the report, sign out.

Sign-in is a ``POST`` with number and secret in the body (never in a URL); it sets the session
cookie (see ``reporter_session``). The other routes need that cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from wbs_intake.adapters.http import (
    NO_STORE,
    NOT_FOUND,
    ReportStatusOut,
    report_status_out,
    too_many_attempts,
)
from wbs_intake.adapters.reporter_session import ReporterSessions, signed_in
from wbs_intake.ports import AttemptGuard, IntakeUnitOfWork, KeyedDigests, Opener, PasswordHasher, SecretHasher
from wbs_intake.usecases import TooManyAttempts, find_report, find_report_by_pseudonym, read_report, reporter_timeline
from wbs_runtime.auth.access import public
from wbs_runtime.http import ErrorBody

PREFIX = "/api/v1/reporter"


PSEUDONYM_NOT_FOUND = ErrorBody(
    pesan="Nama samaran atau kata sandi salah.", message="No report matches that pseudonym and password."
)


class SignIn(BaseModel):
    """Number and secret, or pseudonym and password (the regulations' nama samaran and kata sandi)."""

    model_config = ConfigDict(extra="forbid")

    registration_number: str | None = Field(default=None, min_length=1, max_length=100)
    secret: str | None = Field(default=None, min_length=1, max_length=200)
    pseudonym: str | None = Field(default=None, min_length=1, max_length=100)
    password: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def one_way(self) -> SignIn:
        number = (self.registration_number, self.secret)
        pseudonym = (self.pseudonym, self.password)
        by_number = None not in number and pseudonym == (None, None)
        by_pseudonym = None not in pseudonym and number == (None, None)
        if not (by_number or by_pseudonym):
            raise ValueError(
                "give registration_number and secret, or pseudonym and password / "
                "isi nomor registrasi dan kode rahasia, atau nama samaran dan kata sandi"
            )
        return self


def build_router(
    *,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sessions: ReporterSessions,
    hasher: SecretHasher,
    attempts: AttemptGuard,
    digests: KeyedDigests,
    passwords: PasswordHasher,
    opener: Opener | None = None,
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["pelapor / reporter"], dependencies=[public()])
    signed_in_only = APIRouter(dependencies=[Depends(sessions.require)])

    @router.post(
        "/session",
        response_model=ReportStatusOut,
        responses={404: {"model": ErrorBody}, 429: {"model": ErrorBody}},
        summary="Masuk sebagai pelapor / sign in as the reporter",
        description="Number and secret, or pseudonym and password, in the body; sets the `wbs_pelapor` session "
        "cookie (HttpOnly, SameSite=Strict).",
    )
    async def sign_in(query: SignIn, response: Response) -> ReportStatusOut | JSONResponse:
        try:
            if query.pseudonym is not None and query.password is not None:
                report = await find_report_by_pseudonym(
                    query.pseudonym,
                    query.password,
                    uow=unit_of_work(),
                    digests=digests,
                    passwords=passwords,
                    attempts=attempts,
                )
            else:
                report = await find_report(
                    query.registration_number or "",
                    query.secret or "",
                    uow=unit_of_work(),
                    hasher=hasher,
                    attempts=attempts,
                )
        except TooManyAttempts as refused:
            return too_many_attempts(refused)
        if report is None:
            wrong = PSEUDONYM_NOT_FOUND if query.pseudonym is not None else NOT_FOUND
            return JSONResponse(status_code=404, content=wrong.model_dump(), headers=NO_STORE)
        await sessions.open(report, response)
        response.headers.update(NO_STORE)
        return report_status_out(report)

    @router.delete(
        "/session", status_code=status.HTTP_204_NO_CONTENT, summary="Keluar / sign out", response_class=Response
    )
    async def sign_out(request: Request) -> Response:
        response = Response(status_code=status.HTTP_204_NO_CONTENT, headers=NO_STORE)
        await sessions.close(request, response)
        return response

    @signed_in_only.get(
        "/report",
        response_model=ReportStatusOut,
        responses={401: {"model": ErrorBody}},
        summary="Laporan saya / the signed-in reporter's report and its timeline",
    )
    async def my_report(request: Request, response: Response) -> ReportStatusOut:
        report = await read_report(signed_in(request), uow=unit_of_work())
        response.headers.update(NO_STORE)
        return report_status_out(report, await reporter_timeline(report, uow=unit_of_work(), opener=opener))

    router.include_router(signed_in_only)
    return router
