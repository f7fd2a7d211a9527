from __future__ import annotations

import pytest

from wbs_intake.entrypoint import IntakeSettings
from wbs_runtime.db import async_url, plain_url
from wbs_triage.entrypoint import TriageSettings


def test_each_service_has_its_own_defaults() -> None:
    intake, triage = IntakeSettings(), TriageSettings()
    assert (intake.http_port, triage.http_port) == (8001, 8002)
    assert intake.database_url.endswith("/wbs_intake")
    assert triage.database_url.endswith("/wbs_triage")
    assert intake.kafka_bootstrap_servers == "127.0.0.1:9092"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("WBS_INTAKE_DATABASE_URL", "postgresql://wbs_intake:pw@db:5432/intake")
    monkeypatch.setenv("WBS_TRIAGE_DATABASE_URL", "postgresql://wbs_triage:pw@db:5432/triage")
    monkeypatch.setenv("WBS_INTAKE_HTTP_PORT", "9001")
    intake, triage = IntakeSettings(), TriageSettings()
    assert intake.kafka_bootstrap_servers == triage.kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert intake.database_url.endswith("/intake")
    assert triage.database_url.endswith("/triage")
    assert (intake.http_port, triage.http_port) == (9001, 8002)


def test_database_urls_are_pointed_at_asyncpg() -> None:
    assert async_url("postgresql://u:p@h:5/db") == "postgresql+asyncpg://u:p@h:5/db"
    assert async_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert plain_url("postgresql+asyncpg://u:p@h:5/db") == "postgresql://u:p@h:5/db"
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        async_url("mysql://u@h/db")


def test_one_time_zone_for_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBS_TIMEZONE", "Asia/Makassar")
    monkeypatch.setenv("WBS_TRIAGE_TIMEZONE", "Asia/Jayapura")  # a per-service zone is not a thing any more
    intake, triage = IntakeSettings(), TriageSettings()
    assert intake.timezone == triage.timezone == "Asia/Makassar"
    assert str(triage.zone) == "Asia/Makassar"


def test_an_unknown_time_zone_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBS_TIMEZONE", "Asia/Bengkulu")
    with pytest.raises(ValueError, match="unknown time zone 'Asia/Bengkulu'"):
        TriageSettings()
