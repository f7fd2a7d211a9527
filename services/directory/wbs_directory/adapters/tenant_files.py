"""Tenant documents as YAML files, one tenant per document (several per file with ``---``), so
policies can be kept in version control and reviewed like code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from wbs_directory.domain.tenant import InvalidTenant, TenantDocument


def read_documents(path: Path) -> list[TenantDocument]:
    """Every tenant in ``path`` (a file, or a directory of ``*.yaml`` files read in name order)."""
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    documents: list[TenantDocument] = []
    for file in files:
        documents.extend(parse_documents(file.read_text(encoding="utf-8"), str(file)))
    return documents


def parse_documents(text: str, source: str) -> list[TenantDocument]:
    """The tenant documents in ``text`` (YAML, several separated by ``---``); ``InvalidTenant``
    with a bilingual message naming ``source`` and what is wrong."""
    try:
        loaded = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        raise InvalidTenant(f"{source}: bukan YAML yang sah / not valid YAML: {error}") from error
    documents: list[TenantDocument] = []
    for index, raw in enumerate(loaded, start=1):
        try:
            documents.append(TenantDocument.model_validate(raw))
        except ValidationError as error:
            raise InvalidTenant(f"{source} (dokumen/document {index}): {_problems(error)}") from error
    return documents


def dump_documents(documents: list[TenantDocument]) -> str:
    return yaml.safe_dump_all(
        [_plain(d) for d in documents], allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


def _plain(document: TenantDocument) -> dict[str, Any]:
    plain: dict[str, Any] = document.model_dump(mode="json", exclude_defaults=True)
    return plain


def _problems(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors())
