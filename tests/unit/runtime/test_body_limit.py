"""Every service refuses request bodies above its limit with a bilingual 413, counted as they stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request
from pydantic import BaseModel

from wbs_intake.entrypoint import IntakeSettings
from wbs_runtime.http import BodySizeLimitMiddleware, UploadRoutes
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.unit_of_work import UnitOfWork


class Form(BaseModel):
    text: str


def app_with_limit(max_bytes: int) -> tuple[FastAPI, list[str]]:
    handled: list[str] = []
    app = FastAPI()
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_bytes)

    @app.post("/form")
    async def form(body: Form) -> dict[str, int]:
        handled.append(body.text)
        return {"length": len(body.text)}

    return app, handled


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test")


async def chunks(total: int, size: int = 100) -> AsyncIterator[bytes]:
    yield b'{"text": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}'


async def test_a_declared_length_above_the_limit_is_refused_before_reading() -> None:
    app, handled = app_with_limit(1000)
    async with client(app) as http:
        response = await http.post("/form", json={"text": "x" * 2000})
        small = await http.post("/form", json={"text": "x" * 500})
    assert response.status_code == 413
    assert response.json() == {
        "pesan": "Isi permintaan terlalu besar (paling banyak 1000 bita).",
        "message": "The request body is too large (at most 1000 bytes).",
        "errors": [],
    }
    assert small.status_code == 200
    assert handled == ["x" * 500]


async def test_a_streamed_body_is_counted_as_it_arrives() -> None:
    app, handled = app_with_limit(1000)
    async with client(app) as http:
        response = await http.post("/form", content=chunks(5000), headers={"content-type": "application/json"})
        fits = await http.post("/form", content=chunks(500), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["pesan"].startswith("Isi permintaan terlalu besar")
    assert fits.status_code == 200
    assert handled == ["x" * 500]


async def test_every_service_app_has_the_limit() -> None:
    settings = IntakeSettings(database_url="postgresql://u@127.0.0.1:1/db", http_port=1, max_request_body_bytes=2048)
    runtime: ServiceRuntime[UnitOfWork] = ServiceRuntime(settings, UnitOfWork)
    app = runtime.create_app(title="test")

    @app.post("/echo")
    async def echo(body: Form) -> dict[str, int]:
        return {"length": len(body.text)}

    async with client(app) as http:
        assert (await http.post("/echo", json={"text": "x" * 1000})).status_code == 200
        assert (await http.post("/echo", json={"text": "x" * 3000})).status_code == 413
        assert (
            await http.post("/echo", content=chunks(3000), headers={"content-type": "application/json"})
        ).status_code == 413
    await runtime.engine.dispose()


async def test_upload_routes_have_their_larger_limit_and_every_other_route_keeps_the_usual_one() -> None:
    uploads = UploadRoutes()
    uploads.allow("POST", r"/upload/[a-z]+", 5000)
    handled: list[int] = []
    app = FastAPI()
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=1000, uploads=uploads)

    @app.post("/upload/{name}")
    async def upload(name: str, request: Request) -> dict[str, int]:
        handled.append(len(await request.body()))
        return {"length": handled[-1]}

    @app.post("/form")
    async def form(request: Request) -> dict[str, int]:
        handled.append(len(await request.body()))
        return {"length": handled[-1]}

    async with client(app) as http:
        files = {"content-type": "multipart/form-data; boundary=batas"}
        taken = await http.post("/upload/bukti", content=chunks(4000), headers=files)
        beyond = await http.post("/upload/bukti", content=chunks(6000), headers=files)
        elsewhere = await http.post("/form", content=chunks(4000), headers=files)
        declared = await http.post("/upload/bukti", content=b"x" * 6000, headers=files)
        # Only files get the larger limit: text on an upload route keeps the usual one.
        text = await http.post("/upload/bukti", content=chunks(4000), headers={"content-type": "application/json"})
    assert taken.status_code == 200
    assert (beyond.status_code, elsewhere.status_code, declared.status_code, text.status_code) == (413,) * 4
    assert "5000" in beyond.json()["message"]
    assert "1000" in elsewhere.json()["message"]
    assert "1000" in text.json()["message"]
    assert len(handled) == 1  # the refused bodies never reached a handler
    assert 4000 <= handled[0] < 5000
