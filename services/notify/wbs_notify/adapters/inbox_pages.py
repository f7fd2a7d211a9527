"""The officer's inbox page, ``/kotak-masuk``: what needs their attention, in which body, since
when, and the link to the page behind sign-in; unread ones marked, and marked read with a form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_notify.domain.inbox import SUBJECT_LABELS
from wbs_notify.ports import RulesUnitOfWork
from wbs_notify.usecases.inbox import mark_read, read_inbox, unread_among
from wbs_runtime.auth.access import Caller, officer
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages

PAGE = "/kotak-masuk"
AnyOfficer = Annotated[Caller, officer()]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention: marks a msgid for the catalogue
    """Marks a message for the catalogue; translated when shown."""
    return message


NOTICES = {"dibaca": N_("Pemberitahuan ditandai sudah dibaca.")}


def build_router(
    web: WebPages, *, unit_of_work: Callable[[], RulesUnitOfWork], clock: Clock, zone: ZoneInfo
) -> APIRouter:
    router = web.router()

    def moment(at: datetime) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    @router.get(PAGE)
    async def inbox_page(request: Request, caller: AnyOfficer, belum: str = "") -> Response:
        found = await read_inbox(caller.officer_id, caller.grants.keys(), unit_of_work, unread_only=bool(belum))
        english = web.language(request) == "en"
        items = [
            {
                "key": item.key,
                "label": SUBJECT_LABELS[item.subject][1 if english else 0],
                "subject": item.subject.value,
                "tenant": item.tenant,
                "link": item.link,
                "at": moment(item.at),
                "unread": item.unread,
            }
            for item in found.items
        ]
        values = {
            "items": items,
            "unread": found.unread,
            "unread_only": bool(belum),
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
        }
        return web.render(request, "notify/kotak_masuk.html", values)

    @router.post(PAGE + "/dibaca")
    async def mark_read_page(request: Request, caller: AnyOfficer) -> Response:
        """One notification (``kunci``) or all of them read. With nothing unread to mark, nothing
        changes and no token is needed; otherwise the form's CSRF token is checked."""
        form = await request.form()
        keys = [value for value in form.getlist("kunci") if isinstance(value, str) and value] or None
        tenants = caller.grants.keys()
        if not await unread_among(caller.officer_id, tenants, keys, unit_of_work):
            return web.redirect(PAGE)
        await web.verify_csrf(request)
        await mark_read(caller.officer_id, tenants, keys, unit_of_work, clock)
        return web.redirect(PAGE + "?pesan=dibaca")

    return router
