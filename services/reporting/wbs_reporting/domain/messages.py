"""Marking user-facing messages for the catalogue (msgids are the Indonesian text)."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Marks a message for the catalogue; the template translates it where it is shown."""
    return message
