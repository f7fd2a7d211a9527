"""A tenant administrator's pages against real PostgreSQL and the broker: the tenant's document and
versions, a policy change (versioned, audited, announced), invalid and forbidden changes that
change nothing, and the accounts: create, grant, revoke, reset (old sessions end), deactivate,
and every refusal outside the administrator's reach.

Requests carry the assertion the gateway would forward (signed with directory's key, for the
officer's real id and grants), as officer routes are authenticated; the session cookie is used
only where a test signs an officer in."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
import yaml

from tests.integration.directory.conftest import FAST, Directory, csrf_of
from tests.integration.directory.test_sign_in import NEW_PASSWORD, sign_in
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import read_until
from tests.support.officers import claims_for
from wbs_contracts.identity import ASSERTION_HEADER
from wbs_contracts.registry import TENANT_CONFIGURED
from wbs_contracts.roles import Role
from wbs_contracts.wire import decode
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_runtime.auth.assertions import AssertionSigner
from wbs_runtime.auth.keys import ISSUING_SERVICE
from wbs_runtime.web import LANGUAGE_COOKIE

pytestmark = pytest.mark.integration
PARENT, CHILD, UNRELATED = "uji-pusat", "uji-daerah", "uji-ketat"


async def officer_id(directory: Directory, login: str) -> str:
    async with directory.runtime.unit_of_work() as uow:
        found = await uow.officers.by_login(login)
    assert found is not None
    return str(found.id)


async def as_officer(directory: Directory, *grants: tuple[str, Role]) -> tuple[httpx.AsyncClient, str]:
    """A browser carrying the assertion of a new officer holding ``grants``, and their login."""
    login, _ = await directory.officer(*grants, password=NEW_PASSWORD)
    by_tenant: dict[str, list[Role]] = {}
    for tenant, role in grants:
        by_tenant.setdefault(tenant, []).append(role)
    claims = claims_for("directory", by_tenant).model_copy(update={"sub": await officer_id(directory, login)})
    browser = directory.browser()
    browser.headers[ASSERTION_HEADER] = AssertionSigner.from_key_dir(directory.keys / ISSUING_SERVICE).sign(claims)
    return browser, login


async def post_form(browser: httpx.AsyncClient, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    shown = await browser.get(page)
    assert shown.status_code == 200, shown.text
    return await browser.post(action, data={**data, "csrf": csrf_of(shown.text)})


def document_text(page: str) -> str:
    found = re.search(r'<textarea id="dokumen" name="dokumen"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return found.group(1).replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")


async def accounts_state(directory: Directory, *logins: str) -> list[tuple[object, ...]]:
    """What an administrator's action could change on each account: active, password, roles."""
    state: list[tuple[object, ...]] = []
    async with directory.runtime.unit_of_work() as uow:
        for login in logins:
            officer = await uow.officers.by_login(login)
            assert officer is not None
            state.append((officer.active, officer.password_hash, await uow.officers.grants(officer.id)))
    return state


async def current_version(directory: Directory, tenant: str) -> int:
    async with directory.runtime.unit_of_work() as uow:
        return (await uow.tenants.all())[tenant].version


