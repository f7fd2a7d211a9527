"""The officer's in-app inbox: their notifications in the tenants where they hold a role now, and
marking them read. An officer reaches only their own; nothing in them but a subject, a time, a
tenant and a link to a page that checks access itself."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from wbs_notify.domain.inbox import InboxItem
from wbs_notify.ports import RulesUnitOfWork
from wbs_runtime.clock import Clock

#: The most notifications one page or answer lists (newest first).
INBOX_LIMIT = 200


@dataclass(frozen=True)
class Inbox:
    items: list[InboxItem]
    unread: int


async def read_inbox(
    officer_id: str,
    tenants: Collection[str],
    unit_of_work: Callable[[], RulesUnitOfWork],
    *,
    unread_only: bool = False,
) -> Inbox:
    async with unit_of_work() as uow:
        items = await uow.officer_inbox.of_officer(officer_id, tenants, limit=INBOX_LIMIT, unread_only=unread_only)
        return Inbox(items=items, unread=await uow.officer_inbox.unread(officer_id, tenants))


async def unread_among(
    officer_id: str, tenants: Collection[str], keys: Collection[str] | None, unit_of_work: Callable[[], RulesUnitOfWork]
) -> int:
    """How many of ``keys`` (None: of all) are the officer's and still unread: with none, marking
    them read changes nothing."""
    async with unit_of_work() as uow:
        return await uow.officer_inbox.unread(officer_id, tenants, keys)


async def mark_read(
    officer_id: str,
    tenants: Collection[str],
    keys: Collection[str] | None,
    unit_of_work: Callable[[], RulesUnitOfWork],
    clock: Clock,
) -> int:
    """Mark ``keys`` (None: every one) of the officer's notifications read; how many were unread."""
    async with unit_of_work() as uow:
        marked = await uow.officer_inbox.mark_read(officer_id, tenants, keys, clock())
        await uow.commit()
        return marked
