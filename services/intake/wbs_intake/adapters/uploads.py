"""Reading ``multipart/form-data`` as it streams in: text fields kept, files encrypted into the
blob store chunk by chunk. No file is ever written in the clear (no temporary files) or held
whole in memory.

The tenant's ``EvidenceLimits`` are enforced as bytes arrive: a file that grows past its limit,
or past what the report may still take, stops being written the moment it does, and what was
written of it is removed. A refusal does not lose what came before it: the files already stored
are returned with the refusal, and the text fields, before or after the refused file, are still
read (the rest of a refused file is read and dropped, so the browser gets the answer instead of
a broken connection). The caller records the stored files or removes them (:func:`discard`).

A file's kind is decided by its first bytes (``wbs_runtime.blobs.sniffing``), never by its name
or the type the browser declares.
"""

from __future__ import annotations

import contextlib
import hmac
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from wbs_contracts.events.directory import EvidenceLimits
from wbs_intake.domain.evidence import (
    Allowance,
    EvidenceRefused,
    StoredFile,
    UnsupportedFileType,
    clean_file_name,
)
from wbs_runtime.blobs import SNIFF_BYTES, BlobStore, encrypt, new_file_key, sniff
from wbs_runtime.web.csrf import COOKIE as CSRF_COOKIE
from wbs_runtime.web.csrf import FIELD as CSRF_FIELD
from wbs_runtime.web.csrf import CsrfRejected
from wbs_runtime.web.pages import WebPages

#: The text of a form (the report's 4W1H, terlapor rows, identity) fits well within this.
MAX_FIELD_BYTES = 512 * 1024
MAX_PARTS = 1000


class MalformedUpload(ValueError):
    """Not ``multipart/form-data``, or a body that does not parse as one."""

    pesan = "Isi permintaan bukan formulir multipart/form-data yang sah."
    message = "The request body is not valid multipart/form-data."


class FieldsTooLarge(EvidenceRefused):
    """The form's text is larger than any form of ours (not a file: a 413 of its own)."""

    def __init__(self) -> None:
        super().__init__(
            "",
            f"Isian teks formulir terlalu besar (paling banyak {MAX_FIELD_BYTES} bita).",
            f"The form's text fields are too large (at most {MAX_FIELD_BYTES} bytes).",
        )


