"""The gateway's assertions: asked of directory once per session and service for a few seconds at
most, never past their expiry, never for a session directory does not know."""

from __future__ import annotations

import asyncio
import json

from wbs_gateway.sessions import ASSERTIONS_PATH, AssertionSource, session_from
from wbs_gateway.upstream import Body, UpstreamAnswer, UpstreamUnavailable

NOW = 1_800_000_000.0


class FakeDirectory:
    def __init__(self, lifetime: float = 60.0) -> None:
        self.asked: list[dict[str, str]] = []
        self.lifetime = lifetime
        self.sessions = {"sesi-baik"}
        self.down = False

    async def send(self, method: str, url: str, headers: list[tuple[str, str]], body: Body) -> UpstreamAnswer:
        assert (method, url) == ("POST", "http://directory:8006" + ASSERTIONS_PATH)
        if self.down:
            raise UpstreamUnavailable("ClientConnectorError")
        assert isinstance(body, bytes)
        request = json.loads(body)
        self.asked.append(request)
        await asyncio.sleep(0)
        if request["session"] not in self.sessions:
            return UpstreamAnswer(401, [], b'{"pesan": "Sesi tidak berlaku.", "message": "No valid session."}')
        token = f"assertion-{len(self.asked)}-for-{request['audience']}"
        return UpstreamAnswer(200, [], json.dumps({"assertion": token, "expires_at": NOW + self.lifetime}).encode())

    async def close(self) -> None:
        pass


def source(directory: FakeDirectory, clock: list[float], cache_seconds: float = 5.0) -> AssertionSource:
    return AssertionSource(
        directory, "http://directory:8006", cache_seconds=cache_seconds, capacity=2, clock=lambda: clock[0]
    )


async def test_an_assertion_is_reused_for_a_few_seconds_per_session_and_service() -> None:
    directory, clock = FakeDirectory(), [NOW]
    assertions = source(directory, clock)
    first = await assertions.assertion("sesi-baik", "reporting", "c-1")
    assert first == "assertion-1-for-reporting"
    clock[0] = NOW + 4.9
    assert await assertions.assertion("sesi-baik", "reporting", "c-2") == first
    assert await assertions.assertion("sesi-baik", "triage", "c-3") == "assertion-2-for-triage"
    clock[0] = NOW + 5.1
    assert await assertions.assertion("sesi-baik", "reporting", "c-4") == "assertion-3-for-reporting"
    assert directory.asked[0] == {"session": "sesi-baik", "audience": "reporting"}


async def test_an_assertion_is_never_reused_near_or_past_its_expiry() -> None:
    directory, clock = FakeDirectory(lifetime=4.0), [NOW]
    assertions = source(directory, clock)
    await assertions.assertion("sesi-baik", "reporting", "c")
    clock[0] = NOW + 2.5  # cached until two seconds before it expires, not for the whole 5 s
    await assertions.assertion("sesi-baik", "reporting", "c")
    assert len(directory.asked) == 2
    directory.lifetime = 1.0  # already in its last seconds when it arrives: not handed on
    assert await assertions.assertion("sesi-baik", "triage", "c") is None


async def test_concurrent_requests_of_one_session_wait_for_one_answer() -> None:
    directory, clock = FakeDirectory(), [NOW]
    assertions = source(directory, clock)
    answers = await asyncio.gather(*(assertions.assertion("sesi-baik", "reporting", "c") for _ in range(10)))
    assert set(answers) == {"assertion-1-for-reporting"}
    assert len(directory.asked) == 1


async def test_an_unknown_session_or_an_unreachable_directory_gives_no_assertion() -> None:
    directory, clock = FakeDirectory(), [NOW]
    assertions = source(directory, clock)
    assert await assertions.assertion("sesi-palsu", "reporting", "c") is None
    assert await assertions.assertion("sesi-palsu", "reporting", "c") is None
    assert len(directory.asked) == 2  # a refusal is not cached: the next sign-in works at once
    directory.down = True
    assert await assertions.assertion("sesi-baik", "reporting", "c") is None


async def test_the_cache_is_bounded_and_keeps_no_session_in_the_clear() -> None:
    directory, clock = FakeDirectory(), [NOW]
    directory.sessions |= {"sesi-2", "sesi-3"}
    assertions = source(directory, clock)
    for session in ("sesi-baik", "sesi-2", "sesi-3"):
        await assertions.assertion(session, "reporting", "c")
    assert len(assertions) == 2
    assert "sesi" not in repr(assertions._cache)


def test_the_session_cookie_is_found_among_others_and_junk_is_ignored() -> None:
    assert session_from("a=1; wbs_sesi=Zm9v-YmFy_baz; b=2") == "Zm9v-YmFy_baz"
    assert session_from('wbs_sesi="quoted"') == "quoted"
    assert session_from("wbs_sesi=") is None
    assert session_from("wbs_sesi=has space") is None
    assert session_from("other=1") is None
    assert session_from("") is None
