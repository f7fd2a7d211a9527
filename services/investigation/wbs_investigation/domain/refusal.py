"""What the rules of an audit's steps refuse, said in both languages, and how each kind of refusal
answers: the officer may not (403), the case's state does not allow it (409), or a field is wrong
(422). Every step's refusal is one of these, so the adapters answer them all in one way."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class Refusal(StrEnum):
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    INVALID = "invalid"

    @property
    def status_code(self) -> int:
        return _STATUS[self]


_STATUS = {Refusal.FORBIDDEN: 403, Refusal.CONFLICT: 409, Refusal.INVALID: 422}


class Refused(ValueError):
    """Something the rules do not allow; nothing was changed. ``field`` names what is at fault; a
    step says which fields mean "who may not" and which mean "not in this state" (the others are
    the form's), or gives the kind of refusal outright."""

    forbidden_fields: ClassVar[frozenset[str]] = frozenset({"officer"})
    conflict_fields: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, field: str, pesan: str, message: str, refusal: Refusal | None = None) -> None:
        super().__init__(f"{pesan} / {message}")
        self.field = field
        self.pesan = pesan
        self.message = message
        self.refusal = refusal or (
            Refusal.FORBIDDEN
            if field in self.forbidden_fields
            else Refusal.CONFLICT
            if field in self.conflict_fields
            else Refusal.INVALID
        )

    @property
    def status_code(self) -> int:
        return self.refusal.status_code
