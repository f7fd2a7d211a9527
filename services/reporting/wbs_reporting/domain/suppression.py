"""Small counts hidden from public statistics, so that nobody can be singled out.

The rule (what the public page explains in a sentence):

1. **Primary suppression.** A count from 1 to ``threshold - 1`` (1–4 with the default 5) is shown
   as ``< 5``, never as itself. Zero is shown: "nobody reported this" singles nobody out.
2. **Complementary suppression.** A published table has totals (a month's total, a category's
   total, the grand total), and a total is the sum of its parts. If a line (a total and its parts)
   hid exactly one number, subtracting the others from the total would give it back. So while
   some line hides exactly one of its numbers, one more number of that line is hidden: the
   smallest shown part above zero, else the line's total, else (the total already hidden, every
   other part zero) a zero part. A number hidden this way is shown as
   ``x``: it may be large; it is hidden only to protect a small one. This repeats until every line
   hides none or at least two of its numbers; totals shared by several lines (the months' totals
   belong to the table by category and to the table by status) are one number, so hiding it
   counts in every line it belongs to.

3. **No recovery by combining lines.** Two hidden numbers per line do not suffice: adding and
   subtracting several lines (a month's row, a category's column, the totals) can still give a
   hidden number back exactly. So every hidden number is then checked by exact Gaussian
   elimination (rational, ``fractions.Fraction``) over all the lines, the shown numbers put in: while
   some hidden number is determined by the shown ones, one more number of a line it belongs to is
   hidden (as in 2.), until no hidden number can be worked out.

This stops exact recovery by any linear combination, though bounds remain (a hidden small count is
between 1 and 4, which ``< 5`` says anyway).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

DEFAULT_THRESHOLD = 5


class Hidden(StrEnum):
    #: A small count (primary suppression).
    SMALL = "small"
    #: Any count, hidden so that a small one cannot be worked out (complementary suppression).
    PROTECTING = "protecting"


@dataclass(frozen=True)
class Line:
    """A total and the parts that sum to it (cell keys of the same table)."""

    total: Hashable
    parts: tuple[Hashable, ...]


@dataclass(frozen=True)
class Shown:
    """One published number: its value, or why it is hidden (then ``value`` is None)."""

    value: int | None
    hidden: Hidden | None = None

    def text(self, threshold: int = DEFAULT_THRESHOLD) -> str:
        if self.hidden is Hidden.SMALL:
            return f"< {threshold}"
        if self.hidden is Hidden.PROTECTING:
            return "x"
        return str(self.value)


def suppress(
    counts: Mapping[Hashable, int], lines: Sequence[Line], threshold: int = DEFAULT_THRESHOLD
) -> dict[Hashable, Shown]:
    """What may be published of ``counts`` (every cell and total, by key), given the ``lines`` that
    tie totals to their parts. See the module's docstring for the rule."""
    if threshold < 2:
        raise ValueError("a threshold below 2 hides nothing")
    for line in lines:
        if not line.parts:
            raise ValueError(f"the line of {line.total!r} has no parts")
        missing = [k for k in (line.total, *line.parts) if k not in counts]
        if missing:
            raise KeyError(f"no count for {missing!r}")
        if sum(counts[p] for p in line.parts) != counts[line.total]:
            raise ValueError(f"the parts of {line.total!r} do not add up to it")
    hidden: dict[Hashable, Hidden] = {k: Hidden.SMALL for k, n in counts.items() if 0 < n < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            members = (*line.parts, line.total)
            if sum(1 for k in members if k in hidden) != 1:
                continue
            hidden[_complement(line, counts, hidden)] = Hidden.PROTECTING
            changed = True
    while determined := determined_cells(counts, lines, hidden.keys()):
        more = _more_protection(determined[0], lines, counts, hidden)
        if more is None:
            break  # everything is hidden already
        hidden[more] = Hidden.PROTECTING
    return {k: Shown(None, hidden[k]) if k in hidden else Shown(n) for k, n in counts.items()}


def _complement(line: Line, counts: Mapping[Hashable, int], hidden: Mapping[Hashable, Hidden]) -> Hashable:
    """The number of ``line`` to hide beside its one hidden number: the smallest shown part above
    zero (ties: the first in the line's order), else a shown zero part, else the total."""
    shown_parts = [p for p in line.parts if p not in hidden]
    above_zero = [p for p in shown_parts if counts[p] > 0]
    if above_zero:
        return min(above_zero, key=lambda p: counts[p])
    if line.total not in hidden:
        return line.total
    return shown_parts[0]  # the total is hidden and every other part is zero: hide a zero


def determined_cells(
    counts: Mapping[Hashable, int], lines: Sequence[Line], hidden: Iterable[Hashable]
) -> list[Hashable]:
    """The hidden numbers that the shown ones determine through the lines, by any linear combination
    of them: exact Gaussian elimination over the rationals (the tables are small). A hidden number is
    determined exactly when its unit vector is in the row space of the lines' equations on the hidden
    numbers, that is when the reduced row echelon form has a row with that one number alone."""
    unknown = list(dict.fromkeys(hidden))
    column = {k: i for i, k in enumerate(unknown)}
    rows: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(unknown)
        for key, sign in ((line.total, -1), *((p, 1) for p in line.parts)):
            if key in column:
                row[column[key]] += sign
        if any(row):
            rows.append(row)
    pivots = _reduce(rows, len(unknown))
    found = []
    for r, c in pivots:
        if all(v == 0 for j, v in enumerate(rows[r]) if j != c):
            found.append(unknown[c])
    return found


def _reduce(rows: list[list[Fraction]], width: int) -> list[tuple[int, int]]:
    """Bring ``rows`` to reduced row echelon form in place; the (row, column) of each pivot."""
    pivots: list[tuple[int, int]] = []
    r = 0
    for c in range(width):
        pick = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, c))
        r += 1
        if r == len(rows):
            break
    return pivots


def _more_protection(
    exposed: Hashable, lines: Sequence[Line], counts: Mapping[Hashable, int], hidden: Mapping[Hashable, Hidden]
) -> Hashable | None:
    """A shown number to hide beside ``exposed`` (a hidden number the shown ones determine): of the
    lines it belongs to, the smallest shown part above zero, else a shown total, else a shown zero."""
    candidates: list[tuple[int, int, Hashable]] = []
    for line in lines:
        if exposed != line.total and exposed not in line.parts:
            continue
        for order, key in enumerate((*line.parts, line.total)):
            if key in hidden:
                continue
            if key != line.total and counts[key] > 0:
                rank = 0
            elif key == line.total:
                rank = 1
            else:
                rank = 2
            candidates.append((rank, counts[key] if rank == 0 else order, key))
    if not candidates:  # every number of its lines is hidden: only other lines tie it; hide the smallest shown
        shown = [k for k in counts if k not in hidden]
        return min(shown, key=lambda k: counts[k]) if shown else None
    return min(candidates, key=lambda c: (c[0], c[1]))[2]
