"""What every service's HTTP side shares: correlation ids, bilingual errors, body size limits.

Errors answer in Bahasa Indonesia first (``pesan``) and English second (``message``), and name
every field at fault.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORRELATION_HEADER = "X-Correlation-ID"
#: The JSON API's requests are small; file uploads will have routes and streamed limits of their own.
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")


class FieldProblem(BaseModel):
    field: str
    code: str
    pesan: str
    message: str


class ErrorBody(BaseModel):
    pesan: str
    message: str
    errors: list[FieldProblem] = []


class InvalidInput(Exception):
    """Raised by an adapter when a request is well-formed but the domain rejects some fields."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)


INVALID = ErrorBody(
    pesan="Data tidak dapat diterima. Periksa isian berikut.",
    message="The data was not accepted. Check the following fields.",
)

_PESAN: dict[str, str] = {
    "missing": "Wajib diisi.",
    "string_type": "Harus berupa teks.",
    "string_too_short": "Tidak boleh kosong.",
    "string_too_long": "Terlalu panjang (paling banyak {max_length} karakter).",
    "string_pattern_mismatch": "Formatnya tidak sesuai.",
    "int_type": "Harus berupa bilangan bulat.",
    "int_parsing": "Harus berupa bilangan bulat.",
    "int_from_float": "Harus berupa bilangan bulat.",
    "greater_than_equal": "Tidak boleh kurang dari {ge}.",
    "less_than_equal": "Tidak boleh lebih dari {le}.",
    "json_invalid": "Isi permintaan bukan JSON yang sah.",
    "model_attributes_type": "Harus berupa objek JSON.",
    "dict_type": "Harus berupa objek JSON.",
    "extra_forbidden": "Isian ini tidak dikenal.",
    "literal_error": "Nilainya tidak termasuk pilihan yang sah.",
    "enum": "Nilainya tidak termasuk pilihan yang sah.",
}


def _field_name(location: Sequence[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        if parts[0] == "header" and len(parts) > 1:
            return "-".join(word.capitalize() for word in parts[1].split("-")) if "-" in parts[1] else parts[1]
        parts = parts[1:]
    return ".".join(parts) or "body"


def problems_from(error: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors():
        template = _PESAN.get(item["type"], "Isian tidak sah.")
        try:
            pesan = template.format(**(item.get("ctx") or {}))
        except (KeyError, IndexError):
            pesan = template
        problems.append(
            FieldProblem(field=_field_name(item["loc"]), code=item["type"], pesan=pesan, message=item["msg"])
        )
    return problems


def error_response(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump())


async def _on_request_validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return error_response(422, INVALID.model_copy(update={"errors": problems_from(error)}))


async def _on_invalid_input(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidInput)
    return error_response(422, INVALID.model_copy(update={"errors": error.problems}))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(InvalidInput, _on_invalid_input)


class CorrelationIdMiddleware:
    """Takes ``X-Correlation-ID`` from the caller (or makes one) and returns it on the response;
    the events a request causes carry it as their ``correlationid``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(CORRELATION_HEADER.lower().encode(), b"").decode("latin-1")
        value = given if _SAFE_ID.match(given) else str(uuid.uuid4())
        token = correlation_id.set(value)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = (CORRELATION_HEADER.lower().encode(), value.encode())
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)


def too_large(max_bytes: int) -> ErrorBody:
    return ErrorBody(
        pesan=f"Isi permintaan terlalu besar (paling banyak {max_bytes} bita).",
        message=f"The request body is too large (at most {max_bytes} bytes).",
    )


class _BodyTooLarge(Exception):
    pass


def is_multipart(scope: Scope) -> bool:
    """Whether the request's body is ``multipart/form-data`` (the only kind that carries files)."""
    content_type: bytes = dict(scope.get("headers") or []).get(b"content-type", b"")
    return content_type.split(b";", 1)[0].strip().lower() == b"multipart/form-data"


#: The larger limit of an upload route (method and path), or None for the usual one.
UploadLimits = Callable[[str, str], "int | None"]


class UploadRoutes:
    """The routes that take files (evidence uploads): a larger body limit, counted as it streams."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], int]] = []

    def allow(self, method: str, path_pattern: str, max_bytes: int) -> None:
        """``path_pattern`` is a regular expression that must match the whole path."""
        self._routes.append((method.upper(), re.compile(path_pattern), max_bytes))

    def __call__(self, method: str, path: str) -> int | None:
        for allowed, pattern, max_bytes in self._routes:
            if allowed == method and pattern.fullmatch(path):
                return max_bytes
        return None


class BodySizeLimitMiddleware:
    """Refuses request bodies above ``max_bytes`` with a bilingual 413.

    A declared ``Content-Length`` above the limit is refused before anything is read; a body
    without one (chunked) is counted as it streams in, and reading stops at the first byte too
    many. Whatever the application was about to answer then (FastAPI turns a failed read into a
    400), the client gets the 413. Upload routes (``uploads``) have a larger limit of their own.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES, uploads: UploadLimits | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads
        self._refusals: dict[int, bytes] = {}

    def _limit(self, scope: Scope) -> int:
        # Only files get the larger limit: a form of text fields is read into memory whole.
        larger = None
        if self.uploads is not None and is_multipart(scope):
            larger = self.uploads(scope.get("method", ""), scope.get("path", ""))
        return larger if larger is not None else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(send, max_bytes)
            return
        received = 0
        exceeded = started = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send, max_bytes)
                return  # the application's own answer to the failed read is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(send, max_bytes)

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        refusal = self._refusals.get(max_bytes)
        if refusal is None:
            refusal = self._refusals[max_bytes] = json.dumps(too_large(max_bytes).model_dump()).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(refusal)).encode()),
            (b"cache-control", b"no-store"),
            (b"connection", b"close"),  # the rest of the body is never read
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": refusal, "more_body": False})
