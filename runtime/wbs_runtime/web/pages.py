"""Server-rendered pages, one look for every service.

``WebPages`` holds a Jinja2 environment per language (the runtime's base layout, then the
service's own templates), renders pages with the security headers every page needs, gives forms
their CSRF token, and serves the shared stylesheet, script and language switch::

    pages = WebPages(templates=HERE / "templates", locale=HERE / "locale", csrf_key=key)
    router = pages.router()            # routes whose CSRF failures answer with a page
    router.post("/x", dependencies=[Depends(pages.verify_csrf)])(...)
    runtime.include_router(pages.shared_router())   # /static/wbs/..., /bahasa
"""

from __future__ import annotations

import gettext
import secrets
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from wbs_runtime.auth.access import public
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web import LANGUAGE_COOKIE, LANGUAGE_PATH, STATIC_PREFIX
from wbs_runtime.web.csrf import COOKIE as CSRF_COOKIE
from wbs_runtime.web.csrf import FIELD as CSRF_FIELD
from wbs_runtime.web.csrf import Csrf, CsrfRejected, load_or_create_key
from wbs_runtime.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, RUNTIME_LOCALE, language_of, load_translations

HERE = Path(__file__).resolve().parent
RUNTIME_TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
#: The only static files served: a fixed list, never a path taken from the request.
STATIC_FILES = {"wbs.css": "text/css; charset=utf-8", "wbs.js": "text/javascript; charset=utf-8"}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
#: Pages can show personal data: no cache keeps them.
PAGE_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
ONE_YEAR = 365 * 24 * 3600
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def safe_return_path(value: str | None) -> str:
    """A path on this site to go back to; anything else (another host, ``//x``, ``\\x``) is ``/``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


class WebPages:
    def __init__(
        self,
        *,
        csrf_key: bytes,
        templates: Path | None = None,
        locale: Path | None = None,
        secure_cookies: bool = True,
        globals: Mapping[str, Any] | None = None,
    ) -> None:
        self.csrf = Csrf(csrf_key)
        self.secure_cookies = secure_cookies
        translations = load_translations([RUNTIME_LOCALE, *([locale] if locale else [])])
        folders = [str(templates)] if templates else []
        loader = ChoiceLoader([FileSystemLoader([*folders, str(RUNTIME_TEMPLATES)])])
        self._environments: dict[str, Environment] = {}
        self.translations: dict[str, gettext.NullTranslations] = translations
        for language in LANGUAGES:
            environment = Environment(
                loader=loader,
                autoescape=select_autoescape(default=True, default_for_string=True),
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
            )
            environment.install_gettext_translations(translations[language], newstyle=True)  # type: ignore[attr-defined]
            environment.globals.update(globals or {})
            self._environments[language] = environment

    # -- rendering ---------------------------------------------------------------------------

    def language(self, request: Request) -> str:
        return language_of(request.cookies)

    def gettext(self, request: Request) -> Callable[[str], str]:
        """Translate a message (its msgid is the Indonesian text) for the request's language."""
        return self.translations[self.language(request)].gettext

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        language = self.language(request)
        cookie_value = request.cookies.get(CSRF_COOKIE) or ""
        new_cookie = not cookie_value
        if new_cookie:
            cookie_value = self.csrf.new_cookie_value()
        token = self.csrf.token(cookie_value)
        page = self._environments[language].get_template(name)
        html = page.render(
            lang=language,
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES if code != language],
            csrf_field=Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token),
            # The language switch comes back to this very page (its notice included).
            current_path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            static=STATIC_PREFIX,
            language_path=LANGUAGE_PATH,
            **(context or {}),
        )
        response = HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
        if new_cookie:
            self.set_cookie(response, CSRF_COOKIE, cookie_value, max_age=None)
        return response

    def redirect(self, location: str) -> RedirectResponse:
        """A 303 to a page (after a form: the browser then GETs it)."""
        return RedirectResponse(location, status_code=303, headers=PAGE_HEADERS)

    def set_cookie(
        self, response: Response, name: str, value: str, *, max_age: int | None, http_only: bool = True
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=self.secure_cookies,
            httponly=http_only,
            samesite="lax",
        )

    def delete_cookie(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=self.secure_cookies, httponly=True, samesite="lax")

    # -- CSRF ----------------------------------------------------------------------------------

    async def verify_csrf(self, request: Request) -> None:
        """A dependency of every state-changing form's route; raises ``CsrfRejected``."""
        await self.csrf.check(request)

    def router(self, **options: Any) -> APIRouter:
        """An ``APIRouter`` whose routes answer a rejected CSRF token with a page, in both languages."""
        pages = self

        class PageRoute(APIRoute):
            def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
                handler = super().get_route_handler()

                async def handle(request: Request) -> Response:
                    try:
                        return await handler(request)
                    except CsrfRejected:
                        return pages.render(request, "wbs/csrf.html", status_code=403)

                return handle

        return APIRouter(route_class=PageRoute, include_in_schema=False, **options)

    # -- shared routes ---------------------------------------------------------------------------

    def shared_router(self) -> APIRouter:
        """The stylesheet, the script and the language switch."""
        router = APIRouter(include_in_schema=False, dependencies=[public()])
        for name, media_type in STATIC_FILES.items():
            router.add_api_route(f"{STATIC_PREFIX}/{name}", _static(STATIC / name, media_type), methods=["GET"])

        @router.get(LANGUAGE_PATH)
        async def switch_language(request: Request) -> Response:
            chosen = request.query_params.get("ke", DEFAULT_LANGUAGE)
            response = self.redirect(safe_return_path(request.query_params.get("kembali")))
            if chosen in LANGUAGES:
                self.set_cookie(response, LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR)
            return response

        return router


def _static(path: Path, media_type: str) -> Callable[[], Coroutine[Any, Any, FileResponse]]:
    # No parameters: FastAPI would read any parameter from the query string.
    async def endpoint() -> FileResponse:
        return FileResponse(path, media_type=media_type, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

    return endpoint


def service_pages(settings: ServiceSettings, package_dir: Path, *, csrf_key_file: str | None = None) -> WebPages:
    """A service's pages: the templates and the catalogue in its package, the CSRF key kept in its
    key folder (``{service}-csrf.key``, made on first use; without a key folder, one per process),
    cookies Secure unless ``insecure_cookies`` (plain HTTP on 127.0.0.1 under ``make run``)."""
    key_file = csrf_key_file or f"{settings.service}-csrf.key"
    csrf_key = load_or_create_key(settings.key_dir / key_file) if settings.key_dir else None
    return WebPages(
        csrf_key=csrf_key or secrets.token_bytes(32),
        templates=package_dir / "templates",
        locale=package_dir / "locale",
        secure_cookies=not settings.insecure_cookies,
    )
