"""``wbs webhooks add|list|enable|disable|remove``: a tenant's webhook endpoints.

The secret (``whsec_...``) is printed once, by ``add``: give it to whoever runs the receiver; it is
never shown again (a lost secret: remove the endpoint and add it anew).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar
from uuid import UUID, uuid4

from wbs_contracts.envelope import TENANT_PATTERN
from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.adapters.db import SqlNotifyUnitOfWork
from wbs_notify.adapters.webhook_secrets import WebhookKeySettings, sealer_of
from wbs_notify.adapters.webhooks import check_endpoint
from wbs_notify.domain.webhook import SECRET_BYTES, WebhookEndpoint, secret_from
from wbs_notify.ports import NotifyUnitOfWork
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.crypto.secret_sealer import SecretSealer
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.ops.common import table
from wbs_runtime.ops.environment import settings_of
from wbs_runtime.ops.keys import DEFAULT_KEY_ROOT

T = TypeVar("T")
SUBJECTS = ", ".join(s.value for s in NotificationSubject)


class UnknownEndpoint(LookupError):
    def __init__(self, endpoint: UUID) -> None:
        super().__init__(f"endpoint tidak dikenal / unknown endpoint {endpoint}")


def notify_settings() -> WebhookKeySettings:
    """Notify's own settings (``WBS_NOTIFY_WEBHOOK_KEY``, ``..._KEY_CREATE``, ``..._ALLOW_PRIVATE``,
    its key folder), read as the service reads them: the endpoint's secret is sealed under the key
    notify will open it with, and never under a key made here that notify does not know."""
    return WebhookKeySettings()


async def add_endpoint(
    uow: NotifyUnitOfWork,
    *,
    tenant: str,
    url: str,
    subjects: tuple[NotificationSubject, ...],
    allow_private: bool,
    clock: Clock,
    sealer: SecretSealer,
) -> WebhookEndpoint:
    """A new enabled endpoint with a new secret; the URL must be one a webhook may call. The secret
    is kept sealed; the endpoint returned carries it open, to be shown once."""
    await check_endpoint(url, allow_private=allow_private)
    endpoint = WebhookEndpoint(
        id=uuid4(),
        tenant=tenant,
        url=url,
        secret=secret_from(secrets.token_bytes(SECRET_BYTES)),
        subjects=tuple(sorted(set(subjects))),
        enabled=True,
        disabled_reason=None,
        created_at=clock(),
    )
    async with uow:
        await uow.webhook_endpoints.add(replace(endpoint, secret=sealer.seal(endpoint.id, endpoint.secret) or ""))
        await uow.commit()
    return endpoint


async def set_enabled(uow: NotifyUnitOfWork, endpoint: UUID, enabled: bool) -> None:
    async with uow:
        reason = None if enabled else "dinonaktifkan operator / disabled by an operator"
        if not await uow.webhook_endpoints.set_enabled(endpoint, enabled, reason):
            raise UnknownEndpoint(endpoint)
        await uow.commit()


async def remove(uow: NotifyUnitOfWork, endpoint: UUID) -> None:
    async with uow:
        if not await uow.webhook_endpoints.remove(endpoint):
            raise UnknownEndpoint(endpoint)
        await uow.commit()


def _run(work: Callable[[SqlNotifyUnitOfWork], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = create_engine(settings_of("notify").database_url, pool_size=1)
        try:
            return await work(SqlNotifyUnitOfWork(create_sessionmaker(engine), "notify"))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _key_dir(settings: WebhookKeySettings) -> Path:
    """Notify's own key folder: its setting, else the stack's key root's ``notify`` (``make run``)."""
    return settings.key_dir or Path(os.environ.get("WBS_KEY_ROOT", DEFAULT_KEY_ROOT)) / "notify"


def _subject(text: str) -> NotificationSubject:
    try:
        return NotificationSubject(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"perihal tidak dikenal / unknown subject {text!r}; one of: {SUBJECTS}"
        ) from None


def _tenant(text: str) -> str:
    if not re.match(TENANT_PATTERN, text):
        raise argparse.ArgumentTypeError(f"instansi tidak sah / not a tenant id: {text!r}")
    return text


def register_webhooks(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "webhooks",
        help="webhook bertanda tangan per instansi / signed webhooks per tenant",
        description="Endpoint webhook (Standard Webhooks) per instansi / webhook endpoints per tenant."
        f" Perihal / subjects: {SUBJECTS}",
    )
    sub = parser.add_subparsers(dest="webhooks_command", metavar="<perintah / command>", required=True)
    add = sub.add_parser(
        "add", help="tambah endpoint (rahasia ditampilkan sekali) / add an endpoint (secret shown once)"
    )
    add.add_argument("tenant", type=_tenant)
    add.add_argument("url")
    add.add_argument(
        "--subject",
        action="append",
        type=_subject,
        default=[],
        help="perihal yang dikirim (boleh berulang; tanpa ini: semua) / a subject to send (repeatable; none: all)",
    )
    add.set_defaults(handler=_add)
    listing = sub.add_parser("list", help="daftar endpoint / list endpoints")
    listing.add_argument("--tenant", type=_tenant)
    listing.set_defaults(handler=_list)
    for name, handler, help_text in (
        ("enable", _enable, "aktifkan / enable"),
        ("disable", _disable, "nonaktifkan / disable"),
        ("remove", _remove, "hapus beserta antreannya / remove, with its pending calls"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("endpoint", type=UUID)
        command.set_defaults(handler=handler)


def _add(arguments: argparse.Namespace) -> int:
    settings = notify_settings()
    sealer = sealer_of(settings, _key_dir(settings))
    endpoint = _run(
        lambda uow: add_endpoint(
            uow,
            tenant=arguments.tenant,
            url=arguments.url,
            subjects=tuple(arguments.subject),
            allow_private=settings.webhook_allow_private,
            clock=utc_now,
            sealer=sealer,
        )
    )
    print(f"endpoint: {endpoint.id}")
    print(f"rahasia / secret (sekali ini saja / shown this once): {endpoint.secret}")
    return 0


def _list(arguments: argparse.Namespace) -> int:
    async def work(uow: SqlNotifyUnitOfWork) -> list[WebhookEndpoint]:
        async with uow:
            return await uow.webhook_endpoints.of_tenant(arguments.tenant)

    rows = [
        (
            e.id,
            e.tenant,
            e.url,
            " ".join(s.value for s in e.subjects) or "semua / all",
            "ya / yes" if e.enabled else f"tidak / no ({e.disabled_reason or '-'})",
            e.created_at.isoformat(timespec="seconds"),
        )
        for e in _run(work)
    ]
    print(table(("id", "instansi / tenant", "URL", "perihal / subjects", "aktif / enabled", "dibuat / created"), rows))
    return 0


def _enable(arguments: argparse.Namespace) -> int:
    _run(lambda uow: set_enabled(uow, arguments.endpoint, True))
    print("aktif / enabled")
    return 0


def _disable(arguments: argparse.Namespace) -> int:
    _run(lambda uow: set_enabled(uow, arguments.endpoint, False))
    print("nonaktif / disabled")
    return 0


def _remove(arguments: argparse.Namespace) -> int:
    _run(lambda uow: remove(uow, arguments.endpoint))
    print("dihapus / removed")
    return 0
