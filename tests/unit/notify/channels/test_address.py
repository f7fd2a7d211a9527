"""Which URLs and addresses a webhook may call."""

from __future__ import annotations

import asyncio

import pytest

from wbs_notify.adapters.webhooks import check_endpoint
from wbs_notify.domain.address import RefusedEndpoint, check_addresses, check_url, refusal

#: The address that means "any": never a destination.
UNSPECIFIED = ".".join("0" * 4)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        UNSPECIFIED,
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    assert refusal(address, allow_private=False) is not None


def test_public_addresses_are_allowed() -> None:
    assert refusal("8.8.8.8", allow_private=False) is None
    assert refusal("2001:4860:4860::8888", allow_private=False) is None


def test_the_setting_lets_private_addresses_through_but_never_unspecified() -> None:
    assert refusal("127.0.0.1", allow_private=True) is None
    assert refusal("10.0.0.1", allow_private=True) is None
    assert refusal(UNSPECIFIED, allow_private=True) is not None


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0", "::ffff:169.254.169.254"]
)
def test_link_local_addresses_stay_refused_even_with_the_setting(address: str) -> None:
    """A cloud's metadata address is never a receiver, whatever the deployment allows."""
    assert "link-local" in (refusal(address, allow_private=True) or "")


def test_one_refused_address_among_several_refuses_the_url() -> None:
    with pytest.raises(RefusedEndpoint):
        check_addresses(["8.8.8.8", "10.0.0.1"], allow_private=False)
    with pytest.raises(RefusedEndpoint):
        check_addresses([], allow_private=False)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "file:///etc/passwd", "https://user:pw@example.org/", "https:///nohost", "http://x:99999/"],
)
def test_urls_that_are_not_plain_http_are_refused(url: str) -> None:
    with pytest.raises(RefusedEndpoint):
        check_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]:8080/"])
def test_a_loopback_url_is_refused_without_the_setting(url: str) -> None:
    with pytest.raises(RefusedEndpoint):
        asyncio.run(check_endpoint(url, allow_private=False))
    asyncio.run(check_endpoint(url, allow_private=True))  # allowed when configured
