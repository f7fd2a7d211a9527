"""CSRF protection for every state-changing form: a signed double-submit token.

The browser holds a random value in the ``wbs_csrf`` cookie (HttpOnly, SameSite=Lax); each form
carries ``HMAC(key, value)`` in its ``csrf`` field. Another site can make the browser send the
cookie but can neither read it nor compute the field; a cookie planted by a sibling origin does
not help without the key. The sign-in form is protected too (login CSRF): the cookie is set
when the form is shown, before anyone has a session.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from pathlib import Path

from starlette.requests import Request

from wbs_runtime.crypto.service_secret import load_service_secret

COOKIE = "wbs_csrf"
FIELD = "csrf"


class CsrfRejected(Exception):
    """The form carried no token, or one that does not match this browser's cookie."""


class Csrf:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the CSRF key needs at least 32 bytes")
        self._key = key

    def _sign(self, value: str) -> str:
        digest = hmac.digest(self._key, b"wbs-csrf\0" + value.encode(), "sha256")
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    @staticmethod
    def new_cookie_value() -> str:
        return secrets.token_urlsafe(32)

    def token(self, cookie_value: str) -> str:
        return self._sign(cookie_value)

    async def check(self, request: Request) -> None:
        cookie = request.cookies.get(COOKIE, "")
        form = await request.form()
        given = form.get(FIELD)
        if not cookie or not isinstance(given, str) or not hmac.compare_digest(given, self._sign(cookie)):
            raise CsrfRejected()


def load_or_create_key(path: Path) -> bytes:
    """The CSRF key kept in a service's key directory (made on first start, 0600), so forms
    shown before a restart can still be sent after it."""
    return load_service_secret(None, path, create=True, variable="the CSRF key")
