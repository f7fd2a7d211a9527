"""The gateway forwards what it matched, exactly as received, and nothing that names the client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.asgi import raw_get
from wbs_gateway.app import GatewaySettings, create_app
from wbs_gateway.upstream import Body, UpstreamAnswer


class FakeUpstreams:
    """Every service, answering with what it was asked; requests are kept as httpx.Request."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        #: How each body came: read whole (bytes) or streamed through (the chunks as they came).
        self.bodies: list[bytes | list[bytes]] = []

    async def send(self, method: str, url: str, headers: list[tuple[str, str]], body: Body) -> UpstreamAnswer:
        if isinstance(body, bytes):
            self.bodies.append(body)
        else:
            chunks = [chunk async for chunk in body]
            self.bodies.append(chunks)
            body = b"".join(chunks)
        request = httpx.Request(method, httpx.URL(url), headers=headers, content=body)
        self.seen.append(request)
        content = json.dumps({"host": request.url.host, "path": request.url.raw_path.decode()}).encode()
        return UpstreamAnswer(
            200, [("content-type", "application/json"), ("set-cookie", "a=1"), ("set-cookie", "b=2")], content
        )

    async def close(self) -> None:
        pass


def gateway_app(expose_operations: bool = False, **settings: Any) -> tuple[Starlette, list[httpx.Request]]:
    upstreams = FakeUpstreams()
    configured = GatewaySettings(
        expose_operations=expose_operations,
        upstream_intake="http://intake:8001",
        upstream_reporting="http://reporting:8005",
        **settings,
    )
    return create_app(configured, upstreams), upstreams.seen


