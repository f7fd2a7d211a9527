"""How the telaah of a body's cases ended, per month: not processed, forwarded, merged, or
followed up by an audit investigasi (triage's telaah-decided). A case counts in the month of its
decision, in the body's local months."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

OUTCOMES = ("tidak-diproses", "diteruskan", "digabung", "audit-investigasi")


@dataclass(frozen=True)
class DecisionCount:
    month: int
    outcome: str
    count: int


@dataclass(frozen=True)
class DecisionRecap:
    year: int
    #: month (1-12) -> outcome -> count; every month and every outcome present.
    months: dict[int, dict[str, int]]
    by_outcome: dict[str, int]


def decision_recap(year: int, rows: list[DecisionCount]) -> DecisionRecap:
    months: dict[int, dict[str, int]] = {m: dict.fromkeys(OUTCOMES, 0) for m in range(1, 13)}
    totals: dict[str, int] = defaultdict(int, dict.fromkeys(OUTCOMES, 0))
    for row in rows:
        months[row.month][row.outcome] = months[row.month].get(row.outcome, 0) + row.count
        totals[row.outcome] += row.count
    return DecisionRecap(year, months, dict(totals))
