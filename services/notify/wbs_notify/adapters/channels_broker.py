"""What the e-mail channel consumes: officers' addresses, as directory publishes them."""

from __future__ import annotations

from wbs_contracts.registry import OFFICER_CONTACT
from wbs_notify.adapters.db import SqlNotifyUnitOfWork
from wbs_notify.usecases import keep_officer_contact
from wbs_runtime.service import ServiceRuntime


def subscribe_channels(runtime: ServiceRuntime[SqlNotifyUnitOfWork]) -> None:
    runtime.subscribe(OFFICER_CONTACT, keep_officer_contact)