def gateway(
    expose_operations: bool = False, client: tuple[str, int] = ("198.51.100.7", 50000), **settings: Any
) -> tuple[httpx.AsyncClient, list[httpx.Request]]:
    app, seen = gateway_app(expose_operations, **settings)
    transport = httpx.ASGITransport(app=app, client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://wbs.test"), seen


async def test_requests_reach_the_service_that_owns_the_path() -> None:
    client, seen = gateway()
    async with client:
        reports = await client.post("/api/v1/reports?x=1", json={"a": 1}, headers={"X-Report-Secret": "s"})
        tenants = await client.get("/api/v1/tenants/bps-1700")
    assert reports.json() == {"host": "intake", "path": "/api/v1/reports?x=1"}
    assert reports.headers.get_list("set-cookie") == ["a=1", "b=2"]  # repeated headers come back whole
    assert tenants.json()["host"] == "intake"
    assert seen[0].headers["x-report-secret"] == "s"
    assert seen[0].content == b'{"a":1}'


async def test_statistics_are_asked_of_reporting_which_decides_who_may_see_them() -> None:
    client, seen = gateway()
    async with client:
        old = await client.get("/api/v1/statistics/bps-1700")
        response = await client.get("/api/v1/tenants/bps-1700/statistics")
    assert old.status_code == 404
    assert response.json() == {"host": "reporting", "path": "/api/v1/tenants/bps-1700/statistics"}
    assert len(seen) == 1


@pytest.mark.parametrize(
    "path", ["/internal/v1/assertions", "/%69nternal/v1/assertions", "//internal/v1/assertions", "/INTERNAL/v1"]
)
async def test_internal_paths_are_never_proxied(path: str) -> None:
    client, seen = gateway()
    async with client:
        response = await client.post(path, json={"session": "x", "audience": "triage"})
    assert response.status_code == 404
    assert seen == []


async def test_identity_like_headers_and_cookies_never_reach_a_service() -> None:
    client, seen = gateway()
    forged = {
        "X-WBS-Assertion": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
        "X-WBS-Officer": "admin",
        "Authorization": "Bearer something",
        "X-Remote-User": "admin",
        "X-Forwarded-User": "admin",
        "Cookie": "tracking=1",
    }
    async with client:
        await client.get("/api/v1/tenants/bps-1700/statistics", headers=forged)
    assert not {name.lower() for name in forged} & {name.lower() for name in seen[0].headers}


async def test_intake_gets_its_own_cookies_and_never_the_officers_session() -> None:
    client, seen = gateway()
    cookies = "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token; tracking=1; wbs_bahasa=en"
    async with client:
        await client.get("/api/v1/reporter/report", headers={"Cookie": cookies})
        await client.get("/api/v1/tenants/bps-1700/statistics", headers={"Cookie": cookies})
    (to_intake,) = [r for r in seen if r.url.host == "intake"]
    (to_reporting,) = [r for r in seen if r.url.host == "reporting"]
    assert to_intake.headers.get_list("cookie") == ["wbs_pelapor=reporter-token; wbs_bahasa=en"]
    # Reporting's pages read the language and CSRF cookies, never the officer's session or the reporter's.
    assert to_reporting.headers.get_list("cookie") == ["wbs_bahasa=en"]


async def test_triage_s_pages_get_the_language_and_csrf_cookies_and_never_a_session() -> None:
    client, seen = gateway(upstream_triage="http://triage:8002")
    cookies = "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token; wbs_csrf=c-1; wbs_bahasa=en"
    async with client:
        await client.get("/perkara/bps-1700", headers={"Cookie": cookies})
    (to_triage,) = [r for r in seen if r.url.host == "triage"]
    assert to_triage.url.path == "/perkara/bps-1700"
    assert to_triage.headers.get_list("cookie") == ["wbs_csrf=c-1; wbs_bahasa=en"]


async def test_reporting_s_pages_get_the_language_and_csrf_cookies_and_never_a_session() -> None:
    """The annual report's notes form carries the CSRF token of the wbs_csrf cookie: without it the
    form was refused as expired, and the page never switched to English."""
    client, seen = gateway()
    cookies = "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token; wbs_csrf=c-1; wbs_bahasa=en"
    async with client:
        await client.post("/statistik/bps-1700/2026/catatan", headers={"Cookie": cookies})
    (to_reporting,) = [r for r in seen if r.url.host == "reporting"]
    assert to_reporting.url.path == "/statistik/bps-1700/2026/catatan"
    assert to_reporting.headers.get_list("cookie") == ["wbs_csrf=c-1; wbs_bahasa=en"]


async def test_investigation_s_pages_get_the_language_and_csrf_cookies_and_never_a_session() -> None:
    """The auditors' and agencies' forms (pelimpahan, acknowledgement) carry the CSRF token of the
    wbs_csrf cookie: without it every form was refused as expired."""
    client, seen = gateway(upstream_investigation="http://investigation:8003")
    cookies = "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token; wbs_csrf=c-1; wbs_bahasa=en"
    async with client:
        await client.post("/audit/inspektorat-bengkulu/case-1/pelimpahan/setuju", headers={"Cookie": cookies})
        await client.post("/pelimpahan/kpk/escalation-1/terima", headers={"Cookie": cookies})
    to_investigation = [r for r in seen if r.url.host == "investigation"]
    assert [r.url.path for r in to_investigation] == [
        "/audit/inspektorat-bengkulu/case-1/pelimpahan/setuju",
        "/pelimpahan/kpk/escalation-1/terima",
    ]
    assert [r.headers.get_list("cookie") for r in to_investigation] == [["wbs_csrf=c-1; wbs_bahasa=en"]] * 2


async def test_the_path_is_forwarded_still_encoded() -> None:
    client, _ = gateway()
    async with client:
        response = await client.get("/api/v1/tenants/bps-1%3Fadmin=1")
    assert response.json()["path"] == "/api/v1/tenants/bps-1%3Fadmin=1"  # not a query string upstream


async def test_nothing_that_names_the_client_is_passed_inward() -> None:
    client, seen = gateway()
    naming = {
        "X-Forwarded-For": "203.0.113.9",
        "Forwarded": "for=203.0.113.9;proto=https",
        "X-Real-IP": "203.0.113.9",
        "True-Client-IP": "203.0.113.9",
        "CF-Connecting-IP": "203.0.113.9",
        "X-Client-IP": "203.0.113.9",
        "X-Cluster-Client-IP": "203.0.113.9",
        "Via": "1.1 proxy.example",
        "X-Forwarded-Host": "wbs.example",
        "Fastly-Client-IP": "203.0.113.9",
    }
    async with client:
        await client.post("/api/v1/reports", json={}, headers=naming)
    forwarded = seen[0].headers
    for name in naming:
        assert name.lower() not in forwarded, name
    everything = " ".join(f"{k}: {v}" for k, v in forwarded.multi_items())
    assert "203.0.113.9" not in everything
    assert "198.51.100.7" not in everything  # the peer's own address neither


async def test_the_correlation_id_is_made_here_for_every_request() -> None:
    client, seen = gateway()
    async with client:
        first = await client.post("/api/v1/reports", json={}, headers={"X-Correlation-ID": "chosen-by-client"})
        second = await client.get("/api/v1/tenants")
        missing = await client.get("/tidak-ada", headers={"X-Correlation-ID": "chosen-by-client"})
    ids = [request.headers["x-correlation-id"] for request in seen]
    assert "chosen-by-client" not in ids
    assert len(set(ids)) == 2
    assert all(len(i) == 36 for i in ids)
    assert missing.headers["x-correlation-id"] not in {"chosen-by-client", *ids}
    assert first.status_code == second.status_code == 200


async def test_dot_segments_never_reach_a_service() -> None:
    app, seen = gateway_app(expose_operations=True)
    for path in (
        "/assets/../metrics",
        "/assets/%2e%2e/docs",
        "/api/v1/reports/x%2F..%2F..%2Fopenapi.json",
        "/api/v1/reports/../../openapi.json",
        "/api/v1/tenants/./../../docs",
    ):
        assert await raw_get(app, path) == 404, path
    assert seen == []
    assert await raw_get(app, "/assets/app.js") == 200  # the same route, without the trick, goes through


async def test_operations_paths_only_when_exposed() -> None:
    hidden, _ = gateway(expose_operations=False)
    shown, _ = gateway(expose_operations=True)
    async with hidden, shown:
        assert (await hidden.get("/ops/intake/metrics")).status_code == 404
        assert (await shown.get("/ops/intake/metrics")).json() == {"host": "intake", "path": "/metrics"}
        assert (await shown.get("/ops/intake/docs")).status_code == 404
        assert (await shown.get("/ops/nobody/metrics")).status_code == 404


async def chunks(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // 1000):
        yield b"x" * 1000


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_bodies_above_the_limit_get_a_bilingual_413_and_reach_no_service(streamed: bool) -> None:
    client, seen = gateway(max_body_bytes=4096)
    async with client:
        body: Any = chunks(10_000) if streamed else b"x" * 10_000
        response = await client.post("/api/v1/reports", content=body, headers={"content-type": "application/json"})
        fits = await client.post("/api/v1/reports", content=b"x" * 4096)
    assert response.status_code == 413
    assert response.json()["pesan"] == "Isi permintaan terlalu besar (paling banyak 4096 bita)."
    assert response.json()["message"] == "The request body is too large (at most 4096 bytes)."
    assert fits.status_code == 200
    assert [request.content for request in seen] == [b"x" * 4096]


async def test_submissions_and_status_checks_are_throttled_per_client() -> None:
    app, seen = gateway_app(submissions_per_window=2, status_checks_per_window=3)

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://wbs.test")

    async with client("198.51.100.7") as one, client("203.0.113.5") as other:
        submitted = [(await one.post("/api/v1/reports", json={})).status_code for _ in range(3)]
        checked = [(await one.post("/api/v1/reports/status", json={})).status_code for _ in range(4)]
        refused = await one.post("/api/v1/reports", json={})
        others = (await other.post("/api/v1/reports", json={})).status_code
        reading = [(await one.get("/api/v1/tenants")).status_code for _ in range(5)]
    assert submitted == [200, 200, 429]
    assert checked == [200, 200, 200, 429]
    assert others == 200  # another client has its own count
    assert reading == [200] * 5  # only submissions and status checks are counted
    assert refused.json()["pesan"].startswith("Terlalu banyak laporan dikirim dari jaringan Anda.")
    assert refused.json()["message"].startswith("Too many reports were sent from your network.")
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert len(seen) == 2 + 3 + 1 + 5


async def test_a_limit_of_zero_is_no_limit() -> None:
    client, _ = gateway(submissions_per_window=0)
    async with client:
        statuses = {(await client.post("/api/v1/reports", json={})).status_code for _ in range(20)}
    assert statuses == {200}


async def test_directory_gets_a_pseudonym_of_the_client_never_its_address() -> None:
    first, seen = gateway(client=("198.51.100.7", 50000), upstream_directory="http://directory:8006")
    async with first:
        await first.post("/masuk", data={"a": "1"}, headers={"X-WBS-Client": "chosen-by-client"})
        await first.get("/akun")
        await first.post("/api/v1/reports", json={})
    to_directory, again, to_intake = seen
    pseudonym = to_directory.headers["x-wbs-client"]
    assert pseudonym != "chosen-by-client"
    assert len(pseudonym) == 32
    assert "198.51.100.7" not in pseudonym
    assert again.headers["x-wbs-client"] == pseudonym  # the same client, the same window
    assert "x-wbs-client" not in to_intake.headers  # only directory counts sign-ins


async def test_uploads_stream_through_under_their_own_limit_and_every_other_body_keeps_64_kib() -> None:
    upstreams = FakeUpstreams()
    settings = GatewaySettings(upstream_intake="http://intake:8001", max_upload_bytes=300_000)
    app = create_app(settings, upstreams)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))

    async def body(size: int) -> AsyncIterator[bytes]:
        for _ in range(size // 10_000):
            yield b"x" * 10_000

    files = {"Content-Type": "multipart/form-data; boundary=batas"}
    text = {"Content-Type": "application/x-www-form-urlencoded"}
    async with httpx.AsyncClient(transport=transport, base_url="http://wbs.test") as client:
        upload = await client.post("/api/v1/reporter/evidence", content=body(200_000), headers=files)
        form = await client.post("/lapor/bps-1700", content=body(200_000), headers=files)
        too_large_upload = await client.post("/pantau/bukti", content=body(400_000), headers=files)
        elsewhere = await client.post("/api/v1/reports", content=body(200_000), headers=files)
        # Only files get the larger limit: a form of text, or the receipt's form, keeps 64 KiB.
        form_of_text = await client.post("/lapor/bps-1700", content=body(200_000), headers=text)
        receipt = await client.post("/lapor/tanda-terima", content=body(200_000), headers=files)
    assert (upload.status_code, form.status_code) == (200, 200)
    assert isinstance(upstreams.bodies[0], list)  # streamed, not read whole
    assert b"".join(upstreams.bodies[0]) == b"x" * 200_000
    assert too_large_upload.status_code == 413
    assert "300000" in too_large_upload.json()["message"]
    for refused in (elsewhere, form_of_text, receipt):
        assert refused.status_code == 413
        assert "65536" in refused.json()["message"]
    assert len(upstreams.bodies) == 2


async def test_the_reporters_forms_and_sign_ins_are_throttled_like_submissions_and_status_checks() -> None:
    client, seen = gateway(submissions_per_window=1, report_form_posts_per_window=2, status_checks_per_window=3)
    async with client:
        form = [(await client.post("/lapor/bps-1700", data={"langkah": "periksa"})).status_code for _ in range(3)]
        secrets = [
            (await client.post(path, json={})).status_code
            for path in ("/pantau", "/api/v1/reporter/session", "/lapor/tanda-terima", "/api/v1/reports/status")
        ]
    assert form == [200, 200, 429]
    assert secrets == [200, 200, 200, 429]  # one count for every way of trying a secret or password
    assert len(seen) == 2 + 3


async def test_the_reporters_routes_never_look_up_an_officers_session() -> None:
    client, seen = gateway(upstream_directory="http://directory:8006")
    officer = {"Cookie": "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token"}
    async with client:
        for path in ("/", "/lapor/bps-1700", "/pantau/laporan", "/api/v1/reporter/report"):
            await client.get(path, headers=officer)
        await client.post("/api/v1/reports", json={}, headers=officer)
        await client.get("/api/v1/tenants/bps-1700/statistics", headers=officer)
    asked = [r for r in seen if r.url.host == "directory"]
    # Only the officer's own route needed the session: directory never hears of the reporting.
    assert len(asked) == 1
    assert all("x-wbs-assertion" not in r.headers for r in seen if r.url.host == "intake")
