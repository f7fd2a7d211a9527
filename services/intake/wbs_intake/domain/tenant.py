"""A tenant (one public body) and the report categories it offers."""

from __future__ import annotations

from dataclasses import dataclass


class UnknownTenant(LookupError):
    pass


class UnknownCategory(LookupError):
    pass


@dataclass(frozen=True)
class Category:
    slug: str
    label_id: str
    label_en: str


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    categories: tuple[Category, ...]

    def require_category(self, slug: str) -> Category:
        for category in self.categories:
            if category.slug == slug:
                return category
        raise UnknownCategory(slug)
