"""A tenant's policy changed by its administrator with `wbs tenants import` reaches the reporter's
form through the running system, without a restart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = pytest.mark.e2e


def wbs(stack: Stack, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The operator's command, with the environment `make run` gives it."""
    return subprocess.run(
        [sys.executable, "-m", "wbs_runtime.ops.cli", *arguments],
        env=stack.env_for("directory"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_a_new_category_reaches_the_reporters_form_without_a_restart(stack: Stack, tmp_path: Path) -> None:
    exported = wbs(stack, "tenants", "export", "bps-3674")
    assert exported.returncode == 0, exported.stderr
    document: dict[str, Any] = yaml.safe_load(exported.stdout)
    document["policy"]["categories"].append(
        {"slug": "pungutan-liar", "label_id": "Pungutan liar", "label_en": "Illegal levies"}
    )
    changed = tmp_path / "bps-3674.yaml"
    changed.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    imported = wbs(stack, "tenants", "import", str(changed))
    assert imported.returncode == 0, imported.stderr
    assert "bps-3674" in imported.stdout

    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=5.0) as client:

        async def offered() -> list[str] | None:
            categories = [c["slug"] for c in (await client.get("/api/v1/tenants/bps-3674")).json()["categories"]]
            return categories if "pungutan-liar" in categories else None

        categories = await eventually(offered, within=30, what="the new category on the form")
        assert categories[-1] == "pungutan-liar"
        submitted = await client.post(
            "/api/v1/reports",
            json={
                "tenant": "bps-3674",
                "category": "pungutan-liar",
                "what": "Pungutan di loket",
                "where": "Loket",
                "when": "Kemarin",
                "who": "Petugas loket",
                "how": "Meminta uang tunai di luar tarif",
            },
        )
        assert submitted.status_code == 201, submitted.text

    history = wbs(stack, "tenants", "history", "bps-3674")
    assert history.returncode == 0
    assert [line.split()[0] for line in history.stdout.splitlines()[2:]] == ["1", "2"]


def test_a_bad_document_is_refused_with_a_clear_message_and_changes_nothing(stack: Stack, tmp_path: Path) -> None:
    before = wbs(stack, "tenants", "export").stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: bps-1700\nname: BPS Provinsi Bengkulu\nparent: nowhere\npolicy:\n  categories: []\n")
    refused = wbs(stack, "tenants", "import", str(broken))
    assert refused.returncode == 1
    assert "categor" in refused.stderr
    assert wbs(stack, "tenants", "export").stdout == before