async def test_the_administrator_sees_the_tenant_its_versions_and_children_and_nothing_above(
    directory: Directory,
) -> None:
    admin, _ = await as_officer(directory, (PARENT, Role.ADMINISTRATOR))
    page = await admin.get(f"/admin/{PARENT}")
    assert page.status_code == 200
    assert "Instansi Uji Pusat" in page.text
    assert 'data-category="korupsi"' in page.text
    assert re.search(r'<tr data-version="1"><td>1</td><td>[^<]+</td><td>test</td>', page.text)
    assert f'href="/admin/{CHILD}"' in page.text  # the child, linked
    assert "Content-Security-Policy" in page.headers
    admin.cookies.set(LANGUAGE_COOKIE, "en")
    for english, says in (("", "Version history"), ("/kebijakan", "Save as a new version"), ("/petugas", "Grant role")):
        assert says in (await admin.get(f"/admin/{PARENT}{english}")).text
    admin.cookies.set(LANGUAGE_COOKIE, "id")
    # Administration reaches down (ancestry from directory's own tenant table), never up or across.
    assert (await admin.get(f"/admin/{CHILD}")).status_code == 200
    assert (await admin.get(f"/admin/{UNRELATED}")).status_code == 403
    unrelated = await admin.get(f"/admin/{UNRELATED}", headers={"accept": "application/json"})
    missing = await admin.get("/admin/tidak-ada", headers={"accept": "application/json"})
    assert (missing.status_code, missing.json()) == (unrelated.status_code, unrelated.json())  # existence untold
    # An assertion granting a tenant directory does not have (deleted since, say): 404, not an error.
    claims = claims_for("directory", {"tidak-ada": [Role.ADMINISTRATOR]})
    signed = AssertionSigner.from_key_dir(directory.keys / ISSUING_SERVICE).sign(claims)
    assert (await directory.browser().get("/admin/tidak-ada", headers={ASSERTION_HEADER: signed})).status_code == 404
    child_admin, _ = await as_officer(directory, (CHILD, Role.ADMINISTRATOR))
    assert (await child_admin.get(f"/admin/{PARENT}")).status_code == 403
    # Another role in the tenant does not open it; without an assertion, 401.
    penelaah, _ = await as_officer(directory, (PARENT, Role.PENELAAH))
    assert (await penelaah.get(f"/admin/{PARENT}")).status_code == 403
    assert (await directory.browser().get(f"/admin/{PARENT}")).status_code == 401


async def test_a_policy_change_is_a_new_version_audited_and_announced(
    directory: Directory, infra: Infrastructure
) -> None:
    admin, login = await as_officer(directory, (PARENT, Role.ADMINISTRATOR))
    admin_id = await officer_id(directory, login)
    before = await current_version(directory, CHILD)
    form = await admin.get(f"/admin/{CHILD}/kebijakan")
    text = document_text(form.text)
    document = yaml.safe_load(text)
    assert document["id"] == CHILD
    label = f"Korupsi dan gratifikasi {uuid.uuid4().hex[:6]}"
    document["policy"]["categories"][0]["label_id"] = label
    changed = await admin.post(
        f"/admin/{CHILD}/kebijakan", data={"dokumen": yaml.safe_dump(document), "csrf": csrf_of(form.text)}
    )
    assert (changed.status_code, changed.headers["location"]) == (303, f"/admin/{CHILD}?pesan=kebijakan-diubah")
    shown = await admin.get(changed.headers["location"])
    assert "Kebijakan telah disimpan sebagai versi baru" in shown.text
    assert label in shown.text
    assert f"({login})" in shown.text  # the version's author, by name

    async with directory.runtime.unit_of_work() as uow:
        history = await uow.tenants.history(CHILD)
        trail = await uow.audit.history(CHILD, "tenant", CHILD)
    assert history[-1].version == before + 1
    assert history[-1].changed_by == admin_id
    assert (trail[-1].action, trail[-1].actor, dict(trail[-1].details)) == (
        "tenant.policy-changed",
        admin_id,
        {"version": str(before + 1)},
    )

    def announced(records: list) -> bool:  # type: ignore[type-arg]
        for record in records:
            data = decode(record.headers, record.value).data
            if data.tenant_id == CHILD and data.policy.categories[0].label_id == label:
                return bool(data.policy_version == before + 1)
        return False

    await read_until(infra.bootstrap_servers, directory.runtime.topics(TENANT_CONFIGURED.topic), announced)

    # The same document again changes nothing and says so.
    again = await post_form(admin, f"/admin/{CHILD}/kebijakan", f"/admin/{CHILD}/kebijakan", {"dokumen": text})
    assert again.status_code == 303
    assert await current_version(directory, CHILD) == before + 2  # the first `text` was the old label
    same = await post_form(admin, f"/admin/{CHILD}/kebijakan", f"/admin/{CHILD}/kebijakan", {"dokumen": text})
    assert same.headers["location"] == f"/admin/{CHILD}?pesan=tidak-berubah"


