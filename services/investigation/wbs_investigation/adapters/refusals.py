"""One answer for every refusal of an audit's steps (``domain.refusal.Refused``): its status, and the
reason in both languages naming the field at fault."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from wbs_investigation.domain.refusal import Refused
from wbs_runtime.http import ErrorBody, FieldProblem, error_response


def refusal(problem: Refused) -> JSONResponse:
    body = ErrorBody(
        pesan=problem.pesan,
        message=problem.message,
        errors=[FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)],
    )
    return error_response(problem.status_code, body)
