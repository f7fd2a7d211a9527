"""Published schemas are committed, and change only compatibly."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from wbs_contracts.schemas import SCHEMA_DIR, breaking_changes, generate, schema_path, write


@pytest.mark.parametrize("name", sorted(generate()))
def test_every_schema_is_committed_as_generated(name: str) -> None:
    path = schema_path(name)
    assert path.exists(), f"{path.name} is not committed: run `make schemas`"
    committed = json.loads(path.read_text())
    generated = generate()[name]
    problems = breaking_changes(committed, generated)
    assert problems == [], f"{name} changed incompatibly; publish a new version instead: {problems}"
    assert committed == generated, f"{name} changed compatibly: run `make schemas` and commit the file"


def test_no_committed_schema_is_orphaned() -> None:
    assert {p.stem for p in SCHEMA_DIR.glob("*.json")} == set(generate())


def base() -> dict[str, Any]:
    return copy.deepcopy(generate()["wbs.intake.report-submitted.v1"])


def test_adding_an_optional_field_is_compatible() -> None:
    new = base()
    new["properties"]["priority"] = {"type": "integer"}
    assert breaking_changes(base(), new) == []


def test_descriptions_and_titles_may_change() -> None:
    new = base()
    new["properties"]["category"]["description"] = "reworded"
    assert breaking_changes(base(), new) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["properties"].pop("channel"), "$.channel: removed"),
        (lambda s: s["properties"]["category"].update(type="integer"), "$.category: type or constraints changed"),
        (lambda s: s["properties"]["category"].update(pattern="^[a-z]+$"), "$.category: type or constraints changed"),
        (lambda s: s["required"].append("contact"), "$.contact: now required"),
        (
            lambda s: s["$defs"]["SealedPayload"]["properties"].pop("kid"),
            "$.substance.kid: removed",
        ),
    ],
    ids=["removed", "retyped", "tightened", "newly-required", "nested-removed"],
)
def test_breaking_changes_are_caught(change: Any, expected: str) -> None:
    new = base()
    change(new)
    assert expected in breaking_changes(base(), new)


def test_writing_refuses_a_breaking_change(tmp_path: Any) -> None:
    assert write(tmp_path) == []
    path = schema_path("wbs.triage.case-registered.v1", tmp_path)
    published = json.loads(path.read_text())
    published["properties"]["extra_required"] = {"type": "string"}
    published["required"].append("extra_required")
    path.write_text(json.dumps(published))
    refused = write(tmp_path)
    assert len(refused) == 1
    assert "wbs.triage.case-registered.v1: breaking change" in refused[0]
    assert json.loads(path.read_text()) == published  # left as published
