"""Completion by month of receipt (seed 001, Lampiran "Evaluasi Pengaduan Masyarakat"): of the
reports a body received in a month, the share that is ``selesai`` now; "-" for a month without
reports, as the seed prints it. "Hasil Penanganan" and "Keterangan" are what the officers wrote
for the month; without it the result is summed up from the counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompletionRow:
    month: int
    received: int
    finished: int
    #: The officers' words for the month ("Sudah disampaikan melalui lapor.go.id"), or "".
    result_note: str = ""
    remark: str = ""

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down (100 only when every report is selesai); None without reports."""
        if self.received == 0:
            return None
        return self.finished * 100 // self.received

    @property
    def printed_percent(self) -> str:
        return "-" if self.percent is None else str(self.percent)


def completion_rows(
    received: dict[int, int], finished: dict[int, int], notes: dict[int, tuple[str, str]] | None = None
) -> list[CompletionRow]:
    """Every month 1-12; ``notes``: month -> (hasil penanganan, keterangan)."""
    notes = notes or {}
    return [CompletionRow(m, received.get(m, 0), finished.get(m, 0), *notes.get(m, ("", ""))) for m in range(1, 13)]
