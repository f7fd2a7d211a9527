"""Each evidence file encrypted on its own key, as a stream, so no file is ever held whole.

libsodium's secretstream (XChaCha20-Poly1305), through PyNaCl's bindings. A blob is::

    MAGIC (8 bytes) | secretstream header (24 bytes) | chunk | chunk | ... | final chunk

Every chunk but the last holds exactly ``CHUNK_BYTES`` of plaintext (plus 17 bytes of tag and
authenticator); the last holds the rest (possibly nothing) and carries the FINAL tag. Opening
checks every chunk as it comes, and a stream that ends before its FINAL chunk, or goes on after
it, is refused: a blob cut short, reordered, or spliced from another is detected, not served.
The key (32 random bytes per file) travels only sealed to the case's audience.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator

from nacl import bindings
from nacl.exceptions import CryptoError

MAGIC = b"WBSBLOB1"
KEY_BYTES: int = bindings.crypto_secretstream_xchacha20poly1305_KEYBYTES
HEADER_BYTES: int = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
OVERHEAD: int = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
TAG_MESSAGE: int = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL: int = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL
CHUNK_BYTES = 64 * 1024


class BlobTampered(ValueError):
    """The blob is not what was encrypted under this key: altered, cut short, or not a blob."""


def new_file_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


async def rechunk(chunks: AsyncIterable[bytes], size: int) -> AsyncIterator[bytes]:
    """The same bytes in pieces of exactly ``size`` (the last may be shorter, never empty)."""
    buffer = bytearray()
    async for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


async def encrypt(plaintext: AsyncIterable[bytes], key: bytes) -> AsyncGenerator[bytes, None]:
    """The blob of ``plaintext`` under ``key``, chunk by chunk."""
    if len(key) != KEY_BYTES:
        raise ValueError("a file key is 32 bytes")
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    header = bindings.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    yield MAGIC + header
    held: bytes | None = None  # one piece is held back: only the last one is tagged FINAL
    async for piece in rechunk(plaintext, CHUNK_BYTES):
        if held is not None:
            yield bindings.crypto_secretstream_xchacha20poly1305_push(state, held, tag=TAG_MESSAGE)
        held = piece
    yield bindings.crypto_secretstream_xchacha20poly1305_push(state, held or b"", tag=TAG_FINAL)


async def decrypt(blob: AsyncIterable[bytes], key: bytes) -> AsyncGenerator[bytes, None]:
    """The plaintext of ``blob``, each chunk checked before it is given; raises
    :class:`BlobTampered` at the first chunk that does not verify, or at the end if the FINAL
    chunk never came."""
    pieces = rechunk(blob, CHUNK_BYTES + OVERHEAD)
    start = bytearray()
    # The first pieces carry the magic and header too: take exactly those bytes off the front.
    async for piece in pieces:
        start += piece
        if len(start) >= len(MAGIC) + HEADER_BYTES:
            break
    if len(start) < len(MAGIC) + HEADER_BYTES or not start.startswith(MAGIC):
        raise BlobTampered("not an encrypted blob")
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    try:
        bindings.crypto_secretstream_xchacha20poly1305_init_pull(
            state, bytes(start[len(MAGIC) : len(MAGIC) + HEADER_BYTES]), key
        )
    except (CryptoError, ValueError) as error:
        raise BlobTampered("the blob's header does not open with this key") from error
    rest = bytes(start[len(MAGIC) + HEADER_BYTES :])

    async def ciphertext() -> AsyncIterator[bytes]:
        if rest:
            yield rest
        async for piece in pieces:
            yield piece

    finished = False
    async for chunk in rechunk(ciphertext(), CHUNK_BYTES + OVERHEAD):
        if finished:
            raise BlobTampered("the blob goes on after its final chunk")
        try:
            message, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(state, chunk)
        except (CryptoError, ValueError) as error:
            raise BlobTampered("a chunk of the blob does not verify") from error
        finished = tag == TAG_FINAL
        if message:
            yield message
    if not finished:
        raise BlobTampered("the blob ends before its final chunk (cut short)")