@pytest.mark.parametrize(
    ("edit", "status", "says"),
    [
        (lambda text: text + "\n  : : [tidak ditutup\n", 400, "bukan YAML yang sah / not valid YAML"),
        (lambda text: text.replace("policy:\n", "policy:\n  channels: [merpati-pos]\n"), 400, "unknown channel"),
        (lambda text: text.replace(f"parent: {PARENT}", f"parent: {UNRELATED}"), 403, "parent"),
        (lambda text: text.replace(f"id: {CHILD}", "id: uji-baru"), 403, "id"),
        (lambda text: text.replace(f"id: {CHILD}", f"id: {PARENT}"), 403, "id"),
        (lambda text: text + "---\n" + text, 400, "one YAML document"),
    ],
    ids=["bad-yaml", "invalid-document", "new-parent", "new-id", "another-tenant", "two-documents"],
)
async def test_an_invalid_or_forbidden_change_changes_nothing_and_keeps_the_text(
    directory: Directory, edit: object, status: int, says: str
) -> None:
    admin, _ = await as_officer(directory, (PARENT, Role.ADMINISTRATOR))
    before = {tenant: await current_version(directory, tenant) for tenant in (PARENT, CHILD, UNRELATED)}
    form = await admin.get(f"/admin/{CHILD}/kebijakan")
    text = document_text(form.text)
    assert "policy:\n" in text
    assert f"parent: {PARENT}" in text
    typed = edit(text)  # type: ignore[operator]
    answer = await admin.post(f"/admin/{CHILD}/kebijakan", data={"dokumen": typed, "csrf": csrf_of(form.text)})
    assert answer.status_code == status
    assert "Dokumen tidak disimpan; tidak ada yang berubah." in answer.text
    assert says in answer.text
    assert document_text(answer.text) == typed
    assert {tenant: await current_version(directory, tenant) for tenant in before} == before


async def test_a_form_without_its_csrf_token_is_refused(directory: Directory) -> None:
    admin, _ = await as_officer(directory, (PARENT, Role.ADMINISTRATOR))
    await admin.get(f"/admin/{PARENT}")
    answer = await admin.post(f"/admin/{PARENT}/petugas/nonaktif", data={"nama_pengguna": "siapa-saja"})
    assert answer.status_code == 403
    assert "formulir" in answer.text.lower()


async def test_accounts_are_created_granted_revoked_reset_and_deactivated(directory: Directory) -> None:
    admin, admin_login = await as_officer(directory, (PARENT, Role.ADMINISTRATOR))
    accounts = f"/admin/{CHILD}/petugas"
    login = f"baru-{uuid.uuid4().hex[:6]}"
    created = await post_form(
        admin, accounts, f"{accounts}/baru", {"nama_pengguna": login, "nama": "Dewi Lestari", "peran": "penelaah"}
    )
    assert created.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', created.text)
    assert password
    temporary = password.group(1)
    # Never kept in plain text: only the argon2 hash.
    async with directory.runtime.unit_of_work() as uow:
        stored = await uow.officers.by_login(login)
    assert stored is not None
    assert temporary not in stored.password_hash
    assert await Argon2Passwords(FAST).verify(stored.password_hash, temporary)

    listed = await admin.get(accounts)
    row = re.search(rf'<tr data-login="{login}">(.*?)</tr>', listed.text, re.S)
    assert row
    assert 'data-role="penelaah"' in row.group(1)
    assert "Dewi Lestari" in row.group(1)

    granted = await post_form(admin, accounts, f"{accounts}/peran", {"nama_pengguna": login, "peran": "auditor"})
    assert granted.headers["location"] == f"{accounts}?pesan=peran-diberikan"
    revoked = await post_form(admin, accounts, f"{accounts}/cabut", {"nama_pengguna": login, "peran": "penelaah"})
    assert revoked.headers["location"] == f"{accounts}?pesan=peran-dicabut"
    async with directory.runtime.unit_of_work() as uow:
        officer = await uow.officers.by_login(login)
        assert officer is not None
        assert [(g.tenant, g.role) for g in await uow.officers.grants(officer.id)] == [(CHILD, Role.AUDITOR)]
        trail = await uow.audit.history(CHILD, "officer", str(officer.id))
    admin_id = await officer_id(directory, admin_login)
    assert [(e.action, e.actor) for e in trail][-3:] == [
        ("officer.role-granted", admin_id),
        ("officer.role-granted", admin_id),
        ("officer.role-revoked", admin_id),
    ]

    # The officer signs in (and changes the temporary password); a reset ends that session.
    browser = directory.browser()
    assert (await sign_in(browser, login, temporary)).headers["location"] == "/akun/sandi"
    reset = await post_form(admin, accounts, f"{accounts}/sandi", {"nama_pengguna": login})
    assert reset.status_code == 200
    new_temporary = re.search(r'id="temporary-password">([^<]+)<', reset.text)
    assert new_temporary
    assert new_temporary.group(1) != temporary
    assert "Semua sesi petugas ini telah berakhir." in reset.text
    assert (await browser.get("/akun/sandi")).headers["location"] == "/masuk?pesan=berakhir"
    assert (await sign_in(directory.browser(), login, temporary)).status_code == 401
    assert (await sign_in(directory.browser(), login, new_temporary.group(1))).status_code == 303

    deactivated = await post_form(admin, accounts, f"{accounts}/nonaktif", {"nama_pengguna": login})
    assert deactivated.headers["location"] == f"{accounts}?pesan=dinonaktifkan"
    assert (await sign_in(directory.browser(), login, new_temporary.group(1))).status_code == 401
    listed = await admin.get(accounts)
    row = re.search(rf'<tr data-login="{login}">(.*?)</tr>', listed.text, re.S)
    assert row
    assert "Nonaktif" in row.group(1)


