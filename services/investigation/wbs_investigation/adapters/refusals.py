"""One answer for every refusal of an audit's steps (``domain.refusal.Refused``): its status, and the
reason in both languages naming the field at fault."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from wbs_investigation.domain.refusal import Refused
from wbs_runtime.auth.access import not_found
from wbs_runtime.http import ErrorBody, FieldProblem, error_response

T = TypeVar("T")


def refusal(problem: Refused) -> JSONResponse:
    body = ErrorBody(
        pesan=problem.pesan,
        message=problem.message,
        errors=[FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)],
    )
    return error_response(problem.status_code, body)


async def answer(
    work: Callable[[], Awaitable[T | None]], shape: Callable[[T], BaseModel | Response], *, status_code: int = 200
) -> Response:
    """The answer of a step on one case: its refusal, 404 when the case is not the caller's tenant's
    (the use case found nothing), or what it returned, shaped for the API. ``work`` is called inside,
    so a refusal while reading the request (a draft's parsing) is answered the same way."""
    try:
        done = await work()
    except Refused as problem:
        return refusal(problem)
    if done is None:
        raise not_found()
    shaped = shape(done)
    if isinstance(shaped, Response):
        return shaped
    return JSONResponse(shaped.model_dump(mode="json"), status_code=status_code)
