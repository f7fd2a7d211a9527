"""The officer behind a request, as investigation's use cases and audit trail name them."""

from __future__ import annotations

from fastapi import Request

from wbs_investigation.usecases import Officer
from wbs_runtime.auth.access import Caller


def officer_of(caller: Caller, request: Request) -> Officer:
    """The signed-in officer (the gateway's assertion) and the request's correlation id."""
    return Officer(
        officer_id=caller.officer_id,
        name=caller.name,
        roles=tuple(sorted(caller.acting_roles)),
        session_id=caller.session_id,
        correlation_id=request.headers.get("x-correlation-id"),
    )
