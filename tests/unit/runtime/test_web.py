"""The pages' shared layer: languages, the security headers, CSRF, the language switch, static
files, and catalogues that leave no visible string untranslated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import Response

import wbs_directory
import wbs_intake
import wbs_reporting
import wbs_runtime.web
import wbs_triage
from wbs_runtime.web import LANGUAGE_COOKIE
from wbs_runtime.web.catalogue import untranslated
from wbs_runtime.web.csrf import COOKIE, load_or_create_key
from wbs_runtime.web.pages import CONTENT_SECURITY_POLICY, WebPages, safe_return_path

KEY = b"k" * 32
FORM = """{% extends "wbs/base.html" %}{% block content %}<h1>{{ _("Formulir kedaluwarsa") }}</h1>
<form method="post" action="/ubah">{{ csrf_field }}<button type="submit">x</button></form>{% endblock %}"""
PACKAGES_WITH_PAGES = [
    Path(wbs_runtime.web.__file__).parent,
    Path(wbs_directory.__file__).parent,
    Path(wbs_intake.__file__).parent,
    Path(wbs_triage.__file__).parent,
    Path(wbs_reporting.__file__).parent,
]


def app(pages: WebPages) -> FastAPI:
    application = FastAPI()
    router = pages.router()

    @router.get("/halaman")
    async def page(request: Request) -> Response:
        return pages.render(request, "test/form.html")

    @router.post("/ubah", dependencies=[Depends(pages.verify_csrf)])
    async def change(nilai: Annotated[str, Form()] = "") -> Response:
        return Response(f"ok {nilai}")

    application.include_router(router)
    application.include_router(pages.shared_router())
    return application


def pages(tmp_path: Path, key: bytes = KEY) -> WebPages:
    (tmp_path / "test").mkdir(exist_ok=True)
    (tmp_path / "test" / "form.html").write_text(FORM, encoding="utf-8")
    return WebPages(csrf_key=key, templates=tmp_path)


def client_of(web: WebPages) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app(web)), base_url="https://t")


@pytest.fixture
def client(tmp_path: Path) -> httpx.AsyncClient:
    return client_of(pages(tmp_path))


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page carries no CSRF field"
    return match.group(1)


async def test_pages_are_indonesian_by_default_and_english_by_the_cookie(client: httpx.AsyncClient) -> None:
    indonesian = await client.get("/halaman")
    assert '<html lang="id">' in indonesian.text
    assert "<h1>Formulir kedaluwarsa</h1>" in indonesian.text
    assert "Sistem Pelaporan Pelanggaran" in indonesian.text
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = await client.get("/halaman")
    assert '<html lang="en">' in english.text
    assert "The form has expired" in english.text
    assert "Whistleblowing System" in english.text
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    assert '<html lang="id">' in (await client.get("/halaman")).text  # unknown: the default


async def test_every_page_has_a_strict_policy_and_is_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/halaman")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_form_without_the_token_of_its_cookie_is_refused_in_both_languages(client: httpx.AsyncClient) -> None:
    page = await client.get("/halaman")
    cookie = page.cookies[COOKIE]
    assert "httponly" in page.headers["set-cookie"].lower()
    token = csrf_token(page.text)
    assert (await client.post("/ubah", data={"csrf": token, "nilai": "1"})).text == "ok 1"

    missing = await client.post("/ubah", data={"nilai": "2"})
    assert missing.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in missing.text
    # One character changed (never to itself: a token starting with "x" once made this pass as the real one).
    forged_token = ("y" if token[0] == "x" else "x") + token[1:]
    forged = await client.post("/ubah", data={"csrf": forged_token, "nilai": "3"})
    assert forged.status_code == 403
    # Another browser (another cookie) cannot use this browser's token.
    client.cookies.set(COOKIE, cookie + "x")
    assert (await client.post("/ubah", data={"csrf": token})).status_code == 403
    client.cookies.delete(COOKIE)
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = await client.post("/ubah", data={"csrf": token})
    assert english.status_code == 403
    assert "This form has expired" in english.text


async def test_a_token_made_under_another_key_is_refused(tmp_path: Path) -> None:
    page = await client_of(pages(tmp_path, b"o" * 32)).get("/halaman")
    mine = client_of(pages(tmp_path))
    mine.cookies.set(COOKIE, page.cookies[COOKIE])
    assert (await mine.post("/ubah", data={"csrf": csrf_token(page.text)})).status_code == 403


async def test_the_language_switch_sets_the_cookie_and_returns_only_to_this_site(client: httpx.AsyncClient) -> None:
    response = await client.get("/bahasa", params={"ke": "en", "kembali": "/akun"})
    assert response.status_code == 303
    assert response.headers["location"] == "/akun"
    assert response.cookies[LANGUAGE_COOKIE] == "en"
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "akun"):
        answer = await client.get("/bahasa", params={"ke": "id", "kembali": elsewhere})
        assert answer.headers["location"] == "/"
    assert safe_return_path("/masuk?pesan=keluar") == "/masuk?pesan=keluar"


async def test_the_stylesheet_and_script_are_served(client: httpx.AsyncClient) -> None:
    for path, kind in (("/static/wbs/wbs.css", "text/css"), ("/static/wbs/wbs.js", "text/javascript")):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff"
    assert (await client.get("/static/wbs/../pages.py")).status_code == 404


def test_templates_hold_no_inline_script_style_or_handler() -> None:
    templates = [t for package in PACKAGES_WITH_PAGES for t in (package / "templates").rglob("*.html")]
    assert len(templates) > 5
    for template in templates:
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template
        assert "<style" not in html, template
        assert not re.search(r"\sstyle=", html), template
        assert not re.search(r"\son[a-z]+=", html), template


@pytest.mark.parametrize("package", PACKAGES_WITH_PAGES, ids=lambda p: p.name)
def test_every_visible_message_has_an_english_translation(package: Path) -> None:
    assert untranslated(package) == []


def test_the_csrf_key_is_made_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "csrf.key"
    first = load_or_create_key(path)
    assert len(first) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key(path) == first
