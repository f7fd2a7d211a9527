"""The reporter's pages: static HTML, CSS and JavaScript on top of the JSON API. No build step,
no third-party resources, nothing inline, so a strict Content-Security-Policy holds."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
ASSETS = {"app.js": "text/javascript", "style.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    for name, media_type in ASSETS.items():

        async def asset(name: str = name, media_type: str = media_type) -> FileResponse:
            return FileResponse(STATIC / name, media_type=media_type, headers=SECURITY_HEADERS)

        router.add_api_route(f"/assets/{name}", asset, methods=["GET"])

    return router
