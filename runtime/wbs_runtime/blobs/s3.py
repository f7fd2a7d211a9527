"""A blob store in S3-compatible object storage (``WBS_BLOB_URL=s3://bucket/prefix``).

The same promises as the directory store, kept with S3's own means. A blob appears whole or not at
all: one PutObject when it fits in one part, else a multipart upload, which S3 makes visible only
when it is completed; if the chunks fail, the upload is aborted and the failure raised again. Parts
are buffered one at a time (``part_bytes``, at least S3's minimum of 5 MiB), so no blob is ever
held whole in memory, and read back as the response streams in.

The client is made on first use, inside the running event loop (a service's ``build`` runs before
the loop does), and closed by :meth:`S3BlobStore.aclose` when the service stops. Credentials come
from the standard AWS chain (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, a role...), never
from WBS's own settings. No server-side encryption is asked for: blobs are ciphertext already.

A multipart upload the process could not abort (it died, or the storage was unreachable) stays
invisible but billed: give the bucket a lifecycle rule that aborts incomplete multipart uploads
after a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from wbs_runtime.blobs.encryption import rechunk
from wbs_runtime.blobs.store import BlobNotFound, checked_name
from wbs_runtime.settings import S3Location

log = logging.getLogger(__name__)

#: S3 refuses a part smaller than this, except the last.
MIN_PART_BYTES = 5 * 1024 * 1024
PART_BYTES = 8 * 1024 * 1024
READ_CHUNK = 64 * 1024
#: What S3 and S3-compatible servers answer for a key that is not there.
_MISSING = frozenset({"NoSuchKey", "NotFound", "404"})


class S3BlobStore:
    def __init__(self, location: S3Location, *, part_bytes: int = PART_BYTES) -> None:
        if part_bytes < MIN_PART_BYTES:
            raise ValueError(f"S3 parts are at least {MIN_PART_BYTES} bytes")
        self.location = location
        self.part_bytes = part_bytes
        self._client: Any = None
        self._exit: contextlib.AsyncExitStack | None = None
        self._opening = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is None:
            async with self._opening:
                if self._client is None:
                    stack = contextlib.AsyncExitStack()
                    self._client = await stack.enter_async_context(self._create_client())
                    self._exit = stack
        return self._client

    def _create_client(self) -> Any:
        location = self.location
        config = AioConfig(
            s3={"addressing_style": location.addressing_style},
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=10,
            read_timeout=60,
            # Checksums only where S3 requires them: several S3-compatible servers refuse the
            # newer default ones, and a blob is authenticated by its own encryption anyway.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        return get_session().create_client(
            "s3", endpoint_url=location.endpoint_url, region_name=location.region, config=config
        )

    async def aclose(self) -> None:
        """Close the client (the service is stopping); a later use opens a new one."""
        stack, self._exit, self._client = self._exit, None, None
        if stack is not None:
            await stack.aclose()

    def _key(self, name: str) -> str:
        return self.location.prefix + checked_name(name)

    async def put(self, name: str, chunks: AsyncIterable[bytes]) -> int:
        key = self._key(name)
        s3 = await self._s3()
        parts = rechunk(chunks, self.part_bytes)
        first = await anext(parts, b"")
        if len(first) < self.part_bytes:  # the whole blob: one request, nothing to abort
            await s3.put_object(Bucket=self.location.bucket, Key=key, Body=first)
            return len(first)
        upload = await s3.create_multipart_upload(Bucket=self.location.bucket, Key=key)
        try:
            size = await self._upload_parts(s3, key, upload["UploadId"], first, parts)
        except BaseException:
            await self._abort(s3, key, upload["UploadId"])
            raise
        return size

    async def _upload_parts(self, s3: Any, key: str, upload_id: str, first: bytes, rest: AsyncIterator[bytes]) -> int:
        done: list[dict[str, Any]] = []
        size = 0
        part: bytes | None = first
        while part is not None:
            number = len(done) + 1
            uploaded = await s3.upload_part(
                Bucket=self.location.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=part
            )
            done.append({"ETag": uploaded["ETag"], "PartNumber": number})
            size += len(part)
            part = await anext(rest, None)
        await s3.complete_multipart_upload(
            Bucket=self.location.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": done}
        )
        return size

    async def _abort(self, s3: Any, key: str, upload_id: str) -> None:
        # Whatever made the upload fail is what the caller hears about; a failed abort is logged
        # (the bucket's lifecycle rule removes the parts later).
        try:
            await s3.abort_multipart_upload(Bucket=self.location.bucket, Key=key, UploadId=upload_id)
        except Exception:
            log.warning(
                "could not abort the multipart upload of %s; its parts stay until the bucket's lifecycle rule", key
            )

    async def open(self, name: str) -> AsyncIterator[bytes]:
        key = self._key(name)
        s3 = await self._s3()
        try:
            response = await s3.get_object(Bucket=self.location.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                raise BlobNotFound(name) from None
            raise
        body = response["Body"]
        try:
            async for chunk in body.iter_chunks(READ_CHUNK):
                yield chunk
        finally:
            body.close()

    async def delete(self, name: str) -> None:
        key = self._key(name)
        s3 = await self._s3()
        try:
            await s3.delete_object(Bucket=self.location.bucket, Key=key)
        except ClientError as error:
            if not _is_missing(error):  # S3 itself answers 204 for a missing key; some others 404
                raise

    async def exists(self, name: str) -> bool:
        key = self._key(name)
        s3 = await self._s3()
        try:
            await s3.head_object(Bucket=self.location.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code", "")) in _MISSING
