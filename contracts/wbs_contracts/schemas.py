"""JSON Schemas of every published document, and the backward-compatibility rule for them.

The schemas are generated from the pydantic models and committed under ``contracts/schemas/``. A
published schema may only change compatibly: adding an optional property is fine; removing,
renaming or retyping a property, tightening a constraint or adding a required property is not, and
needs a new version (a new model and a new topic). ``python -m wbs_contracts.schemas`` writes the
files and refuses to overwrite a published schema with a breaking change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from wbs_contracts.envelope import Envelope, EventData
from wbs_contracts.events.intake import SEALED_DOCUMENTS as INTAKE_SEALED
from wbs_contracts.events.investigation import SEALED_DOCUMENTS as INVESTIGATION_SEALED
from wbs_contracts.events.triage import SEALED_DOCUMENTS as TRIAGE_SEALED
from wbs_contracts.identity import CallerClaims
from wbs_contracts.registry import EVENTS, escalations_to

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
_ANNOTATIONS = frozenset({"title", "description", "examples", "default"})


def documents() -> dict[str, type[BaseModel]]:
    """Every schema that crosses a boundary, by its published name."""
    docs: dict[str, type[BaseModel]] = {"envelope.v1": Envelope[EventData]}
    docs.update({spec.topic: spec.model for spec in EVENTS})
    # One schema for the escalations of every agency: the topics differ, the document does not.
    docs["wbs.investigation.escalation.v1"] = escalations_to("kpk").model
    docs.update({document.schema_name(): document for document in INTAKE_SEALED + TRIAGE_SEALED + INVESTIGATION_SEALED})
    docs["caller-assertion.v1"] = CallerClaims
    return docs


def generate() -> dict[str, dict[str, Any]]:
    return {name: model.model_json_schema(mode="validation") for name, model in documents().items()}


def schema_path(name: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{name}.json"


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in ``new`` would break a consumer or producer written against ``old``."""
    problems: list[str] = []
    _compare(_inline(old, old.get("$defs", {})), _inline(new, new.get("$defs", {})), "$", problems)
    return problems


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Resolve local ``$ref``s and drop annotations, leaving only what constrains data."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in _ANNOTATIONS and k != "$defs"}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def _compare(old: Any, new: Any, path: str, problems: list[str]) -> None:
    both_dicts = isinstance(old, dict) and isinstance(new, dict)
    if both_dicts and "properties" in old and "properties" in new:
        _compare_objects(old, new, path, problems)
    elif both_dicts and "anyOf" in old and "anyOf" in new and len(old["anyOf"]) == len(new["anyOf"]):
        for index, (o, n) in enumerate(zip(old["anyOf"], new["anyOf"], strict=True)):
            _compare(o, n, f"{path}|{index}", problems)
        _compare_rest(old, new, {"anyOf"}, path, problems)
    elif old != new:
        problems.append(f"{path}: type or constraints changed")


def _compare_objects(old: dict[str, Any], new: dict[str, Any], path: str, problems: list[str]) -> None:
    for name, old_property in old["properties"].items():
        if name not in new["properties"]:
            problems.append(f"{path}.{name}: removed")
        else:
            _compare(old_property, new["properties"][name], f"{path}.{name}", problems)
    newly_required = set(new.get("required", ())) - set(old.get("required", ()))
    problems.extend(f"{path}.{name}: now required" for name in sorted(newly_required))
    _compare_rest(old, new, {"properties", "required"}, path, problems)


def _compare_rest(old: dict[str, Any], new: dict[str, Any], handled: set[str], path: str, problems: list[str]) -> None:
    """Any other keyword (type, bounds, additionalProperties...) must stay exactly as it was."""
    if {k: v for k, v in old.items() if k not in handled} != {k: v for k, v in new.items() if k not in handled}:
        problems.append(f"{path}: constraints changed")


def write(directory: Path = SCHEMA_DIR) -> list[str]:
    """Write the generated schemas; returns the problems that stopped a file from being written."""
    directory.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    for name, schema in generate().items():
        path = schema_path(name, directory)
        if path.exists():
            problems = breaking_changes(json.loads(path.read_text()), schema)
            if problems:
                refused.append(f"{name}: breaking change, publish a new version instead: {'; '.join(problems)}")
                continue
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return refused


if __name__ == "__main__":
    refusals = write()
    for line in refusals:
        print(line, file=sys.stderr)
    sys.exit(1 if refusals else 0)
