"""Directory's internal API: the gateway turns a session into a signed assertion here.

``POST /internal/v1/assertions`` is served on directory's own port only: the gateway never routes
``/internal/`` paths from outside. Looking a session up starts its idle clock again.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.registry import SERVICES
from wbs_directory.ports import AssertionSigning, DirectoryUnitOfWork
from wbs_directory.usecases.sign_in import SessionInvalid, SignInContext, issue_assertion
from wbs_runtime.auth.access import internal
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput

SESSION_INVALID = {
    "pesan": "Sesi tidak dikenal, sudah kedaluwarsa, atau sudah berakhir. Silakan masuk lagi.",
    "message": "The session is unknown, has expired or has ended. Please sign in again.",
}
NO_SIGNING_KEY = {
    "pesan": "Direktori belum memiliki kunci penanda tangan asersi.",
    "message": "Directory has no assertion signing key.",
}
NO_STORE = {"Cache-Control": "no-store"}


class AssertionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session: str = Field(min_length=1, max_length=256, description="The value of the wbs_sesi cookie.")
    audience: str = Field(min_length=1, max_length=64, description="The service the request goes to.")


class AssertionAnswer(BaseModel):
    assertion: str = Field(description="A compact JWS (EdDSA) of wbs_contracts.identity.CallerClaims.")
    expires_at: int = Field(description="Seconds since the epoch; never after the session's own expiry.")


def build_internal_router(
    context: SignInContext,
    unit_of_work: Callable[[], DirectoryUnitOfWork],
    signer: Callable[[], AssertionSigning | None],
) -> APIRouter:
    router = APIRouter(tags=["internal"], dependencies=[internal()])

    @router.post(
        "/internal/v1/assertions",
        response_model=AssertionAnswer,
        responses={401: {"model": ErrorBody}, 503: {"model": ErrorBody}},
        summary="Turn a session into a signed assertion for one service (the gateway's call)",
    )
    async def assertions(body: AssertionRequest) -> JSONResponse:
        if body.audience not in SERVICES:
            raise InvalidInput(
                [
                    FieldProblem(
                        field="audience",
                        code="unknown_service",
                        pesan="Layanan tidak dikenal.",
                        message=f"Unknown service; one of {', '.join(SERVICES)}.",
                    )
                ]
            )
        signing = signer()
        if signing is None:
            return JSONResponse(NO_SIGNING_KEY, status_code=503, headers=NO_STORE)
        try:
            issued = await issue_assertion(
                unit_of_work(), context, signing, session_token=body.session, audience=body.audience
            )
        except SessionInvalid:
            return JSONResponse(SESSION_INVALID, status_code=401, headers=NO_STORE)
        return JSONResponse({"assertion": issued.token, "expires_at": issued.expires_at}, headers=NO_STORE)

    return router
