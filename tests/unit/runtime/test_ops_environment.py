"""The ``wbs`` command reaches the services the way they reach themselves."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from wbs_runtime.ops.cli import build_parser
from wbs_runtime.ops.environment import load_env_file, settings_of, write_env_file


def test_the_launchers_env_file_is_private_and_does_not_override_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "var" / "wbs.env"
    write_env_file(
        env_file,
        {
            "WBS_TRIAGE_DATABASE_URL": "postgresql://wbs_triage:generated@127.0.0.1:55432/wbs_triage",
            "WBS_NOTIFY_DATABASE_URL": "postgresql://wbs_notify:generated@127.0.0.1:55432/wbs_notify",
        },
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    monkeypatch.delenv("WBS_TRIAGE_DATABASE_URL", raising=False)
    monkeypatch.setenv("WBS_NOTIFY_DATABASE_URL", "postgresql://wbs_notify:mine@db/wbs_notify")
    assert load_env_file(env_file) == env_file
    assert settings_of("triage").database_url.endswith("wbs_triage:generated@127.0.0.1:55432/wbs_triage")
    assert settings_of("notify").database_url == "postgresql://wbs_notify:mine@db/wbs_notify"


def test_without_an_env_file_each_service_has_its_embedded_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WBS_REPORTING_DATABASE_URL", raising=False)
    assert load_env_file(tmp_path / "absent.env") is None
    assert settings_of("reporting").database_url.endswith("/wbs_reporting")


def test_help_is_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "Perintah operator WBS" in text
    assert "the WBS operator's command" in text
