"""Messages people read are written in Bahasa Indonesia, the msgid of the message catalogue;
English comes from the catalogue (``locale/en/LC_MESSAGES/intake.po``)."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Marks a message for the catalogue; it is translated where it is shown."""
    return message
