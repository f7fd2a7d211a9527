"""The blob store: where encrypted evidence files live, behind one small interface.

A blob is written whole or not at all: :meth:`BlobStore.put` reads the chunks it is given and
only when the last one arrived does the blob appear under its name; if the chunks fail (a limit
reached, a type refused, the client gone), nothing of it stays. Blobs are read back as chunks,
never whole. The store holds ciphertext only (see :mod:`wbs_runtime.blobs.encryption`); it never
sees a key.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

#: Names are paths of simple segments (``evidence/3f0c...``): no dot segments, nothing absolute.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}(/[a-z0-9][a-z0-9_-]{0,99}){0,4}$")


class BlobNotFound(LookupError):
    """No blob has this name."""


class InvalidBlobName(ValueError):
    """A name the store does not accept (see ``_NAME``)."""


def checked_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InvalidBlobName(f"not a blob name: {name!r}")
    return name


class BlobStore(Protocol):
    async def put(self, name: str, chunks: AsyncIterable[bytes]) -> int:
        """Store the chunks as blob ``name`` (replacing none: names are new) and return its size.

        Whatever ``chunks`` raises is raised again after everything written so far is removed.
        """
        ...

    def open(self, name: str) -> AsyncIterator[bytes]:
        """The blob's bytes in chunks; raises :class:`BlobNotFound` (on the first ``anext``)."""
        ...

    async def delete(self, name: str) -> None:
        """Remove the blob; a missing blob is not an error."""
        ...

    async def exists(self, name: str) -> bool: ...

    async def aclose(self) -> None:
        """Release the store's connections (the service is stopping)."""
        ...
