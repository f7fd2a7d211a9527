"""Counts per client in memory, keyed by an HMAC under a key that changes with every window."""

from __future__ import annotations

from wbs_gateway.throttle import ClientThrottle, client_network


def test_counts_are_per_client_and_kind_and_end_with_their_window() -> None:
    now = [0.0]
    throttle = ClientThrottle(window_seconds=3600, clock=lambda: now[0])
    assert [throttle.admit("submission", 2, "198.51.100.7") for _ in range(3)] == [0, 0, 3600]
    assert throttle.admit("status-check", 2, "198.51.100.7") == 0
    assert throttle.admit("submission", 2, "198.51.100.8") == 0
    now[0] = 3000.0
    assert throttle.admit("submission", 2, "198.51.100.7") == 600
    now[0] = 3600.0  # a new window: a new key, and every earlier count is gone
    assert len(throttle) == 3
    assert throttle.admit("submission", 2, "198.51.100.7") == 0
    assert len(throttle) == 1


def test_nothing_kept_names_the_client() -> None:
    throttle = ClientThrottle()
    throttle.admit("submission", 5, "198.51.100.7")
    [counter] = throttle._counts
    assert b"198" not in counter
    assert client_network("198.51.100.7") not in counter
    assert len(counter) == 16


def test_an_ipv6_client_is_counted_per_64_network() -> None:
    throttle = ClientThrottle()
    assert throttle.admit("submission", 1, "2001:db8:1:2::1") == 0
    assert throttle.admit("submission", 1, "2001:db8:1:2:ffff::9") > 0
    assert throttle.admit("submission", 1, "2001:db8:1:3::1") == 0
    assert client_network("::ffff:198.51.100.7") == client_network("198.51.100.7")


def test_memory_is_bounded() -> None:
    throttle = ClientThrottle(capacity=100)
    for index in range(1000):
        throttle.admit("submission", 5, f"10.0.{index // 256}.{index % 256}")
    assert len(throttle) == 100
