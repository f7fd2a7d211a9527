"""Webhook signing secrets sealed at rest (``wbs_runtime.crypto.secret_sealer``): whoever reads
notify's database cannot sign a call that an agency's receiver would take for ours without notify's
own key ``WBS_NOTIFY_WEBHOOK_KEY`` (by default a file in the key directory, made on first use)."""

from __future__ import annotations

import os
from pathlib import Path

from wbs_runtime.crypto.secret_sealer import SecretSealer
from wbs_runtime.crypto.service_secret import load_service_secret

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
