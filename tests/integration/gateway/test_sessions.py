"""The gateway turns an officer's session cookie into an assertion for the service at hand, over
real HTTP: a small directory that implements ``POST /internal/v1/assertions`` as agreed (signing
with ``AssertionSigner``), and a service that shows what reached it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from wbs_contracts.identity import ASSERTION_HEADER, CallerClaims, TenantRoles
from wbs_contracts.roles import Role
from wbs_gateway.app import GatewaySettings, create_app
from wbs_gateway.routes import PUBLIC_ROUTES, Route
from wbs_gateway.upstream import AiohttpUpstreams
from wbs_runtime.auth.assertions import AssertionSigner, AssertionVerifier, validity
from wbs_runtime.auth.keys import issue_assertion_keys

SESSION = "3q2-7wEXAMPLEsessionTOKENvalue_-x"
GRANTS = (TenantRoles(tenant="bps-1700", roles=(Role.PENELAAH,)),)


@dataclass
class Servers:
    key_root: Path
    directory: str = ""
    service: str = ""
    asked: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def servers(tmp_path: Path) -> AsyncIterator[Servers]:
    issue_assertion_keys(tmp_path, ["directory", "reporting", "intake"])
    signer = AssertionSigner.from_key_dir(tmp_path / "directory")
    state = Servers(tmp_path)

    async def assertions(request: web.Request) -> web.Response:
        asked = await request.json()
        state.asked.append(asked)
        if asked["session"] != SESSION:
            return web.json_response({"pesan": "Sesi tidak berlaku.", "message": "No valid session."}, status=401)
        times = validity()
        claims = CallerClaims(
            aud=asked["audience"], sub="officer-1", name="Penelaah", sid="s-1", grants=GRANTS, **times
        )
        return web.json_response({"assertion": signer.sign(claims), "expires_at": times["exp"]})

    async def echo(request: web.Request) -> web.Response:
        seen = {"path": request.path, "headers": dict(request.headers)}
        state.received.append(seen)
        return web.json_response(seen)

    directory = web.Application()
    directory.router.add_post("/internal/v1/assertions", assertions)
    directory.router.add_get("/masuk", echo)
    service = web.Application()
    service.router.add_route("*", "/{tail:.*}", echo)
    (directory_runner, state.directory), (service_runner, state.service) = await start(directory), await start(service)
    try:
        yield state
    finally:
        await directory_runner.cleanup()
        await service_runner.cleanup()


@pytest.fixture
async def gateway(servers: Servers) -> AsyncIterator[httpx.AsyncClient]:
    upstreams = AiohttpUpstreams(connections=4)
    settings = GatewaySettings(
        upstream_directory=servers.directory, upstream_reporting=servers.service, upstream_intake=servers.service
    )
    routes = (*PUBLIC_ROUTES, Route("/masuk", "directory"))
    app = create_app(settings, upstreams, routes)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://wbs.test") as client:
        yield client
    await upstreams.close()


def verified(servers: Servers, seen: dict[str, Any], audience: str) -> CallerClaims:
    return AssertionVerifier.from_key_dir(servers.key_root / audience, audience).verify(
        seen["headers"][ASSERTION_HEADER]
    )


async def test_a_signed_in_officer_reaches_a_service_with_an_assertion_for_it(
    servers: Servers, gateway: httpx.AsyncClient
) -> None:
    cookies = {"Cookie": f"theme=dark; wbs_sesi={SESSION}"}
    forged = {"X-WBS-Assertion": "forged", "Authorization": "Bearer x", "X-Remote-User": "admin"}
    answer = await gateway.get("/api/v1/tenants/bps-1700/statistics", headers={**cookies, **forged})
    seen = answer.json()
    assert seen["path"] == "/api/v1/tenants/bps-1700/statistics"
    claims = verified(servers, seen, "reporting")
    assert (claims.sub, claims.grants) == ("officer-1", GRANTS)
    assert "Cookie" not in seen["headers"]  # only directory sees cookies
    assert "Authorization" not in seen["headers"]
    assert "X-Remote-User" not in seen["headers"]
    assert servers.asked == [{"session": SESSION, "audience": "reporting"}]

    # The same session a moment later: the cached assertion. Another service: one of its own.
    await gateway.get("/api/v1/tenants/bps-1700/statistics", headers=cookies)
    tenants = (await gateway.get("/api/v1/tenants", headers=cookies)).json()
    assert verified(servers, tenants, "intake").aud == "intake"
    assert [asked["audience"] for asked in servers.asked] == ["reporting", "intake"]


async def test_without_a_valid_session_no_assertion_goes_inward(servers: Servers, gateway: httpx.AsyncClient) -> None:
    for headers in (
        {"X-WBS-Assertion": "forged"},
        {"Cookie": "wbs_sesi=not-a-session", "X-WBS-Assertion": "forged"},
    ):
        seen = (await gateway.get("/api/v1/tenants/bps-1700/statistics", headers=headers)).json()
        assert ASSERTION_HEADER not in seen["headers"]
    assert servers.asked == [{"session": "not-a-session", "audience": "reporting"}]


async def test_directory_alone_gets_the_cookie_along_with_the_assertion(
    servers: Servers, gateway: httpx.AsyncClient
) -> None:
    seen = (await gateway.get("/masuk", headers={"Cookie": f"wbs_sesi={SESSION}; csrf=abc"})).json()
    assert seen["headers"]["Cookie"] == f"wbs_sesi={SESSION}; csrf=abc"
    assert verified(servers, seen, "directory").sub == "officer-1"


async def test_the_assertion_endpoint_is_not_reachable_through_the_gateway(
    servers: Servers, gateway: httpx.AsyncClient
) -> None:
    answer = await gateway.post("/internal/v1/assertions", content=json.dumps({"session": SESSION, "audience": "x"}))
    assert answer.status_code == 404
    assert servers.asked == []


async def test_an_unreachable_directory_leaves_public_routes_working(servers: Servers, tmp_path: Path) -> None:
    upstreams = AiohttpUpstreams(connections=2)
    settings = GatewaySettings(upstream_directory="http://127.0.0.1:9", upstream_intake=servers.service)
    transport = httpx.ASGITransport(app=create_app(settings, upstreams), client=("198.51.100.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://wbs.test") as client:
        answer = await client.get("/api/v1/tenants", headers={"Cookie": f"wbs_sesi={SESSION}"})
    await upstreams.close()
    assert answer.status_code == 200
    assert ASSERTION_HEADER not in answer.json()["headers"]
