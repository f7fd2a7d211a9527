"""Evidence files: a blob store for encrypted files, the files' stream encryption, and what a
file is by its content. See ``store``, ``filesystem``, ``encryption`` and ``sniffing``."""

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
    "decrypt",
    "encrypt",
    "new_file_key",
    "sniff",
]
