"""The officer's inbox as JSON: ``GET /api/v1/inbox`` (their notifications, newest first) and
``POST /api/v1/inbox/read`` (mark some, or all, read). Any signed-in officer, their own only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from wbs_notify.domain.inbox import SUBJECT_LABELS, InboxItem
from wbs_notify.ports import RulesUnitOfWork
from wbs_notify.usecases.inbox import mark_read, read_inbox
from wbs_runtime.auth.access import Caller, officer
from wbs_runtime.clock import Clock

PREFIX = "/api/v1/inbox"
AnyOfficer = Annotated[Caller, officer()]


class InboxItemOut(BaseModel):
    key: str
    tenant: str
    subject: str
    #: What needs attention, in Bahasa Indonesia and in English; never more than that.
    pesan: str
    message: str
    link: str
    at: datetime
    read: bool


class InboxOut(BaseModel):
    unread: int
    items: list[InboxItemOut]


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: The notifications to mark read; none given: all of them.
    keys: list[str] | None = Field(default=None, max_length=500)


class Marked(BaseModel):
    marked: int


def item_out(item: InboxItem) -> InboxItemOut:
    pesan, message = SUBJECT_LABELS[item.subject]
    return InboxItemOut(
        key=item.key,
        tenant=item.tenant,
        subject=item.subject.value,
        pesan=pesan,
        message=message,
        link=item.link,
        at=item.at,
        read=not item.unread,
    )


def build_router(*, unit_of_work: Callable[[], RulesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["kotak masuk / inbox"])

    @router.get("")
    async def inbox(caller: AnyOfficer, unread_only: bool = False) -> InboxOut:
        """The caller's notifications in the tenants where they hold a role, newest first."""
        found = await read_inbox(caller.officer_id, caller.grants.keys(), unit_of_work, unread_only=unread_only)
        return InboxOut(unread=found.unread, items=[item_out(item) for item in found.items])

    @router.post("/read")
    async def read(caller: AnyOfficer, body: MarkRead | None = None) -> Marked:
        """Mark the given notifications (none given: all) read; another officer's keys change nothing."""
        keys = body.keys if body is not None else None
        return Marked(marked=await mark_read(caller.officer_id, caller.grants.keys(), keys, unit_of_work, clock))

    return router
