"""The reporter's pages' own static files: a fixed list and nothing else, whatever the request says."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.support.asgi import raw_get
from wbs_intake.adapters.pages import FILES, build_router


def client() -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(build_router())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test")


async def test_the_pages_are_served_with_a_strict_policy() -> None:
    async with client() as http:
        for path in FILES:
            response = await http.get(path)
            assert response.status_code == 200
            assert response.headers["content-security-policy"].startswith("default-src 'self'")
            assert response.headers["referrer-policy"] == "no-referrer"
        # The pages are rendered by the server now; no static page is left.
        assert (await http.get("/")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/assets/app.js?name=/etc/hostname",
        "/assets/app.js?name=../../../../etc/passwd&media_type=text/plain",
        "/assets/style.css?file=/etc/passwd",
    ],
)
async def test_no_request_can_choose_another_file(path: str) -> None:
    async with client() as http:
        response = await http.get(path)
        expected = await http.get(path.split("?")[0])
    assert response.status_code == 200
    assert response.content == expected.content


async def test_anything_else_is_not_found() -> None:
    app = FastAPI()
    app.include_router(build_router())
    for path in ("/assets/../pyproject.toml", "/assets/%2e%2e/pyproject.toml", "/assets/index.html", "/static/app.js"):
        assert await raw_get(app, path) == 404, path
