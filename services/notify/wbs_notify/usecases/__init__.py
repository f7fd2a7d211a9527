"""Notify's use cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import OfficerContactV1
from wbs_contracts.events.intake import ReportSubmittedV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_notify.domain.channels import OfficerContact
from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import acknowledgement
from wbs_notify.ports import NotifyUnitOfWork
from wbs_runtime.clock import Clock


def acknowledge_registration(clock: Clock) -> Callable[[Envelope[Any], NotifyUnitOfWork], Any]:
    """Handler of ``case-registered``: queue the reporter's acknowledgement."""

    async def handle(event: Envelope[Any], uow: NotifyUnitOfWork) -> None:
        registered: CaseRegisteredV1 = event.data
        if registered.forwarded_from is not None:
            return  # another body's telaah forwarded it here: the reporter was acknowledged when it arrived
        await uow.notifications.enqueue(acknowledgement(registered.case_id, event.tenant, clock()))

    return handle


def keep_contact(clock: Clock) -> Callable[[Envelope[Any], NotifyUnitOfWork], Any]:
    """Handler of ``report-submitted``: keep the reporter's sealed contact for the case, unopened."""

    async def handle(event: Envelope[Any], uow: NotifyUnitOfWork) -> None:
        report: ReportSubmittedV1 = event.data
        if report.contact is None:
            return  # an intake from before every report carried a (possibly empty) sealed contact
        await uow.contacts.keep(
            SealedContact(
                case_id=report.report_id,
                tenant=event.tenant,
                sealed=report.contact.model_dump(mode="json"),
                received_at=clock(),
            )
        )

    return handle


async def keep_officer_contact(event: Envelope[Any], uow: NotifyUnitOfWork) -> None:
    """Handler of ``officer-contact``: how to reach the officer by e-mail (newest change wins)."""
    contact: OfficerContactV1 = event.data
    await uow.officer_contacts.keep(
        OfficerContact(
            officer_id=contact.officer_id, email=contact.email, active=contact.active, changed_at=contact.changed_at
        )
    )
