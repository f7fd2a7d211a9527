"""The reporter's session cookie, and the dependency that finds the report it signs in to.

The cookie holds a random token (its keyed digest is kept, never the token); HttpOnly and
SameSite=Strict, so neither a script nor another site can use it; Secure outside ``make run``.
Routes for a signed-in reporter are built with ``dependencies=[public(), Depends(sessions.require)]``
and read the report with :func:`signed_in`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from fastapi import Request, Response

from wbs_intake.domain.report import Report
from wbs_intake.domain.reporter_session import SessionPolicy
from wbs_intake.ports import IntakeUnitOfWork, KeyedDigests
from wbs_intake.usecases import close_reporter_session, open_reporter_session, signed_in_report
from wbs_runtime.auth.access import AccessDenied
from wbs_runtime.clock import Clock

REPORTER_COOKIE = "wbs_pelapor"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
OTHER_SITE = {
    "pesan": "Permintaan ini datang dari situs lain dan ditolak.",
    "message": "This request came from another site and is refused.",
}
SIGNED_OUT = {
    "pesan": "Sesi Anda telah berakhir. Masuk lagi dengan nomor registrasi dan kode rahasia.",
    "message": "Your session has ended. Sign in again with the registration number and secret.",
}


@dataclass(frozen=True)
class ReporterSessions:
    unit_of_work: Callable[[], IntakeUnitOfWork]
    digests: KeyedDigests
    clock: Clock
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    secure_cookies: bool = True

    async def open(self, report: Report, response: Response) -> None:
        token = await open_reporter_session(
            report, uow=self.unit_of_work(), digests=self.digests, clock=self.clock, policy=self.policy
        )
        # A session cookie (no Max-Age): it is never written to disk, so it leaves no trace of WBS
        # after the browser closes; the server ends the session on its own clock anyway.
        response.set_cookie(
            REPORTER_COOKIE,
            token,
            path="/",
            secure=self.secure_cookies,
            httponly=True,
            samesite="strict",
        )

    async def close(self, request: Request, response: Response) -> None:
        token = self._token(request)
        if token is not None:
            await close_reporter_session(token, uow=self.unit_of_work(), digests=self.digests, clock=self.clock)
        response.delete_cookie(REPORTER_COOKIE, path="/", secure=self.secure_cookies, httponly=True, samesite="strict")

    async def current(self, request: Request) -> UUID | None:
        """The signed-in reporter's report, or None (no cookie, or the session ended)."""
        token = self._token(request)
        if token is None:
            return None
        return await signed_in_report(
            token, uow=self.unit_of_work(), digests=self.digests, clock=self.clock, policy=self.policy
        )

    async def require(self, request: Request) -> None:
        """A dependency: 401 unless a reporter is signed in; the report is then :func:`signed_in`.
        A browser's request made by another site, even a sibling subdomain that SameSite counts as
        the same site, is refused: only these pages, or a client that is not a browser, may call."""
        if request.headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
            raise AccessDenied(403, OTHER_SITE)
        report_id = await self.current(request)
        if report_id is None:
            raise AccessDenied(401, SIGNED_OUT)
        request.state.reporter_report = report_id

    @staticmethod
    def _token(request: Request) -> str | None:
        token = request.cookies.get(REPORTER_COOKIE)
        return token if token is not None and _TOKEN.fullmatch(token) else None


def signed_in(request: Request) -> UUID:
    """The report of the reporter signed in to this request (after :meth:`ReporterSessions.require`)."""
    report_id: UUID = request.state.reporter_report
    return report_id
