"""Evidence files: a blob store for encrypted files, the files' stream encryption, and what a
file is by its content. See ``store``, ``filesystem``, ``s3``, ``configured``, ``encryption`` and
``sniffing``. ``blob_store(settings)`` is the store a service's settings name."""

from wbs_runtime.blobs.configured import blob_store
from wbs_runtime.blobs.encryption import BlobTampered, decrypt, encrypt, new_file_key
from wbs_runtime.blobs.filesystem import FilesystemBlobStore
from wbs_runtime.blobs.sniffing import SNIFF_BYTES, FileKind, sniff
from wbs_runtime.blobs.store import BlobNotFound, BlobStore, InvalidBlobName

__all__ = [
    "SNIFF_BYTES",
    "BlobNotFound",
    "BlobStore",
    "BlobTampered",
    "FileKind",
    "FilesystemBlobStore",
    "InvalidBlobName",
    "blob_store",
    "decrypt",
    "encrypt",
    "new_file_key",
    "sniff",
]
