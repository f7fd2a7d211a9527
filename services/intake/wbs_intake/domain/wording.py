"""Text shown to reporters in both languages, kept side by side where the domain decides it
(what a reporter sees of a report, how a report is handled): Bahasa Indonesia first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    id: str
    en: str

    def of(self, language: str) -> str:
        return self.en if language == "en" else self.id
