"""Small counts suppressed in public statistics: none shown, and none recoverable from the totals."""

from __future__ import annotations

import random
from collections.abc import Hashable

import pytest

from wbs_reporting.domain.suppression import Hidden, Line, Shown, suppress


def table(rows: list[list[int]]) -> tuple[dict[Hashable, int], list[Line]]:
    """A table with row, column and grand totals, as its cells and lines."""
    counts: dict[Hashable, int] = {}
    lines: list[Line] = []
    width = len(rows[0])
    for r, row in enumerate(rows):
        for c, n in enumerate(row):
            counts[("cell", r, c)] = n
        counts[("row", r)] = sum(row)
        lines.append(Line(("row", r), tuple(("cell", r, c) for c in range(width))))
    for c in range(width):
        counts[("col", c)] = sum(row[c] for row in rows)
        lines.append(Line(("col", c), tuple(("cell", r, c) for r in range(len(rows)))))
    counts["all"] = sum(map(sum, rows))
    lines.append(Line("all", tuple(("row", r) for r in range(len(rows)))))
    lines.append(Line("all", tuple(("col", c) for c in range(width))))
    return counts, lines


def recoverable(shown: dict[Hashable, Shown], lines: list[Line]) -> set[Hashable]:
    """What a reader works out exactly by subtraction, line after line, from what is shown."""
    known = {k: s.value for k, s in shown.items() if s.hidden is None}
    found: set[Hashable] = set()
    progress = True
    while progress:
        progress = False
        for line in lines:
            members = (*line.parts, line.total)
            unknown = [k for k in members if k not in known]
            if len(unknown) != 1:
                continue
            (key,) = unknown
            parts = sum(known[p] or 0 for p in line.parts if p != key)
            known[key] = (known[line.total] or 0) - parts if key != line.total else parts
            found.add(key)
            progress = True
    return found


def test_a_small_count_is_shown_as_below_the_threshold_and_its_neighbour_hides_it() -> None:
    counts, lines = table([[12, 3, 20], [8, 9, 15]])
    shown = suppress(counts, lines)
    assert shown[("cell", 0, 1)] == Shown(None, Hidden.SMALL)
    assert shown[("cell", 0, 1)].text() == "< 5"
    # Row 0 shows 12 + ? + 20 = 35 and column 1 shows 3 + 9 = 12: one more number of each must go.
    assert shown[("cell", 0, 0)].hidden is Hidden.PROTECTING  # the smallest other of row 0
    assert shown[("cell", 0, 0)].text() == "x"
    assert shown[("cell", 1, 1)].hidden is Hidden.PROTECTING  # the only other of column 1
    assert shown[("cell", 1, 0)].hidden is Hidden.PROTECTING  # then column 0 and row 1 in turn
    assert shown[("cell", 1, 2)].value == 15
    assert shown["all"].value == 67
    assert recoverable(shown, lines) == set()


def test_zero_is_shown_and_a_lone_small_count_hides_its_total() -> None:
    counts, lines = table([[0, 2], [0, 0]])
    shown = suppress(counts, lines)
    assert shown[("cell", 0, 0)].value == 0
    assert shown[("cell", 0, 1)].text() == "< 5"
    assert shown[("row", 0)].hidden is not None
    assert shown[("col", 1)].hidden is not None
    assert shown["all"].hidden is not None
    assert recoverable(shown, lines) == set()


def test_counts_of_five_and_more_are_shown_as_they_are() -> None:
    counts, lines = table([[5, 6], [7, 100]])
    assert all(s.hidden is None and s.value == counts[k] for k, s in suppress(counts, lines).items())


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_show_no_small_count_and_let_none_be_worked_out(seed: int) -> None:
    chance = random.Random(seed)
    width = chance.randint(1, 6)
    rows = [
        [chance.choice([0, 0, 1, 2, 3, 4, 5, 8, 13, 40]) for _ in range(width)] for _ in range(chance.randint(1, 8))
    ]
    counts, lines = table(rows)
    shown = suppress(counts, lines)
    for key, n in counts.items():
        if 0 < n < 5:
            assert shown[key].hidden is not None, key
        if shown[key].hidden is None:
            assert shown[key].value == n
    for line in lines:
        assert sum(1 for k in (*line.parts, line.total) if shown[k].hidden) != 1
    small = {k for k, n in counts.items() if 0 < n < 5}
    assert not (recoverable(shown, lines) & small)


def test_parts_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(ValueError, match="do not add up"):
        suppress({"a": 1, "b": 1, "t": 3}, [Line("t", ("a", "b"))])
