"""The signed-in reporter's API: sign in with number and secret, read the report, sign out.

Sign-in is a ``POST`` with number and secret in the body (never in a URL); it sets the session
cookie (see ``reporter_session``). The other routes need that cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from wbs_intake.adapters.http import (
    NO_STORE,
    NOT_FOUND,
    ReportStatusOut,
    StatusQuery,
    report_status_out,
    too_many_attempts,
)
from wbs_intake.adapters.reporter_session import ReporterSessions, signed_in
from wbs_intake.ports import AttemptGuard, IntakeUnitOfWork, SecretHasher
from wbs_intake.usecases import TooManyAttempts, find_report, read_report, reporter_notices
from wbs_runtime.auth.access import public
from wbs_runtime.http import ErrorBody

PREFIX = "/api/v1/reporter"


def build_router(
    *,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sessions: ReporterSessions,
    hasher: SecretHasher,
    attempts: AttemptGuard,
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["pelapor / reporter"], dependencies=[public()])
    signed_in_only = APIRouter(dependencies=[Depends(sessions.require)])

    @router.post(
        "/session",
        response_model=ReportStatusOut,
        responses={404: {"model": ErrorBody}, 429: {"model": ErrorBody}},
        summary="Masuk sebagai pelapor / sign in as the reporter",
        description="Number and secret in the body; sets the `wbs_pelapor` session cookie (HttpOnly, SameSite=Strict).",
    )
    async def sign_in(query: StatusQuery, response: Response) -> ReportStatusOut | JSONResponse:
        try:
            report = await find_report(
                query.registration_number, query.secret, uow=unit_of_work(), hasher=hasher, attempts=attempts
            )
        except TooManyAttempts as refused:
            return too_many_attempts(refused)
        if report is None:
            return JSONResponse(status_code=404, content=NOT_FOUND.model_dump(), headers=NO_STORE)
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
        return report_status_out(report, await reporter_notices(report.id, uow=unit_of_work()))

    router.include_router(signed_in_only)
    return router
