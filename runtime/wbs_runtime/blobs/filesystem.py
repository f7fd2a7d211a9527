"""A blob store in a directory (``WBS_BLOB_DIR``; ``var/blobs`` under ``make run``).

Each blob is written to a temporary file in the same directory tree, flushed to disk, and renamed
to its name only when complete: a reader never sees half a blob, and a crash leaves at most a
temporary file (``.incomplete/``), which :meth:`FilesystemBlobStore.remove_incomplete` clears.
Files are readable by the service's user only. File operations run in a worker thread, one
chunk at a time, so the event loop is never blocked and no blob is ever held whole in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO

from wbs_runtime.blobs.store import BlobNotFound, checked_name

READ_CHUNK = 64 * 1024
INCOMPLETE = ".incomplete"


class FilesystemBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        return self.root / checked_name(name)

    def _make_dirs(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)

    async def put(self, name: str, chunks: AsyncIterable[bytes]) -> int:
        final = self._path(name)
        incomplete = self.root / INCOMPLETE
        await asyncio.to_thread(self._make_dirs, incomplete)
        await asyncio.to_thread(self._make_dirs, final.parent)
        temporary = incomplete / f"{secrets.token_hex(16)}.part"
        file = await asyncio.to_thread(_create, temporary)
        size = 0
        try:
            async for chunk in chunks:
                await asyncio.to_thread(file.write, chunk)
                size += len(chunk)
            await asyncio.to_thread(_sync_and_close, file)
            # os.replace is atomic within one file system: the blob appears whole or not at all.
            await asyncio.to_thread(os.replace, temporary, final)
        except BaseException:
            with contextlib.suppress(OSError):
                file.close()
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        return size

    async def open(self, name: str) -> AsyncIterator[bytes]:
        path = self._path(name)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobNotFound(name) from None
        try:
            while chunk := await asyncio.to_thread(file.read, READ_CHUNK):
                yield chunk
        finally:
            file.close()

    async def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self._path(name).unlink)

    async def exists(self, name: str) -> bool:
        return await asyncio.to_thread(self._path(name).is_file)

    async def aclose(self) -> None:
        """Nothing to release: every operation opens and closes its own file."""

    def remove_incomplete(self, older_than_seconds: float = 3600) -> int:
        """Remove temporary files a crash left behind (a write still in progress is younger)."""
        removed = 0
        folder = self.root / INCOMPLETE
        if not folder.is_dir():
            return 0
        limit = time.time() - older_than_seconds
        for path in folder.glob("*.part"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
        return removed


def _create(path: Path) -> BinaryIO:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


def _sync_and_close(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()
