"""Investigation's officers' pages carry forms (the exposé's, among others): the gateway gives them
the language and CSRF cookies they set for themselves, and never a session."""

from __future__ import annotations

from tests.unit.gateway.test_proxy import gateway


async def test_investigation_s_pages_get_the_language_and_csrf_cookies_and_never_a_session() -> None:
    client, seen = gateway(upstream_investigation="http://investigation:8003")
    cookies = "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token; wbs_csrf=c-1; wbs_bahasa=en"
    async with client:
        await client.post("/audit/inspektorat-bengkulu/x/ekspose/jadwal", headers={"Cookie": cookies})
    (to_investigation,) = [r for r in seen if r.url.host == "investigation"]
    assert to_investigation.headers.get_list("cookie") == ["wbs_csrf=c-1; wbs_bahasa=en"]
