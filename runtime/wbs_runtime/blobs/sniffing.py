"""What a file is, decided by its content: never by its name or the type a client declares.

``puremagic`` (signatures of file formats, pure Python) names the format from the first bytes;
this module decides whether evidence of that format is accepted, and under which media type it
is kept. Accepted: documents (PDF, Office and OpenDocument files, RTF), images, audio, video, and
plain UTF-8 text. Refused: everything else, executables and archives included, also when a name
or a declared type says otherwise (a program named ``bukti.pdf`` is a program).

Containers built on ZIP (Office Open XML, OpenDocument) are told from a plain archive by the names
of the entries at the start of the file: ``word/``, ``xl/``, ``ppt/``, or OpenDocument's first
entry ``mimetype``. A plain ZIP is refused: it could hold anything. Limits worth knowing: a file
is judged by its first ``SNIFF_BYTES``; macros inside Office files are not looked for (files are
only ever downloaded as attachments, never opened by the server).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from enum import StrEnum

import puremagic

#: How much of a file is looked at (one encryption chunk).
SNIFF_BYTES = 64 * 1024


class Family(StrEnum):
    DOCUMENT = "dokumen"
    IMAGE = "gambar"
    AUDIO = "audio"
    VIDEO = "video"
    TEXT = "teks"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    family: Family


def _kind(content_type: str, family: Family) -> FileKind:
    return FileKind(content_type, family)


PDF = _kind("application/pdf", Family.DOCUMENT)
TEXT = _kind("text/plain; charset=utf-8", Family.TEXT)
DOCX = _kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", Family.DOCUMENT)
XLSX = _kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Family.DOCUMENT)
PPTX = _kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", Family.DOCUMENT)
OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": _kind("application/vnd.oasis.opendocument.text", Family.DOCUMENT),
    b"application/vnd.oasis.opendocument.spreadsheet": _kind(
        "application/vnd.oasis.opendocument.spreadsheet", Family.DOCUMENT
    ),
    b"application/vnd.oasis.opendocument.presentation": _kind(
        "application/vnd.oasis.opendocument.presentation", Family.DOCUMENT
    ),
}

#: puremagic's extension of a match -> how such evidence is kept. Anything not here is refused.
ACCEPTED: dict[str, FileKind] = {
    ".pdf": PDF,
    # Word, Excel and PowerPoint 97-2003 share one container (OLE2 compound file).
    ".doc": _kind("application/msword", Family.DOCUMENT),
    ".xls": _kind("application/vnd.ms-excel", Family.DOCUMENT),
    ".ppt": _kind("application/vnd.ms-powerpoint", Family.DOCUMENT),
    ".rtf": _kind("application/rtf", Family.DOCUMENT),
    ".png": _kind("image/png", Family.IMAGE),
    ".jpg": _kind("image/jpeg", Family.IMAGE),
    ".jpeg": _kind("image/jpeg", Family.IMAGE),
    ".jfif": _kind("image/jpeg", Family.IMAGE),
    ".jpe": _kind("image/jpeg", Family.IMAGE),
    ".gif": _kind("image/gif", Family.IMAGE),
    ".webp": _kind("image/webp", Family.IMAGE),
    ".heif": _kind("image/heif", Family.IMAGE),
    ".heic": _kind("image/heic", Family.IMAGE),
    ".tif": _kind("image/tiff", Family.IMAGE),
    ".tiff": _kind("image/tiff", Family.IMAGE),
    ".bmp": _kind("image/bmp", Family.IMAGE),
    ".mp3": _kind("audio/mpeg", Family.AUDIO),
    ".mpga": _kind("audio/mpeg", Family.AUDIO),
    ".m4a": _kind("audio/mp4", Family.AUDIO),
    ".f4a": _kind("audio/mp4", Family.AUDIO),
    ".aac": _kind("audio/aac", Family.AUDIO),
    ".ogg": _kind("audio/ogg", Family.AUDIO),
    ".oga": _kind("audio/ogg", Family.AUDIO),
    ".opus": _kind("audio/ogg", Family.AUDIO),
    ".wav": _kind("audio/wav", Family.AUDIO),
    ".amr": _kind("audio/amr", Family.AUDIO),
    ".flac": _kind("audio/flac", Family.AUDIO),
    ".mp4": _kind("video/mp4", Family.VIDEO),
    ".3gp": _kind("video/3gpp", Family.VIDEO),
    ".3g2": _kind("video/3gpp2", Family.VIDEO),
    ".mov": _kind("video/quicktime", Family.VIDEO),
    ".webm": _kind("video/webm", Family.VIDEO),
    ".mkv": _kind("video/x-matroska", Family.VIDEO),
    ".avi": _kind("video/x-msvideo", Family.VIDEO),
}
#: Matches puremagic names for every ZIP file: the entries decide (see the module's note).
ZIP_FAMILY = frozenset({".docx", ".xlsx", ".pptx", ".xlsb", ".zip", ".jar", ".apk", ".odt", ".ods", ".odp", ".epub"})
_ZIP_ENTRY = re.compile(rb"PK\x03\x04")
_OOXML_PARTS = ((b"word/", DOCX), (b"xl/", XLSX), (b"ppt/", PPTX))
#: Entries that make a ZIP something to run, whatever else it holds (a Java archive's manifest, programs
#: and scripts): such a "document" is refused.
_RUNNABLE_ENTRY = re.compile(
    rb"(^META-INF/)|\.(exe|dll|com|scr|msi|jar|class|js|jse|vbs|vbe|wsf|hta|bat|cmd|ps1|sh|lnk|apk)$", re.IGNORECASE
)
#: Control characters that do not occur in text (tab, line feed, form feed and carriage return do).
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def sniff(head: bytes, *, complete: bool) -> FileKind | None:
    """The kind of the file that starts with ``head`` (the whole file when ``complete``), or
    None if such a file is not accepted as evidence."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    if matches:
        best = max(match.confidence for match in matches)
        top = [match.extension.lower() for match in matches if match.confidence == best]
        if any(extension in ZIP_FAMILY for extension in top):
            return _zip_container(head)
        for extension in top:
            if extension in ACCEPTED:
                return ACCEPTED[extension]
        if not all(_is_text_format(match.mime_type) for match in matches if match.confidence == best):
            return None
    return TEXT if _is_text(head, complete=complete) else None


