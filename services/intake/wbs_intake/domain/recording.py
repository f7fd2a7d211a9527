"""Reports a petugas pengaduan records from another channel, and where they may be forwarded.

A letter, an e-mail, a note from the suggestion box, what someone said at the counter (written
down as heard), a disposition from WBS Pusat or SP4N-LAPOR!: the petugas records it with the
channel it came by and the day it was received. A report meant for a body below theirs is
forwarded down the hierarchy (seed 001: SP4N-LAPOR! sent BPS Provinsi Banten's two cases on to BPS
Kabupaten Tangerang and BPS Kota Tangerang Selatan): the receiving body handles the case, the
channel statistics count it where it arrived. Pure rules, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: Reports on the web form are sent by the reporter; a petugas records every other channel.
REPORTER_ONLY_CHANNELS = frozenset({"web"})


class RecordingRefused(ValueError):
    """The recording cannot be accepted as asked; ``field`` names what is at fault."""

    def __init__(self, field: str, code: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.pesan = pesan
        self.message = message


@dataclass(frozen=True)
class Arrival:
    """Where and how a report arrived, as the petugas records it."""

    #: The body whose petugas records it (where it arrived).
    received_by: str
    channel: str
    received_on: date
    #: The body it is addressed to, when it is another one below ``received_by``.
    forward_to: str | None = None

    @property
    def handled_by(self) -> str:
        """The body that handles the case: the one it was forwarded to, or the one where it arrived."""
        return self.forward_to or self.received_by

    @property
    def forwarded(self) -> bool:
        return self.forward_to is not None


def recordable_channels(policy_channels: Iterable[str]) -> tuple[str, ...]:
    """The tenant's channels a petugas may record a report from (all but the web form)."""
    return tuple(c for c in policy_channels if c not in REPORTER_ONLY_CHANNELS)


def check_arrival(arrival: Arrival, *, policy_channels: Iterable[str], descendants: Iterable[str], today: date) -> None:
    """Refuse a channel the arriving body does not list, a date in the future, and forwarding to
    any body that is not an active body below the one where the report arrived."""
    allowed = recordable_channels(policy_channels)
    if arrival.channel not in allowed:
        raise RecordingRefused(
            "channel",
            "not-offered",
            "Saluran ini tidak tercantum dalam kebijakan instansi, atau tidak dicatat oleh petugas "
            f"(saluran yang dapat dicatat: {', '.join(allowed) or '-'}).",
            "This body's policy does not list this channel, or it is not one a petugas records "
            f"(channels that can be recorded: {', '.join(allowed) or '-'}).",
        )
    if arrival.received_on > today:
        raise RecordingRefused(
            "received_on",
            "future",
            "Tanggal diterima tidak boleh setelah hari ini.",
            "The date received cannot be after today.",
        )
    if arrival.forward_to is not None and (
        arrival.forward_to == arrival.received_by or arrival.forward_to not in set(descendants)
    ):
        raise RecordingRefused(
            "forward_to",
            "not-below",
            "Laporan hanya dapat diteruskan ke instansi aktif di bawah instansi ini dalam hierarki.",
            "A report can be forwarded only to an active body below this one in the hierarchy.",
        )
