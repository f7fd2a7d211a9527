"""Notify's use cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_notify.domain.notification import acknowledgement
from wbs_notify.ports import NotifyUnitOfWork
from wbs_runtime.clock import Clock


def acknowledge_registration(clock: Clock) -> Callable[[Envelope[Any], NotifyUnitOfWork], Any]:
    """Handler of ``case-registered``: queue the reporter's acknowledgement."""

    async def handle(event: Envelope[Any], uow: NotifyUnitOfWork) -> None:
        registered: CaseRegisteredV1 = event.data
        await uow.notifications.enqueue(acknowledgement(registered.case_id, event.tenant, clock()))

    return handle
