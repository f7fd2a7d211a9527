"""``wbs webhooks add|list|disable|enable|remove`` on notify's database."""

from __future__ import annotations

import re

import pytest

from tests.integration.notify.channels.conftest import Channels
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
