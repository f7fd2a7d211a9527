"""``wbs webhooks add|list|disable|enable|remove`` on notify's database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import select

from tests.integration.notify.channels.conftest import Channels
from wbs_notify.adapters.channels_db import webhook_endpoint_table
from wbs_notify.adapters.webhook_secrets import KEY_FILE_NAME, webhook_sealer
from wbs_runtime.db import create_engine
from wbs_runtime.ops.cli import main as wbs


def test_an_operator_manages_a_tenants_endpoints(
    channels: Channels, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WBS_NOTIFY_DATABASE_URL", channels.runtime.settings.database_url)
    monkeypatch.setenv("WBS_ENV_FILE", "/nonexistent/wbs.env")
    monkeypatch.setenv("WBS_KEY_ROOT", str(channels.keys))  # the secret is sealed under notify's own key
    tenant = "pemkab-uji-perintah"

    monkeypatch.delenv("WBS_NOTIFY_WEBHOOK_ALLOW_PRIVATE", raising=False)
    assert wbs(["webhooks", "add", tenant, "http://127.0.0.1:9/hook"]) == 1  # loopback: refused
    assert "loopback" in capsys.readouterr().err

    monkeypatch.setenv("WBS_NOTIFY_WEBHOOK_ALLOW_PRIVATE", "true")
    assert wbs(["webhooks", "add", tenant, "http://127.0.0.1:9/hook", "--subject", "pelimpahan"]) == 0
    added = capsys.readouterr().out
    endpoint = re.search(r"endpoint: (\S+)", added)
    secret = re.search(r"(whsec_\S+)", added)
    assert endpoint
    assert secret

    assert wbs(["webhooks", "disable", endpoint.group(1)]) == 0
    assert wbs(["webhooks", "list", "--tenant", tenant]) == 0
    listed = capsys.readouterr().out
    assert "http://127.0.0.1:9/hook" in listed
    assert "pelimpahan" in listed
    assert "tidak / no" in listed
    assert secret.group(1) not in listed  # shown once, when added

    assert wbs(["webhooks", "enable", endpoint.group(1)]) == 0
    assert wbs(["webhooks", "remove", endpoint.group(1)]) == 0
    assert wbs(["webhooks", "remove", endpoint.group(1)]) == 1  # gone
    capsys.readouterr()
    assert wbs(["webhooks", "list", "--tenant", tenant]) == 0
    assert endpoint.group(1) not in capsys.readouterr().out


def stored_secret(channels: Channels, endpoint: str) -> str:
    async def read() -> str:
        engine = create_engine(channels.runtime.settings.database_url, pool_size=1)
        try:
            async with engine.connect() as db:
                query = select(webhook_endpoint_table.c.secret).where(webhook_endpoint_table.c.id == UUID(endpoint))
                return str((await db.execute(query)).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_add_seals_under_notifys_configured_key_and_makes_none_when_told_not_to(
    channels: Channels, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("WBS_NOTIFY_DATABASE_URL", channels.runtime.settings.database_url)
    monkeypatch.setenv("WBS_ENV_FILE", "/nonexistent/wbs.env")
    monkeypatch.setenv("WBS_NOTIFY_KEY_DIR", str(tmp_path))  # an empty key folder: no key file in it
    monkeypatch.setenv("WBS_NOTIFY_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("WBS_NOTIFY_WEBHOOK_KEY_CREATE", "false")
    monkeypatch.delenv("WBS_NOTIFY_WEBHOOK_KEY", raising=False)
    with pytest.raises(Exception, match="WBS_NOTIFY_WEBHOOK_KEY"):
        wbs(["webhooks", "add", "pemkab-uji-kunci", "http://127.0.0.1:9/hook"])
    assert not (tmp_path / KEY_FILE_NAME).exists()  # no key of its own that notify would not know

    key = "kunci-webhook-notify-" + "x" * 20
    monkeypatch.setenv("WBS_NOTIFY_WEBHOOK_KEY", key)
    assert wbs(["webhooks", "add", "pemkab-uji-kunci", "http://127.0.0.1:9/hook"]) == 0
    added = capsys.readouterr().out
    endpoint = re.search(r"endpoint: (\S+)", added)
    secret = re.search(r"(whsec_\S+)", added)
    assert endpoint
    assert secret
    assert not (tmp_path / KEY_FILE_NAME).exists()
    notifys = webhook_sealer(None, value=key, create=False)
    assert notifys.open(UUID(endpoint.group(1)), stored_secret(channels, endpoint.group(1))) == secret.group(1)
    assert wbs(["webhooks", "remove", endpoint.group(1)]) == 0
