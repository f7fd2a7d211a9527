"""Which channel a petugas may record, when a report may be dated, and where it may be forwarded."""

from __future__ import annotations

from datetime import date

import pytest

from wbs_intake.domain.recording import Arrival, RecordingRefused, check_arrival, recordable_channels

BANTEN_CHANNELS = ("web", "email", "kotak-saran", "surat", "lisan", "sp4n-lapor", "halo-mitra", "media-sosial")
BELOW_BANTEN = ("bps-3603", "bps-3674")
TODAY = date(2026, 11, 23)


def check(arrival: Arrival) -> None:
    check_arrival(arrival, policy_channels=BANTEN_CHANNELS, descendants=BELOW_BANTEN, today=TODAY)


def test_every_channel_of_the_policy_but_the_web_form_can_be_recorded() -> None:
    assert "web" not in recordable_channels(BANTEN_CHANNELS)
    for channel in recordable_channels(BANTEN_CHANNELS):
        check(Arrival("bps-3600", channel, TODAY))


@pytest.mark.parametrize("channel", ["web", "faks", "wbs-pusat", "merpati-pos"])
def test_a_channel_the_body_does_not_list_is_refused(channel: str) -> None:
    with pytest.raises(RecordingRefused) as refused:
        check(Arrival("bps-3600", channel, TODAY))
    assert refused.value.field == "channel"


def test_the_date_received_is_today_or_before() -> None:
    check(Arrival("bps-3600", "surat", date(2023, 3, 14)))
    with pytest.raises(RecordingRefused) as refused:
        check(Arrival("bps-3600", "surat", date(2026, 11, 24)))
    assert refused.value.field == "received_on"


def test_the_banten_case_goes_down_to_a_kabupaten() -> None:
    """Seed 001: SP4N-LAPOR! disposed a complaint to BPS Provinsi Banten, which sent it on to BPS
    Kabupaten Tangerang."""
    arrival = Arrival("bps-3600", "sp4n-lapor", TODAY, forward_to="bps-3603")
    check(arrival)
    assert (arrival.handled_by, arrival.forwarded) == ("bps-3603", True)
    assert Arrival("bps-3600", "surat", TODAY).handled_by == "bps-3600"


@pytest.mark.parametrize("target", ["bps-1700", "bps", "bps-3600", "kpk"])
def test_forwarding_goes_only_to_a_body_below(target: str) -> None:
    with pytest.raises(RecordingRefused) as refused:
        check(Arrival("bps-3600", "surat", TODAY, forward_to=target))
    assert refused.value.field == "forward_to"