async def test_an_administrator_cannot_reach_beyond_their_tenants_nor_grant_operator(directory: Directory) -> None:
    child_admin, _ = await as_officer(directory, (CHILD, Role.ADMINISTRATOR))
    accounts = f"/admin/{CHILD}/petugas"
    # Someone of the parent tenant, someone of both, and an operator in the child.
    above, _ = await directory.officer((PARENT, Role.PENELAAH))
    both, _ = await directory.officer((CHILD, Role.AUDITOR), (PARENT, Role.AUDITOR))
    operator, _ = await directory.officer((CHILD, Role.OPERATOR))
    mine, _ = await directory.officer((CHILD, Role.AUDITOR))
    before = await accounts_state(directory, above, both, operator, mine)

    async def refused(action: str, data: dict[str, str]) -> None:
        answer = await post_form(child_admin, accounts, f"{accounts}/{action}", data)
        assert answer.status_code == 403, (action, data, answer.status_code)
        assert 'id="error"' in answer.text

    await refused("peran", {"nama_pengguna": mine, "peran": "operator"})
    await refused("baru", {"nama_pengguna": f"op-{uuid.uuid4().hex[:6]}", "nama": "Operator Baru", "peran": "operator"})
    await refused("peran", {"nama_pengguna": above, "peran": "auditor"})  # an account of the parent
    await refused("sandi", {"nama_pengguna": both})  # roles above their reach too
    await refused("nonaktif", {"nama_pengguna": both})
    await refused("cabut", {"nama_pengguna": both, "peran": "auditor"})
    await refused("sandi", {"nama_pengguna": operator})  # an operator's account: never an administrator's
    await refused("cabut", {"nama_pengguna": operator, "peran": "operator"})
    # A tenant not in their reach is refused by the access rule itself, before anything is read.
    shown = await child_admin.get(accounts)
    answer = await child_admin.post(
        f"/admin/{PARENT}/petugas/sandi", data={"nama_pengguna": above, "csrf": csrf_of(shown.text)}
    )
    assert answer.status_code == 403
    # Nothing changed for any of them.
    assert await accounts_state(directory, above, both, operator, mine) == before
    # An unknown role or account: a clear error, not a crash.
    bad = await post_form(child_admin, accounts, f"{accounts}/peran", {"nama_pengguna": mine, "peran": "raja"})
    assert bad.status_code == 400
    unknown = await post_form(child_admin, accounts, f"{accounts}/sandi", {"nama_pengguna": "tidak-ada-orangnya"})
    assert unknown.status_code == 400


async def test_the_home_page_links_the_tenants_one_administers(directory: Directory) -> None:
    login, _ = await directory.officer((CHILD, Role.ADMINISTRATOR), (PARENT, Role.AUDITOR), password=NEW_PASSWORD)
    browser = directory.browser()
    await sign_in(browser, login, NEW_PASSWORD)
    home = await browser.get("/akun")
    assert f'<a href="/admin/{CHILD}">' in home.text
    assert f'<a href="/admin/{CHILD}/petugas">' in home.text
    assert f'href="/admin/{PARENT}"' not in home.text
    other, _ = await directory.officer((PARENT, Role.AUDITOR), password=NEW_PASSWORD)
    browser = directory.browser()
    await sign_in(browser, other, NEW_PASSWORD)
    assert 'id="administration"' not in (await browser.get("/akun")).text
