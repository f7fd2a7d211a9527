"""The reporter's pages' own static files (a stylesheet and a small script on top of the runtime's):
no build step, no third-party resources, nothing inline, so a strict Content-Security-Policy holds.
The pages themselves are rendered by the server (``reporter_pages``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from wbs_runtime.auth.access import public

STATIC = Path(__file__).resolve().parent.parent / "static"
#: The only files served: a fixed list, never a path taken from the request.
FILES = {
    "/assets/app.js": ("app.js", "text/javascript"),
    "/assets/style.css": ("style.css", "text/css"),
    "/assets/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def _serve(file: Path, media_type: str) -> Callable[[], Awaitable[FileResponse]]:
    # The endpoint takes no parameters at all: FastAPI would read any parameter from the query string.
    async def endpoint() -> FileResponse:
        return FileResponse(file, media_type=media_type, headers=SECURITY_HEADERS)

    return endpoint


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False, dependencies=[public()])
    for path, (name, media_type) in FILES.items():
        router.add_api_route(path, _serve(STATIC / name, media_type), methods=["GET"])
    return router