@dataclass
class Upload:
    """What a form brought: its text fields, the files stored (encrypted, not yet recorded), and
    the refusal that stopped further files, if any."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[StoredFile] = field(default_factory=list)
    refused: EvidenceRefused | None = None
    #: Set once the files were recorded with a report: until then they are the caller's to discard.
    recorded: bool = False

    def field(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default


@dataclass
class _Part:
    name: str
    file_name: str | None
    headers: dict[bytes, bytes]


class _MultipartStream:
    """python-multipart's push parser turned into parts one pulls, so that each file's bytes flow
    straight into the blob store as the request body arrives."""

    def __init__(self, body: AsyncIterator[bytes], boundary: bytes) -> None:
        self._body = body
        self._events: deque[tuple[str, Any]] = deque()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._done = False
        self._in_part = False
        callbacks: Any = {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": lambda: self._events.append(("headers", dict(self._headers))),
            "on_part_data": lambda data, start, end: self._events.append(("data", bytes(data[start:end]))),
            "on_part_end": lambda: self._events.append(("end", None)),
        }
        self._parser = MultipartParser(boundary, callbacks)

    def _begin(self) -> None:
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    async def _event(self) -> tuple[str, Any] | None:
        while not self._events:
            if self._done:
                return None
            chunk = await anext(self._body, None)
            try:
                if chunk is None:
                    self._parser.finalize()
                    self._done = True
                elif chunk:
                    self._parser.write(chunk)
            except MultipartParseError as error:
                raise MalformedUpload(str(error)) from None
        return self._events.popleft()

    async def next_part(self) -> _Part | None:
        while True:
            event = await self._event()
            if event is None:
                return None
            kind, payload = event
            if kind != "headers":
                continue  # the rest of a part nobody read
            _, options = parse_options_header(payload.get(b"content-disposition", b""))
            name = options.get(b"name", b"").decode("utf-8", "replace")
            raw_file_name = options.get(b"filename")
            file_name = None if raw_file_name is None else raw_file_name.decode("utf-8", "replace")
            self._in_part = True
            return _Part(name, file_name, payload)

    async def data(self) -> AsyncIterator[bytes]:
        """The bytes of the part just begun, as they arrive."""
        while self._in_part:
            event = await self._event()
            if event is None:
                raise MalformedUpload("the body ended inside a part")
            kind, payload = event
            if kind == "data":
                yield payload
            elif kind == "end":
                self._in_part = False


def is_multipart(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind == "multipart/form-data"


def boundary_of(request: Request) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise MalformedUpload("not multipart/form-data")
    return boundary


async def _store(
    part_data: AsyncIterator[bytes], file_name: str, *, blobs: BlobStore, allowance: Allowance
) -> StoredFile:
    """Encrypt one file into the blob store as it arrives; raises :class:`EvidenceRefused` (with
    nothing of the file left in the store) when it may not be kept."""
    allowance.for_next_file()  # too many files: refused before a byte is written
    size = 0
    kind_found: list[str] = []

    async def counted() -> AsyncIterator[bytes]:
        nonlocal size
        async for chunk in part_data:
            size += len(chunk)
            allowance.check(size, file_name)
            yield chunk

    async def sniffed() -> AsyncIterator[bytes]:
        chunks = counted()
        head = bytearray()
        complete = True
        async for chunk in chunks:
            head += chunk
            if len(head) >= SNIFF_BYTES:
                complete = False
                break
        kind = sniff(bytes(head[:SNIFF_BYTES]), complete=complete)
        if kind is None:
            raise UnsupportedFileType(file_name)
        kind_found.append(kind.content_type)
        yield bytes(head)
        async for chunk in chunks:
            yield chunk

    evidence_id = uuid4()
    key = new_file_key()
    blob = f"evidence/{evidence_id}"
    await blobs.put(blob, encrypt(sniffed(), key))
    allowance.took(size)
    return StoredFile(evidence_id, blob, key, file_name, kind_found[0], size)


CsrfCheck = Callable[[str | None], bool]


async def read_upload(
    request: Request,
    *,
    blobs: BlobStore,
    allowance: Allowance,
    csrf: CsrfCheck | None = None,
    file_fields: Sequence[str] = ("berkas",),
) -> Upload:
    """Read a ``multipart/form-data`` body, storing the files of ``file_fields`` as they arrive.

    With ``csrf`` (pages), the form's CSRF field must come before the first file, and is checked
    before anything is stored: ``CsrfRejected`` otherwise. On any error but a refusal, whatever
    was stored is removed before the error goes on.
    """
    stream = _MultipartStream(request.stream(), boundary_of(request))
    upload = Upload()
    field_bytes = parts = 0
    csrf_checked = csrf is None
    try:
        while (part := await stream.next_part()) is not None:
            parts += 1
            if parts > MAX_PARTS:
                raise MalformedUpload("too many parts")
            if part.file_name is None:
                value = bytearray()
                async for chunk in stream.data():
                    field_bytes += len(chunk)
                    if field_bytes > MAX_FIELD_BYTES:
                        raise FieldsTooLarge()
                    value += chunk
                upload.fields.setdefault(part.name, []).append(value.decode("utf-8", "replace"))
                continue
            if not csrf_checked:
                if csrf is None or not csrf(upload.field(CSRF_FIELD) or None):
                    raise CsrfRejected()
                csrf_checked = True
            if part.name not in file_fields or upload.refused is not None:
                async for _ in stream.data():
                    pass  # not a field of ours, or files after a refusal: read past it
                continue
            data = stream.data()
            first = await anext(data, None)
            if first is None and not part.file_name:
                continue  # a browser sends an empty, nameless part for a file input left empty
            file_name = clean_file_name(part.file_name) or "berkas"
            try:
                upload.files.append(await _store(_then(first, data), file_name, blobs=blobs, allowance=allowance))
            except EvidenceRefused as refused:
                upload.refused = refused
        if not csrf_checked and (csrf is None or not csrf(upload.field(CSRF_FIELD) or None)):
            raise CsrfRejected()
    except FieldsTooLarge as refused:
        upload.refused = refused
    except BaseException:
        await discard(blobs, upload.files)
        raise
    return upload


async def read_report_form(
    request: Request,
    *,
    limits: EvidenceLimits,
    blobs: BlobStore,
    web: WebPages | None = None,
    file_fields: Sequence[str] = ("berkas",),
) -> Upload:
    """The submission form (``/lapor/{tenant}``, ``multipart/form-data``): its text fields and
    its files, stored encrypted as they arrive, within the tenant's limits for a new report.

    Give ``web`` to check the form's CSRF token (its field must come before the files, as it does
    when the form's hidden field is its first). Use the files with ``Submission(evidence=...)``
    so the report and its ``evidence-added`` events commit together; when the page is shown again
    instead (a refusal the reporter should see, a field to correct), :func:`discard` them. A
    refusal (``upload.refused``: 413 or 415, ``pesan`` and ``message``) never loses the text.
    """
    return await read_upload(
        request,
        blobs=blobs,
        allowance=Allowance.of(limits),
        csrf=csrf_check(request, web) if web is not None else None,
        file_fields=file_fields,
    )


def csrf_check(request: Request, web: WebPages) -> CsrfCheck:
    """The page's CSRF check (``WebPages.verify_csrf``) without reading the form whole."""
    cookie = request.cookies.get(CSRF_COOKIE, "")

    def check(given: str | None) -> bool:
        return bool(cookie) and given is not None and hmac.compare_digest(given, web.csrf.token(cookie))

    return check


async def discard(blobs: BlobStore, files: Sequence[StoredFile]) -> None:
    """Remove stored files that will not be recorded."""
    for file in files:
        with contextlib.suppress(Exception):
            await blobs.delete(file.blob)


async def _then(first: bytes | None, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first:
        yield first
    async for chunk in rest:
        yield chunk
