"""Which addresses a webhook may call: not this machine's, not the private network's.

An endpoint is a URL an administrator typed; calling it from inside the deployment must not reach
the services, the database or a cloud's metadata address behind it. Checked on the addresses the
host name resolves to (resolving is the adapter's), at registration and again at each call.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class RefusedEndpoint(ValueError):
    """A URL a webhook may not call, with the reason in both languages."""


def check_url(url: str) -> str:
    """The URL's host, if the URL is one a webhook may be sent to at all (http or https, a host,
    no credentials in it); raises :class:`RefusedEndpoint` otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as error:
        raise RefusedEndpoint(f"URL tidak sah / not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise RefusedEndpoint("URL harus http atau https / the URL must be http or https")
    if not parts.hostname:
        raise RefusedEndpoint("URL tanpa nama host / the URL names no host")
    if parts.username or parts.password:
        raise RefusedEndpoint("URL tidak boleh memuat kredensial / the URL must not carry credentials")
    if len(url) > 2000:
        raise RefusedEndpoint("URL terlalu panjang / the URL is too long")
    return parts.hostname


def refusal(address: str, *, allow_private: bool) -> str | None:
    """Why a webhook may not call ``address`` (an IP address as resolved), or None when it may.
    ``allow_private`` (tests, ``make run``) lets it call loopback and private networks, never
    link-local ones."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return f"alamat {ip} tidak dapat dipanggil / address {ip} cannot be called"
    # Link-local is a cloud's metadata address (169.254.169.254), never a receiver: refused even
    # where private networks are allowed.
    if ip.is_link_local:
        return f"alamat link-local {ip} ditolak / link-local address {ip} refused"
    if allow_private:
        return None
    if ip.is_loopback:
        return f"alamat loopback {ip} ditolak / loopback address {ip} refused"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return f"alamat jaringan privat {ip} ditolak / private network address {ip} refused"
    return None


def check_addresses(addresses: list[str], *, allow_private: bool) -> None:
    """Every address the host resolved to must be allowed (one bad one refuses the URL: the
    connection could go to any of them)."""
    if not addresses:
        raise RefusedEndpoint("nama host tidak dapat di-resolve / the host name does not resolve")
    for address in addresses:
        reason = refusal(address, allow_private=allow_private)
        if reason is not None:
            raise RefusedEndpoint(reason)
