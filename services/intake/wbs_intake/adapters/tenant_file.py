"""A tenant's configuration as a JSON file, for seeding and configuring bodies."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import TENANT_PATTERN
from wbs_intake.domain.tenant import Category, Tenant


class CategoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=SLUG_PATTERN)
    label_id: str = Field(min_length=1)
    label_en: str = Field(min_length=1)


class TenantFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=TENANT_PATTERN)
    name: str = Field(min_length=1)
    categories: list[CategoryFile] = Field(min_length=1)


def read_tenant(path: Path) -> Tenant:
    parsed = TenantFile.model_validate_json(path.read_text(encoding="utf-8"))
    return Tenant(
        id=parsed.id,
        name=parsed.name,
        categories=tuple(Category(c.slug, c.label_id, c.label_en) for c in parsed.categories),
    )
