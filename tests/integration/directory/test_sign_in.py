"""Signing in against real PostgreSQL: temporary passwords, the second factor, sessions that
expire and end, throttling, and the answers that leak nothing."""

from __future__ import annotations

import re
import uuid

import httpx
import pyotp
import pytest
from sqlalchemy import select

from tests.integration.directory.conftest import FAST, Directory, csrf_of, submit
from wbs_contracts.roles import Role
from wbs_directory.adapters.db import officer_table
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.usecases.officers import NotPermitted, deactivate_officer, reset_password
from wbs_runtime.web import LANGUAGE_COOKIE

NEW_PASSWORD = "kopi pagi di kantor Bengkulu"


async def sign_in(browser: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await submit(browser, "/masuk", "/masuk", {"nama_pengguna": login, "kata_sandi": password})


async def signed_in(directory: Directory, *grants: tuple[str, Role]) -> tuple[httpx.AsyncClient, str]:
    """A browser signed in (password only) as a new officer, and the officer's login."""
    login, password = await directory.officer(*grants, password=NEW_PASSWORD)
    browser = directory.browser()
    response = await sign_in(browser, login, password)
    assert (response.status_code, response.headers["location"]) == (303, "/akun")
    return browser, login


def totp_secret(html: str) -> str:
    match = re.search(r'id="totp-secret">([^<]+)<', html)
    assert match
    return match.group(1).replace(" ", "")


async def test_a_new_officer_signs_in_with_the_temporary_password_and_must_change_it(directory: Directory) -> None:
    login, temporary = await directory.officer(("uji-daerah", Role.PENELAAH), ("uji-daerah", Role.AUDITOR))
    browser = directory.browser()
    response = await sign_in(browser, login, temporary)
    assert (response.status_code, response.headers["location"]) == (303, "/akun/sandi")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("wbs_sesi=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    # Nothing opens before the new password: the home page sends back to the step.
    assert (await browser.get("/akun")).headers["location"] == "/akun/sandi"
    page = await browser.get("/akun/sandi")
    assert "kata sandi sementara" in page.text
    weak = await browser.post(
        "/akun/sandi",
        data={"csrf": csrf_of(page.text), "kata_sandi_baru": "pendek", "ulangi_kata_sandi": "pendek"},
    )
    assert weak.status_code == 400
    assert "paling sedikit 12 karakter" in weak.text
    changed = await submit(
        browser, "/akun/sandi", "/akun/sandi", {"kata_sandi_baru": NEW_PASSWORD, "ulangi_kata_sandi": NEW_PASSWORD}
    )
    assert (changed.status_code, changed.headers["location"]) == (303, "/akun?pesan=sandi-diubah")
    home = await browser.get("/akun?pesan=sandi-diubah")
    assert home.status_code == 200
    assert "Kata sandi Anda telah diubah." in home.text
    assert "Instansi Uji Daerah" in home.text
    assert 'data-role="penelaah"' in home.text
    assert "Menelaah laporan" in home.text
    assert 'data-role="auditor"' in home.text
    browser.cookies.set(LANGUAGE_COOKIE, "en")
    english = await browser.get("/akun")
    assert "Your roles" in english.text
    assert "Assesses reports and prepares the assessment." in english.text
    assert "Assessor" in english.text
    # The temporary password no longer works; the new one does.
    assert (await sign_in(directory.browser(), login, temporary)).status_code == 401
    assert (await sign_in(directory.browser(), login, NEW_PASSWORD)).headers["location"] == "/akun"


async def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(directory: Directory) -> None:
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    wrong = await sign_in(directory.browser(), login, "bukan kata sandinya")
    unknown = await sign_in(directory.browser(), f"tidak-ada-{uuid.uuid4().hex[:6]}", "bukan kata sandinya")
    assert wrong.status_code == unknown.status_code == 401
    error = re.compile(r'<p class="form-error" role="alert" id="error">([^<]+)</p>')
    assert error.findall(wrong.text) == error.findall(unknown.text) == ["Nama pengguna atau kata sandi salah."]
    assert "wbs_sesi" not in wrong.headers.get("set-cookie", "")
    english = directory.browser()
    english.cookies.set(LANGUAGE_COOKIE, "en")
    assert "The user name or the password is wrong." in (await sign_in(english, login, "salah lagi!!")).text


async def test_wrong_passwords_are_throttled_per_account_whether_or_not_it_exists(directory: Directory) -> None:
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    for account in (login, f"tidak-ada-{uuid.uuid4().hex[:6]}"):
        answers = [(await sign_in(directory.browser(), account, f"salah-{n}-kata-sandi")).status_code for n in range(4)]
        assert answers == [401, 401, 401, 401]
        refused = await sign_in(directory.browser(), account, f"{NEW_PASSWORD}")
        assert refused.status_code == 429
        assert "Terlalu banyak percobaan yang gagal. Coba lagi dalam 1 menit." in refused.text
        assert int(refused.headers["retry-after"]) == 30
    directory.clock.advance(seconds=31)
    assert (await sign_in(directory.browser(), login, NEW_PASSWORD)).status_code == 303


async def test_wrong_passwords_are_throttled_per_client_across_accounts(directory: Directory) -> None:
    browser = directory.browser()
    for n in range(7):
        assert (await sign_in(browser, f"tebakan-{n}-{uuid.uuid4().hex[:4]}", "salah salah salah")).status_code == 401
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    assert (await sign_in(browser, login, NEW_PASSWORD)).status_code == 429
    assert (await sign_in(directory.browser(), login, NEW_PASSWORD)).status_code == 303  # another client
    directory.clock.advance(seconds=31)


async def test_sign_in_without_a_csrf_token_is_refused(directory: Directory) -> None:
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    browser = directory.browser()
    refused = await browser.post("/masuk", data={"nama_pengguna": login, "kata_sandi": NEW_PASSWORD})
    assert refused.status_code == 403
    assert "wbs_sesi" not in refused.headers.get("set-cookie", "")


async def test_enrolling_totp_then_signing_in_with_a_code_used_once(directory: Directory) -> None:
    browser, login = await signed_in(directory, ("uji-pusat", Role.KETUA_TIM))
    page = await browser.get("/akun/totp")
    secret = totp_secret(page.text)
    assert f"secret={secret}" in page.text
    assert (await browser.get("/akun/totp")).text.count(secret[:4]) >= 1  # the same secret until confirmed
    totp = pyotp.TOTP(secret)
    wrong = await browser.post("/akun/totp", data={"csrf": csrf_of(page.text), "kode": "000000"})
    assert wrong.status_code == 400
    confirmed = await browser.post(
        "/akun/totp", data={"csrf": csrf_of(page.text), "kode": totp.at(directory.clock.now)}
    )
    assert confirmed.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", confirmed.text)
    assert len(codes) == 10
    # At rest the secret is sealed: a copy of the database generates no codes.
    async with directory.runtime.sessionmaker() as session:
        stored = (
            await session.execute(select(officer_table.c.totp_secret).where(officer_table.c.login == login))
        ).scalar_one()
    assert stored.startswith("sealed:v1:")
    assert secret not in stored

    directory.clock.advance(seconds=30)
    second = directory.browser()
    first_step = await sign_in(second, login, NEW_PASSWORD)
    assert first_step.headers["location"] == "/masuk/kode"
    # A session waiting for its code opens nothing.
    assert (await second.get("/akun")).headers["location"] == "/masuk/kode"
    code = totp.at(directory.clock.now)
    done = await submit(second, "/masuk/kode", "/masuk/kode", {"kode": code})
    assert (done.status_code, done.headers["location"]) == (303, "/akun")
    assert (await second.get("/akun")).status_code == 200

    third = directory.browser()
    await sign_in(third, login, NEW_PASSWORD)
    replayed = await submit(third, "/masuk/kode", "/masuk/kode", {"kode": code})
    assert replayed.status_code == 401
    assert "sudah pernah dipakai" in replayed.text
    recovered = await submit(third, "/masuk/kode", "/masuk/kode", {"kode": codes[0].upper()})
    assert recovered.headers["location"] == "/akun"
    fourth = directory.browser()
    await sign_in(fourth, login, NEW_PASSWORD)
    assert (await submit(fourth, "/masuk/kode", "/masuk/kode", {"kode": codes[0]})).status_code == 401
    assert "9 kode pemulihan tersisa" in (await third.get("/akun")).text


async def test_a_tenant_that_requires_totp_makes_its_officers_enrol(directory: Directory) -> None:
    login, password = await directory.officer(("uji-ketat", Role.PENELAAH), password=NEW_PASSWORD)
    browser = directory.browser()
    assert (await sign_in(browser, login, password)).headers["location"] == "/akun/totp"
    assert (await browser.get("/akun")).headers["location"] == "/akun/totp"
    page = await browser.get("/akun/totp")
    assert "mewajibkan verifikasi dua langkah" in page.text
    code = pyotp.TOTP(totp_secret(page.text)).at(directory.clock.now)
    confirmed = await browser.post("/akun/totp", data={"csrf": csrf_of(page.text), "kode": code})
    assert 'href="/akun" id="continue"' in confirmed.text
    assert (await browser.get("/akun")).status_code == 200


async def test_sessions_expire_when_idle_and_say_so(directory: Directory) -> None:
    browser, _ = await signed_in(directory, ("uji-pusat", Role.AUDITOR))
    directory.clock.advance(minutes=29)
    assert (await browser.get("/akun")).status_code == 200
    directory.clock.advance(minutes=29)
    assert (await browser.get("/akun")).status_code == 200  # each use starts the idle clock again
    directory.clock.advance(minutes=30)
    expired = await browser.get("/akun")
    assert expired.headers["location"] == "/masuk?pesan=berakhir"
    assert "wbs_sesi=" in expired.headers["set-cookie"]  # the cookie is cleared
    page = await browser.get(expired.headers["location"])
    assert "Sesi Anda telah berakhir. Silakan masuk lagi." in page.text


async def test_sessions_expire_absolutely_however_busy(directory: Directory) -> None:
    browser, _ = await signed_in(directory, ("uji-pusat", Role.AUDITOR))
    for _ in range(35):  # 11 h 40 min of steady work
        directory.clock.advance(minutes=20)
        assert (await browser.get("/akun")).status_code == 200
    directory.clock.advance(minutes=20)
    assert (await browser.get("/akun")).headers["location"] == "/masuk?pesan=berakhir"


async def test_sign_out_ends_this_session_only(directory: Directory) -> None:
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    here, there = directory.browser(), directory.browser()
    await sign_in(here, login, NEW_PASSWORD)
    await sign_in(there, login, NEW_PASSWORD)
    out = await submit(here, "/akun", "/keluar", {})
    assert out.headers["location"] == "/masuk?pesan=keluar"
    assert (await here.get("/akun")).headers["location"] == "/masuk"
    assert (await there.get("/akun")).status_code == 200


async def test_sign_out_everywhere_ends_every_session(directory: Directory) -> None:
    login, _ = await directory.officer(("uji-pusat", Role.AUDITOR), password=NEW_PASSWORD)
    here, there = directory.browser(), directory.browser()
    await sign_in(here, login, NEW_PASSWORD)
    await sign_in(there, login, NEW_PASSWORD)
    stale = there.cookies["wbs_sesi"]
    out = await submit(there, "/akun", "/keluar/semua", {})
    assert out.headers["location"] == "/masuk?pesan=keluar-semua"
    assert (await here.get("/akun")).headers["location"] == "/masuk?pesan=berakhir"
    there.cookies.set("wbs_sesi", stale)
    assert (await there.get("/akun")).headers["location"] == "/masuk?pesan=berakhir"


async def test_a_password_reset_and_a_deactivation_end_every_session(directory: Directory) -> None:
    browser, login = await signed_in(directory, ("uji-pusat", Role.AUDITOR))
    temporary = await reset_password(
        directory.runtime.unit_of_work(), Argon2Passwords(FAST), login=login, actor="test", clock=directory.clock
    )
    assert (await browser.get("/akun")).headers["location"] == "/masuk?pesan=berakhir"
    assert (await sign_in(directory.browser(), login, NEW_PASSWORD)).status_code == 401
    again = directory.browser()
    assert (await sign_in(again, login, temporary)).headers["location"] == "/akun/sandi"
    await deactivate_officer(directory.runtime.unit_of_work(), login=login, actor="test", clock=directory.clock)
    assert (await again.get("/akun/sandi")).headers["location"] == "/masuk?pesan=berakhir"
    assert (await sign_in(directory.browser(), login, temporary)).status_code == 401


async def test_a_tenant_administrator_resets_passwords_of_their_tenants_accounts_only(directory: Directory) -> None:
    admin, _ = await directory.officer(("uji-pusat", Role.ADMINISTRATOR), password=NEW_PASSWORD)
    below, _ = await directory.officer(("uji-daerah", Role.PENELAAH), password=NEW_PASSWORD)
    elsewhere, _ = await directory.officer(("uji-ketat", Role.PENELAAH), password=NEW_PASSWORD)
    async with directory.runtime.unit_of_work() as uow:
        found = await uow.officers.by_login(admin)
    assert found is not None

    async def reset(login: str) -> str:
        return await reset_password(
            directory.runtime.unit_of_work(),
            Argon2Passwords(FAST),
            login=login,
            actor=str(found.id),
            clock=directory.clock,
            administrator=found.id,
        )

    temporary = await reset(below)
    assert (await sign_in(directory.browser(), below, temporary)).headers["location"] == "/akun/sandi"
    with pytest.raises(NotPermitted):
        await reset(elsewhere)
    assert (await sign_in(directory.browser(), elsewhere, NEW_PASSWORD)).headers["location"] == "/akun/totp"
