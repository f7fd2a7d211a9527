"""The blob store a service's settings name: chosen here, once, for every service that keeps
evidence (intake writes it, triage serves it to officers; both must be pointed at the same place)."""

from __future__ import annotations

from wbs_runtime.blobs.filesystem import FilesystemBlobStore
from wbs_runtime.blobs.store import BlobStore
from wbs_runtime.settings import S3Location, ServiceSettings


def blob_store(settings: ServiceSettings) -> BlobStore:
    """``WBS_BLOB_URL`` (``file:///path`` or ``s3://bucket/prefix``), else the directory
    ``WBS_BLOB_DIR``. An S3 store opens its client on first use and is closed by ``aclose()``."""
    location = settings.blob_location()
    if isinstance(location, S3Location):
        # Imported only when used: the S3 client's libraries are large, and `make run` needs none of them.
        from wbs_runtime.blobs.s3 import S3BlobStore

        return S3BlobStore(location)
    return FilesystemBlobStore(location.path)
