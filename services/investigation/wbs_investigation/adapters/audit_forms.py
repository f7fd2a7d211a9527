"""What the audit's API and pages share: reading the fields and files officers send (forms and
multipart bodies), answering a refusal, and handing out a file from the vault."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from wbs_investigation.adapters.downloads import attachment_of
from wbs_investigation.domain.audit import FILES_LIMIT, AuditRefused, UploadedFile
from wbs_investigation.usecases import Download


def day_of(text: str | None, field: str) -> date | None:
    """A day as ``YYYY-MM-DD`` (what a date input sends); None when empty."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AuditRefused(field, "Tuliskan tanggal sebagai TTTT-BB-HH.", "Write the date as YYYY-MM-DD.") from None


def moment_of(text: str | None, field: str, zone: ZoneInfo) -> datetime | None:
    """A date and time (``YYYY-MM-DDTHH:MM``, what a datetime-local input sends, in the body's zone,
    or with its own offset); None when empty."""
    if not text or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditRefused(
            field, "Tuliskan tanggal dan jam sebagai TTTT-BB-HH JJ:MM.", "Write the date and time as YYYY-MM-DD HH:MM."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


async def multipart(request: Request) -> tuple[dict[str, list[str]], list[UploadedFile]]:
    """A multipart (or plain) form's text fields (each name with its values) and its files, read
    whole: the body limit of these routes bounds them."""
    try:
        form = await request.form(max_files=FILES_LIMIT + 1, max_fields=200)
    except MultiPartException:
        raise AuditRefused("files", "Formulir tidak dapat dibaca.", "The form could not be read.") from None
    fields: dict[str, list[str]] = {}
    files: list[UploadedFile] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            files.append(UploadedFile(value.filename or "", value.content_type or "", content))
        else:
            fields.setdefault(name, []).append(value)
    return fields, files


def first(fields: Mapping[str, Sequence[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0]


def attachment(download: Download) -> Response:
    """The file, to be saved (never rendered by the browser)."""
    return attachment_of(download.file_name or download.document.title, download.document.media_type, download.content)
