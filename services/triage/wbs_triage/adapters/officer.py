"""The officer behind a request, as triage's use cases and audit trail name them."""

from __future__ import annotations

from fastapi import Request

from wbs_runtime.auth.access import Caller
from wbs_triage.usecases import Reader


def reader_of(caller: Caller, request: Request) -> Reader:
    """The signed-in officer (the gateway's assertion) and the request's correlation id."""
    return Reader(
        officer_id=caller.officer_id,
        name=caller.name,
        roles=tuple(sorted(caller.acting_roles)),
        session_id=caller.session_id,
        correlation_id=request.headers.get("x-correlation-id"),
    )
