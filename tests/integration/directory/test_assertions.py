"""``POST /internal/v1/assertions``: the gateway's call that turns a session into a signed
assertion for one service; and the ``wbs officers`` command."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.integration.directory.conftest import Directory, csrf_of
from tests.integration.directory.test_sign_in import NEW_PASSWORD, sign_in
from wbs_contracts.identity import ASSERTION_LIFETIME_SECONDS, ISSUER
from wbs_contracts.roles import Role
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.assertions import AssertionVerifier, InvalidAssertion
from wbs_runtime.ops.audit import verify_service
from wbs_runtime.ops.cli import main as wbs

ENDPOINT = "/internal/v1/assertions"


async def session_of(directory: Directory, *grants: tuple[str, Role]) -> tuple[str, str]:
    login, _ = await directory.officer(*grants, password=NEW_PASSWORD)
    browser = directory.browser()
    assert (await sign_in(browser, login, NEW_PASSWORD)).headers["location"] == "/akun"
    return browser.cookies["wbs_sesi"], login


async def test_a_live_session_becomes_an_assertion_for_the_service_asked(directory: Directory) -> None:
    session, _ = await session_of(
        directory, ("uji-daerah", Role.PENELAAH), ("uji-daerah", Role.AUDITOR), ("uji-pusat", Role.OPERATOR)
    )
    response = await directory.client.post(ENDPOINT, json={"session": session, "audience": "triage"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    verifier = AssertionVerifier.from_key_dir(directory.keys / "triage", "triage")
    claims = verifier.verify(body["assertion"])
    assert claims.iss == ISSUER
    assert claims.aud == "triage"
    uuid.UUID(claims.sub)
    assert claims.name == "Siti Rahmawati"
    assert claims.amr == ("pwd",)
    assert {g.tenant: g.roles for g in claims.grants} == {
        "uji-daerah": (Role.PENELAAH, Role.AUDITOR),
        "uji-pusat": (Role.OPERATOR,),
    }
    assert body["expires_at"] == claims.exp == claims.iat + ASSERTION_LIFETIME_SECONDS
    with pytest.raises(InvalidAssertion):
        AssertionVerifier.from_key_dir(directory.keys / "triage", "intake").verify(body["assertion"])


async def test_unknown_expired_revoked_and_unfinished_sessions_get_401(directory: Directory) -> None:
    async def ask(session: str) -> int:
        response = await directory.client.post(ENDPOINT, json={"session": session, "audience": "triage"})
        if response.status_code == 401:
            assert response.json()["pesan"].startswith("Sesi tidak dikenal")
            assert "has expired" in response.json()["message"]
        return response.status_code

    assert await ask("tidak-ada-sesi-seperti-ini") == 401

    idle, _ = await session_of(directory, ("uji-pusat", Role.AUDITOR))
    directory.clock.advance(minutes=25)
    assert await ask(idle) == 200  # the lookup starts the idle clock again...
    directory.clock.advance(minutes=25)
    assert await ask(idle) == 200
    directory.clock.advance(minutes=30)
    assert await ask(idle) == 401  # ...until a whole idle period passes

    revoked, _ = await session_of(directory, ("uji-pusat", Role.AUDITOR))
    browser = directory.browser()
    browser.cookies.set("wbs_sesi", revoked)
    page = await browser.get("/akun")
    assert page.status_code == 200
    await browser.post("/keluar", data={"csrf": csrf_of(page.text)})
    assert await ask(revoked) == 401

    login, password = await directory.officer(("uji-pusat", Role.AUDITOR))  # temporary password
    unfinished = directory.browser()
    await sign_in(unfinished, login, password)
    assert await ask(unfinished.cookies["wbs_sesi"]) == 401


async def test_an_assertion_never_outlives_its_session(directory: Directory) -> None:
    session, _ = await session_of(directory, ("uji-pusat", Role.AUDITOR))
    for _ in range(47):  # asked often enough never to idle, for 11 h 45 min
        directory.clock.advance(minutes=15)
        assert (
            await directory.client.post(ENDPOINT, json={"session": session, "audience": "triage"})
        ).status_code == 200
    directory.clock.advance(minutes=14, seconds=40)  # 20 s before the absolute limit
    body = (await directory.client.post(ENDPOINT, json={"session": session, "audience": "triage"})).json()
    assert body["expires_at"] == int(directory.clock.now.timestamp()) + 20


async def test_an_unknown_audience_is_refused(directory: Directory) -> None:
    session, _ = await session_of(directory, ("uji-pusat", Role.AUDITOR))
    response = await directory.client.post(ENDPOINT, json={"session": session, "audience": "evil"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "audience"


async def test_officer_actions_are_on_the_tenants_audit_chains_without_secrets(directory: Directory) -> None:
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    await sign_in(directory.browser(), login, "salah-kata-sandi-ini")
    await sign_in(directory.browser(), login, NEW_PASSWORD)
    await sign_in(directory.browser(), f"tidak-ada-{uuid.uuid4().hex[:6]}", "salah-kata-sandi-ini")
    async with directory.runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(audit_entry.c.tenant_id, audit_entry.c.action, audit_entry.c.details, audit_entry.c.object_id)
            )
        ).all()
    on_tenant = {action for tenant, action, _, _ in rows if tenant == "uji-pusat"}
    assert {
        "officer.officer-created",
        "officer.role-granted",
        "officer.sign-in-failed",
        "officer.signed-in",
    } <= on_tenant
    # Nobody recognised, no tenant: the deployment's own chain keeps the attempt.
    assert any(t == "deployment" and a == "officer.sign-in-failed" for t, a, _, _ in rows)
    assert not any(NEW_PASSWORD in str(row) or "salah-kata-sandi-ini" in str(row) for row in rows)
    async with directory.runtime.engine.connect() as db:
        verdicts = await verify_service(db, "directory", [])
    assert {v.tenant_id for v in verdicts} >= {"uji-pusat", "deployment"}
    assert all(v.intact for v in verdicts), verdicts


def test_the_officers_command(
    directory: Directory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WBS_DIRECTORY_DATABASE_URL", directory.runtime.settings.database_url)
    login = f"cli-{uuid.uuid4().hex[:6]}"
    assert wbs(["officers", "create", login, "--name", "Budi Santoso", "--grant", "uji-pusat:penelaah"]) == 0
    created = capsys.readouterr().out
    assert "kata sandi sementara / temporary password:" in created
    assert wbs(["officers", "grant", login, "uji-daerah", "auditor"]) == 0
    assert wbs(["officers", "grant", login, "tidak-ada", "auditor"]) == 1
    assert "unknown tenant" in capsys.readouterr().err
    assert wbs(["officers", "revoke", login, "uji-pusat", "penelaah"]) == 0
    assert wbs(["officers", "list"]) == 0
    listed = capsys.readouterr().out
    # The database is shared with the other directory tests: look at this officer's line only.
    line = next(line for line in listed.splitlines() if login in line)
    assert "uji-daerah:auditor" in line
    assert "uji-pusat:penelaah" not in line
    assert wbs(["officers", "reset-password", login]) == 0
    assert "temporary password" in capsys.readouterr().out
    assert wbs(["officers", "deactivate", login]) == 0
    assert wbs(["officers", "reset-password", "tidak-ada-orangnya"]) == 1
