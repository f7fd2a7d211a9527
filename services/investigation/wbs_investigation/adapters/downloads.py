"""Every file an audit hands out, in one way: as an attachment to be saved, never shown by the
browser in the site's origin, under the name its content's type allows (RFC 6266: an ASCII fallback
and the name in UTF-8), never cached."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from wbs_runtime.blobs.sniffing import download_name

FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def attachment_of(name: str, media_type: str, content: bytes) -> Response:
    """``content`` to be saved as ``name`` (its extension made to fit ``media_type``)."""
    full = download_name(name, media_type)
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in full) or "dokumen"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"
    return Response(content, media_type=media_type, headers={**FILE_HEADERS, "Content-Disposition": disposition})
