"""What is sealed: a header that binds the document to its tenant and case, then the document,
padded to a size class.

Plaintext of sealed format 2::

    MAGIC (4 bytes) | length of the rest (4 bytes, big-endian) | header JSON | "\\n" | document JSON | zeros

The header names the tenant, the case, the audience, and the document's type and version; opening
checks each against what the caller expects, so a ciphertext moved to another case, tenant or
field no longer opens. The zeros pad the plaintext to the smallest size class that holds it, so
the ciphertext's length tells only the class, not the length of the report.

The first format's plaintext was the document's JSON alone; it starts with ``{``, never with
``MAGIC``, so the two are told apart by the plaintext itself and not by a field an attacker could
strip from the payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError

MAGIC = b"WBS\x02"
_LENGTH_BYTES = 4
KIB = 1024
#: Plaintext sizes a sealed document is padded to. The substance's text fields can reach about
#: 120 KB in UTF-8 (more with JSON escapes), which the largest class holds; beyond it, sizes are
#: multiples of the largest class.
SIZE_CLASSES: tuple[int, ...] = (1 * KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB)


class Unframed(ValueError):
    """The plaintext is framed but not well formed (it cannot be, unless the sealer had a bug)."""


class SealedHeader(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant: str
    case: UUID
    audience: str
    type: str
    version: int


@dataclass(frozen=True)
class Framed:
    header: SealedHeader
    document: bytes


def padded_size(length: int, at_least: int = 0) -> int:
    """The smallest size class that holds ``length`` bytes and is at least ``at_least``."""
    needed = max(length, at_least)
    for size in SIZE_CLASSES:
        if needed <= size:
            return size
    largest = SIZE_CLASSES[-1]
    return -(-needed // largest) * largest


def frame(header: SealedHeader, document: bytes, *, at_least: int = 0) -> bytes:
    body = header.model_dump_json().encode() + b"\n" + document
    content = MAGIC + len(body).to_bytes(_LENGTH_BYTES, "big") + body
    return content.ljust(padded_size(len(content), at_least), b"\x00")


def is_framed(plaintext: bytes) -> bool:
    return plaintext.startswith(MAGIC)


def unframe(plaintext: bytes) -> Framed:
    """Header and document of a framed plaintext (check :func:`is_framed` first)."""
    start = len(MAGIC) + _LENGTH_BYTES
    length = int.from_bytes(plaintext[len(MAGIC) : start], "big")
    body = plaintext[start : start + length]
    if len(body) != length or plaintext[start + length :].strip(b"\x00"):
        raise Unframed("the framed plaintext's length or padding is wrong")
    header, newline, document = body.partition(b"\n")
    if not newline:
        raise Unframed("the framed plaintext has no header")
    try:
        return Framed(SealedHeader.model_validate_json(header), document)
    except ValidationError:
        raise Unframed("the framed plaintext's header is not valid") from None
