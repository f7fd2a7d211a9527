"""``wbs keys``: list, rotate and issue on a key root (re-sealing is tested against real databases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wbs_contracts.sealed import Audience
from wbs_runtime.crypto import KeyRing
from wbs_runtime.ops.cli import build_parser, main


@pytest.fixture(autouse=True)
def no_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBS_ENV_FILE", str(tmp_path / "none.env"))
    monkeypatch.delenv("WBS_KEY_ROOT", raising=False)


def test_help_is_bilingual(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["keys", "--help"])
    text = capsys.readouterr().out
    assert "segel ulang data tersimpan" in text
    assert "re-seal data at rest" in text


def test_rotating_a_tenant_without_keys_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "rotate", "--tenant", "bps-1700", "--key-root", str(tmp_path)]) == 1
    assert "instansi bps-1700 belum punya kunci / tenant bps-1700 has no keys" in capsys.readouterr().err


def test_issue_rotate_and_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WBS_KEY_ROOT", str(tmp_path))
    assert main(["keys", "issue", "--tenant", "bps-1700"]) == 0
    first = KeyRing.from_directory(tmp_path / "intake").current_kid("bps-1700", Audience.REPORTER_CONTACT)
    capsys.readouterr()

    assert main(["keys", "rotate", "--tenant", "bps-1700", "--audience", Audience.REPORTER_CONTACT]) == 0
    [new_kid] = [line.split()[-1] for line in capsys.readouterr().out.splitlines() if line.startswith("kunci baru")]
    assert KeyRing.from_directory(tmp_path / "intake").current_kid("bps-1700", Audience.REPORTER_CONTACT) == new_kid

    assert main(["keys", "list", "--tenant", "bps-1700"]) == 0
    listed = capsys.readouterr().out
    assert f"* {new_kid}" in listed
    assert f"  {first}" in listed
    assert listed.count("kunci privat di / held by: notify") == 2  # notify keeps the old one too
