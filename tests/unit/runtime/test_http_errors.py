"""Bad input gets a clear error, in Bahasa Indonesia and English, naming every field at fault."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field

from wbs_runtime.http import CORRELATION_HEADER, CorrelationIdMiddleware, install_error_handlers


class Form(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    amount: int = Field(ge=0)


def client() -> httpx.AsyncClient:
    app = FastAPI()
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app)

    @app.post("/form")
    async def form(body: Form) -> dict[str, str]:
        return {"ok": body.name}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test")


async def test_every_field_at_fault_is_named_in_both_languages() -> None:
    response = await client().post("/form", json={"name": "too long", "amount": -1})
    assert response.status_code == 422
    body = response.json()
    assert body["pesan"].startswith("Data tidak dapat diterima")
    assert body["message"].startswith("The data was not accepted")
    problems = {e["field"]: e for e in body["errors"]}
    assert set(problems) == {"name", "amount"}
    assert problems["name"]["pesan"] == "Terlalu panjang (paling banyak 5 karakter)."
    assert problems["amount"]["pesan"] == "Tidak boleh kurang dari 0."
    assert problems["amount"]["message"] == "Input should be greater than or equal to 0"


async def test_a_body_that_is_not_json_is_reported_as_such() -> None:
    response = await client().post("/form", content=b"{oops", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pesan"] == "Isi permintaan bukan JSON yang sah."


async def test_a_correlation_id_is_kept_or_made() -> None:
    given = await client().post("/form", json={"name": "a", "amount": 1}, headers={CORRELATION_HEADER: "abc-123"})
    assert given.headers[CORRELATION_HEADER] == "abc-123"
    made = await client().post("/form", json={"name": "a", "amount": 1}, headers={CORRELATION_HEADER: "bad id!"})
    assert made.headers[CORRELATION_HEADER] != "bad id!"
    assert len(made.headers[CORRELATION_HEADER]) == 36
