"""deploy/compose.yaml cannot run here (no Docker engine); this checks it names every service,
database and topic the code expects, so it cannot silently drift from the code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from wbs_contracts.registry import SERVICES, all_topics
from wbs_contracts.sealed import Audience
from wbs_runtime.settings import default_http_port, env_prefix

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return document


def test_real_kafka_in_kraft_mode_and_real_postgresql(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert compose["services"]["postgres"]["image"].startswith("postgres:")


def test_every_topic_of_the_registry_is_created_with_its_partitions(compose: dict[str, Any]) -> None:
    listed = {
        spec.split(":")[0]: spec.split(":")[1:]
        for spec in compose["services"]["kafka-topics"]["environment"]["WBS_TOPICS"].split()
    }
    assert listed == {t.name: [str(t.partitions), *(["compact"] if t.compacted else [])] for t in all_topics()}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_runs_against_its_own_database(compose: dict[str, Any], service: str) -> None:
    spec = compose["services"][service]
    assert spec["build"]["args"]["SERVICE"] == service
    environment = spec["environment"]
    url = environment[f"{env_prefix(service)}DATABASE_URL"]
    assert re.fullmatch(rf"postgresql://wbs_{service}:[^@]+@postgres:5432/wbs_{service}", url), url
    assert environment[f"{env_prefix(service)}HTTP_PORT"] == str(default_http_port(service))
    assert environment["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert f"python -m wbs_{service} migrate" in " ".join(spec["command"])
    assert f"./keys/{service}:/keys:ro" in spec["volumes"]
    gateway = compose["services"]["gateway"]["environment"]
    assert gateway[f"WBS_GATEWAY_UPSTREAM_{service.upper()}"] == f"http://{service}:{default_http_port(service)}"


def test_the_database_init_script_provisions_every_service() -> None:
    script = (DEPLOY / "postgres" / "init.sh").read_text()
    assert re.search(r"^for service in (.+); do$", script, re.MULTILINE).group(1).split() == list(SERVICES)  # type: ignore[union-attr]
    assert "REVOKE CONNECT" in script


def test_private_keys_go_only_to_entitled_services(tmp_path: Path) -> None:
    from wbs_runtime.crypto import issue_for_services

    issue_for_services(tmp_path, "bps-1700", SERVICES)
    for service in SERVICES:
        folder = tmp_path / service / "bps-1700"
        assert {p.name.removesuffix(".pub.json") for p in folder.glob("*.pub.json")} == set(Audience.ALL)
        private = {p.name.rsplit("-", 1)[0] for p in folder.glob("*.key")}
        assert private == {a for a in Audience.ALL if service in Audience.READERS[a]}


def secrets_made_on_first_start(service: str) -> list[str]:
    """The settings of ``service`` that name a secret it makes itself unless ``<name>_create`` is false."""
    settings = importlib.import_module(f"wbs_{service}.entrypoint").PROGRAM.settings
    return [name.removesuffix("_create") for name in settings.model_fields if name.endswith("_create")]


def test_some_service_makes_a_secret_of_its_own() -> None:
    made = {service: secrets_made_on_first_start(service) for service in SERVICES}
    assert made["notify"] == ["webhook_key"]
    assert made["directory"] == ["totp_key"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_deployment_sets_every_secret_a_service_would_otherwise_make(compose: dict[str, Any], service: str) -> None:
    """The key folders are mounted read-only: a service told to make its secret could not start,
    and one that could would lose it with the container. Each is set, and required, in compose."""
    environment = compose["services"][service]["environment"]
    for secret in secrets_made_on_first_start(service):
        name = f"{env_prefix(service)}{secret.upper()}"
        assert environment.get(f"{name}_CREATE") == "false", name
        assert re.fullmatch(rf"\$\{{{name}:\?.+\}}", str(environment.get(name))), name
