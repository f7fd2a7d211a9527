"""Evidence files: the stream encryption, the blob store's all-or-nothing writes, and sniffing."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest

from wbs_runtime.blobs import BlobNotFound, BlobTampered, FilesystemBlobStore, InvalidBlobName, sniff
from wbs_runtime.blobs.encryption import CHUNK_BYTES, MAGIC, OVERHEAD, decrypt, encrypt, new_file_key
from wbs_runtime.blobs.sniffing import DOCX, PDF, TEXT, XLSX, Family, download_name


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def collect(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def sealed(plaintext: bytes, key: bytes, pieces: int = 7) -> bytes:
    step = max(1, len(plaintext) // pieces)
    parts = [plaintext[i : i + step] for i in range(0, len(plaintext), step)] or [b""]
    return await collect(encrypt(stream(*parts), key))


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5])
async def test_what_is_encrypted_decrypts_to_the_same_bytes_whatever_the_chunking(size: int) -> None:
    key = new_file_key()
    plaintext = os.urandom(size)
    blob = await sealed(plaintext, key)
    assert blob.startswith(MAGIC)
    assert size < 16 or plaintext[:16] not in blob
    # Read back in pieces that do not follow the encryption's chunks.
    odd = [blob[i : i + 1000] for i in range(0, len(blob), 1000)]
    assert await collect(decrypt(stream(*odd), key)) == plaintext


async def test_each_file_has_its_own_key_and_the_same_bytes_never_encrypt_alike() -> None:
    plaintext = b"PENANDA-BUKTI " * 100
    first, second = new_file_key(), new_file_key()
    assert first != second
    assert await sealed(plaintext, first) != await sealed(plaintext, first)  # a fresh nonce each time
    with pytest.raises(BlobTampered):
        await collect(decrypt(stream(await sealed(plaintext, first)), second))


async def test_a_changed_byte_anywhere_is_detected() -> None:
    key = new_file_key()
    blob = bytearray(await sealed(os.urandom(2 * CHUNK_BYTES + 100), key))
    for position in (len(MAGIC) + 3, len(MAGIC) + 30, CHUNK_BYTES + 200, len(blob) - 1):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        with pytest.raises(BlobTampered):
            await collect(decrypt(stream(bytes(altered)), key))


async def test_a_blob_cut_short_at_a_chunk_boundary_or_extended_is_refused() -> None:
    key = new_file_key()
    plaintext = os.urandom(2 * CHUNK_BYTES + 100)
    blob = await sealed(plaintext, key)
    header = len(MAGIC) + 24
    whole_chunks = blob[: header + 2 * (CHUNK_BYTES + OVERHEAD)]  # the final chunk is gone
    with pytest.raises(BlobTampered, match="final"):
        await collect(decrypt(stream(whole_chunks), key))
    with pytest.raises(BlobTampered):
        await collect(decrypt(stream(blob + blob[header : header + CHUNK_BYTES + OVERHEAD]), key))
    with pytest.raises(BlobTampered):
        await collect(decrypt(stream(b"not a blob at all"), key))


async def test_decryption_gives_the_verified_chunks_as_it_goes() -> None:
    key = new_file_key()
    blob = await sealed(os.urandom(3 * CHUNK_BYTES), key)
    pieces = decrypt(stream(blob), key)
    first = await anext(pieces)
    assert len(first) == CHUNK_BYTES
    await pieces.aclose()


# -- the blob store ------------------------------------------------------------------------------


async def test_a_blob_is_stored_whole_and_read_back_in_chunks(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    data = os.urandom(200_000)
    assert await store.put("evidence/abc", stream(data[:100], data[100:])) == len(data)
    assert await store.exists("evidence/abc")
    assert await collect(store.open("evidence/abc")) == data
    assert (tmp_path / "blobs" / "evidence" / "abc").stat().st_mode & 0o777 == 0o600
    await store.delete("evidence/abc")
    await store.delete("evidence/abc")  # gone already: no error
    assert not await store.exists("evidence/abc")
    with pytest.raises(BlobNotFound):
        await collect(store.open("evidence/abc"))


async def test_a_write_that_fails_midway_leaves_nothing(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path)

    async def failing() -> AsyncIterator[bytes]:
        yield b"x" * 1000
        raise RuntimeError("the client went away")

    with pytest.raises(RuntimeError):
        await store.put("evidence/half", failing())
    assert not await store.exists("evidence/half")
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "evidence/../x", "Evidence/x", "", "a//b", ".incomplete/x"])
async def test_names_that_could_leave_the_store_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidBlobName):
        await FilesystemBlobStore(tmp_path).put(name, stream(b"x"))


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


# -- what a file is --------------------------------------------------------------------------------


def zipped(entries: Iterable[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for position, (name, content) in enumerate(entries):
            compression = zipfile.ZIP_STORED if stored_first and position == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


ACCEPTED = {
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", PDF.content_type),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(30), "image/png"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(30), "image/jpeg"),
    "mp4": (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(50), "video/mp4"),
    "mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100), "audio/mpeg"),
    "ogg": (b"OggS\x00\x02" + bytes(100), "audio/ogg"),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "application/msword"),
    "docx": (zipped([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")]), DOCX.content_type),
    "xlsx": (zipped([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<w/>")]), XLSX.content_type),
    "odt": (
        zipped([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")], True),
        "application/vnd.oasis.opendocument.text",
    ),
    "text": ("Pungutan liar di loket PST — Rp1.500.000\r\n".encode(), TEXT.content_type),
    "html as text": (b"<!DOCTYPE html><html><body>bukti</body></html>", TEXT.content_type),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_kinds_are_known_by_their_content(name: str) -> None:
    content, content_type = ACCEPTED[name]
    kind = sniff(content, complete=True)
    assert kind is not None
    assert kind.content_type == content_type


REFUSED = {
    "windows program": b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),
    "linux program": b"\x7fELF\x02\x01\x01" + bytes(100),
    "script": b"#!/bin/sh\nrm -rf /\n",
    "archive": zipped([("bukti.exe", b"MZ" + bytes(100))]),
    # A Java archive, or a program, dressed as a Word document by a word/ folder.
    "java archive as docx": zipped(
        [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>"), ("META-INF/MANIFEST.MF", b"M")]
    ),
    "program in a docx": zipped([("[Content_Types].xml", b"<Types/>"), ("word/a.xml", b"<w/>"), ("run.exe", b"MZ")]),
    "word folder alone": zipped([("word/document.xml", b"<w/>")]),
    "binary noise": bytes(range(256)) * 4,
    "latin-1 text": "Laporan ttg pegawai \xe9".encode("latin-1") + b"\x00\x01",
    "empty": b"",
}


@pytest.mark.parametrize("name", REFUSED)
def test_programs_archives_and_unknown_content_are_refused(name: str) -> None:
    assert sniff(REFUSED[name], complete=True) is None


def test_a_head_cut_in_the_middle_of_a_character_is_still_text() -> None:
    head = ("a" * 99 + "é").encode()[:-1]
    assert sniff(head, complete=False) == TEXT
    assert sniff(head, complete=True) is None


def test_kinds_have_families() -> None:
    assert PDF.family is Family.DOCUMENT
    assert TEXT.family is Family.TEXT


@pytest.mark.parametrize(
    ("name", "content_type", "downloaded"),
    [
        ("kuitansi.pdf", PDF.content_type, "kuitansi.pdf"),
        ("laporan.vbs", TEXT.content_type, "laporan.vbs.txt"),  # readable text, never run
        ("foto.JPEG", "image/jpeg", "foto.JPEG"),
        ("rekaman", "audio/mpeg", "rekaman.mp3"),
        ("surat.pdf", DOCX.content_type, "surat.pdf.docx"),
        ("", PDF.content_type, "bukti.pdf"),
    ],
)
def test_a_file_downloads_under_the_extension_of_its_content(name: str, content_type: str, downloaded: str) -> None:
    assert download_name(name, content_type) == downloaded
