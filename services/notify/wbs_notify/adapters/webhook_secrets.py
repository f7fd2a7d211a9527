"""Webhook signing secrets sealed at rest (``wbs_runtime.crypto.secret_sealer``): whoever reads
notify's database cannot sign a call that an agency's receiver would take for ours without notify's
own key ``WBS_NOTIFY_WEBHOOK_KEY`` (by default a file in the key directory, made on first use)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from wbs_runtime.crypto.secret_sealer import SecretSealer
from wbs_runtime.crypto.service_secret import load_service_secret
from wbs_runtime.settings import ServiceSettings

KEY_FILE_NAME = "notify-webhook-key"
VARIABLE = "WBS_NOTIFY_WEBHOOK_KEY"


def webhook_sealer(key_dir: Path | None, *, value: str | None = None, create: bool = True) -> SecretSealer:
    """``value``: the key itself (default: the environment's ``WBS_NOTIFY_WEBHOOK_KEY``)."""
    secret = load_service_secret(
        value if value is not None else os.environ.get(VARIABLE),
        key_dir / KEY_FILE_NAME if key_dir else None,
        create=create,
        variable=VARIABLE,
    )
    return SecretSealer(secret, context=b"wbs-notify-webhook", what="webhook secret", owner="endpoint")


class WebhookKeySettings(ServiceSettings):
    """Notify's settings for its webhooks' key, read alike by the service and by ``wbs webhooks``
    (``NotifySettings`` extends these)."""

    service = "notify"

    #: The key webhook secrets are sealed under at rest; None: a file in the key directory, made on
    #: first use unless ``webhook_key_create`` is false (a deployment sets the key, creating off).
    webhook_key: SecretStr | None = None
    webhook_key_create: bool = True
    #: Let webhooks call loopback and private addresses (tests, ``make run``'s local receivers).
    webhook_allow_private: bool = False


class KeySettings(Protocol):
    key_dir: Path | None
    webhook_key: SecretStr | None
    webhook_key_create: bool


def sealer_of(settings: KeySettings, key_dir: Path | None = None) -> SecretSealer:
    """The sealer notify's settings name (``key_dir``: where the key file is, when not the settings')."""
    return webhook_sealer(
        key_dir or settings.key_dir,
        value=settings.webhook_key.get_secret_value() if settings.webhook_key else None,
        create=settings.webhook_key_create,
    )