def _is_text_format(mime_type: str) -> bool:
    """Formats that are text (HTML, XML, JSON...): kept as plain text, never rendered."""
    return mime_type.startswith("text/") or mime_type in {"application/json", "application/xml"}


def _is_text(head: bytes, *, complete: bool) -> bool:
    if head.startswith(b"#!"):
        return False  # a script is a program, however readable
    if _NOT_TEXT.search(head):
        return False
    body = head.removeprefix(b"\xef\xbb\xbf")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        # A head that is not the whole file may end in the middle of a character.
        return not complete and error.reason == "unexpected end of data" and error.start >= len(body) - 3
    return True


def _zip_container(head: bytes) -> FileKind | None:
    names = list(_zip_entry_names(head))
    if not names:
        return None
    if names[0] == b"mimetype":
        start = head.find(b"mimetype") + len(b"mimetype")
        for declared, kind in OPENDOCUMENT.items():
            if head[start : start + len(declared)] == declared:
                return kind
        return None
    if any(_RUNNABLE_ENTRY.search(name) for name in names):
        return None
    if b"[Content_Types].xml" not in names:
        return None  # every Office Open XML file has one; a ZIP with a word/ folder alone is an archive
    for prefix, kind in _OOXML_PARTS:
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def _zip_entry_names(head: bytes) -> list[bytes]:
    """The names of the ZIP entries whose local headers lie in ``head``."""
    names = []
    for found in _ZIP_ENTRY.finditer(head):
        at = found.start()
        if at + 30 > len(head):
            break
        name_length = struct.unpack_from("<H", head, at + 26)[0]
        names.append(head[at + 30 : at + 30 + name_length])
    return names


#: The extension a file of each accepted type is saved under when an officer downloads it.
_EXTENSIONS: dict[str, str] = {
    **{kind.content_type: extension for extension, kind in reversed(list(ACCEPTED.items()))},
    TEXT.content_type: ".txt",
    DOCX.content_type: ".docx",
    XLSX.content_type: ".xlsx",
    PPTX.content_type: ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}


def download_name(name: str, content_type: str) -> str:
    """The name a file is downloaded under: the reporter's, ending in the extension of the type its
    content showed. A name's own extension decides how a computer opens a file, so ``laporan.vbs``
    that is plain text downloads as ``laporan.vbs.txt``, and never runs."""
    extension = _EXTENSIONS.get(content_type, ".bin")
    stem = name or "bukti"
    if stem.lower().endswith(extension) or (extension == ".jpg" and stem.lower().endswith(".jpeg")):
        return stem
    return stem + extension
