"""``python -m wbs_directory seed-demo-officers``: one account per role in the demonstration
tenants that exist, made once, with passwords that work, kept in a file only its owner reads."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest

from tests.integration.directory.conftest import Directory
from tests.integration.directory.test_sign_in import sign_in
from wbs_directory.adapters.demo_officers import DEMO_OFFICERS, seed_command
from wbs_directory.domain.tenant import TenantDocument
from wbs_directory.usecases import import_tenants
from wbs_directory.usecases.officers import list_officers

CATEGORIES = [{"slug": "korupsi", "label_id": "Korupsi", "label_en": "Corruption"}]
DEMO_TENANTS = [
    {"id": "bps", "name": "Badan Pusat Statistik", "policy": {"categories": CATEGORIES}},
    {"id": "bps-1700", "name": "BPS Provinsi Bengkulu", "parent": "bps", "policy": {"categories": CATEGORIES}},
    {"id": "kpk", "name": "Komisi Pemberantasan Korupsi", "kind": "agency", "agency_type": "kpk"},
]


async def test_demo_accounts_are_made_once_in_the_tenants_that_exist(
    directory: Directory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_tenants(
        [TenantDocument.model_validate(t) for t in DEMO_TENANTS],
        directory.runtime.unit_of_work(),
        clock=directory.clock,
        actor="test",
    )
    output = tmp_path / "demo-officers.txt"
    run = seed_command(argparse.ArgumentParser())
    settings = directory.runtime.settings
    await asyncio.to_thread(run, settings, argparse.Namespace(output=output))
    lines = output.read_text(encoding="utf-8").splitlines()
    expected = [login for login, _, tenant, _ in DEMO_OFFICERS if tenant in {"bps", "bps-1700", "kpk"}]
    assert [line.split()[0] for line in lines] == expected
    assert "operator" in expected
    assert "kpk" in expected
    assert output.stat().st_mode & 0o777 == 0o600
    assert f"akun demo dibuat / demo accounts created: {len(expected)}" in capsys.readouterr().out

    officers = {
        officer.login: (officer, grants) for officer, grants in await list_officers(directory.runtime.unit_of_work())
    }
    officer, grants = officers["kpk"]
    assert [(g.tenant, g.role.value) for g in grants] == [("kpk", "agency-subscriber")]
    assert not officer.must_change_password
    # Each has an address under a reserved name: make run's local SMTP server shows their mail.
    assert officer.email == "kpk@demo.wbs.example"
    login, password = lines[expected.index("penelaah.bps-1700")].split()[:2]
    assert (await sign_in(directory.browser(), login, password)).headers["location"] == "/akun"

    await asyncio.to_thread(run, settings, argparse.Namespace(output=output))
    assert "demo accounts created: 0" in capsys.readouterr().out
    assert output.read_text(encoding="utf-8").splitlines() == lines
