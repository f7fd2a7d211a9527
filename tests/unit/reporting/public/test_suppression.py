"""Small counts suppressed in public statistics: none shown, and none recoverable from the totals."""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping
from fractions import Fraction
from typing import Any

import pytest

from wbs_reporting.domain.publication import CaseStatus, Period, PublicCount, public_statistics
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


# -- recovery by combining lines: an attacker with an exact solver ----------------------------------


def _rank(rows: list[list[Fraction]]) -> int:
    """The rank of a rational matrix (rows copied: Gaussian elimination, exact)."""
    work = [list(r) for r in rows]
    rank = 0
    width = len(work[0]) if work else 0
    for c in range(width):
        pivot = next((i for i in range(rank, len(work)) if work[i][c] != 0), None)
        if pivot is None:
            continue
        work[rank], work[pivot] = work[pivot], work[rank]
        for i in range(rank + 1, len(work)):
            factor = work[i][c] / work[rank][c]
            work[i] = [a - factor * b for a, b in zip(work[i], work[rank], strict=True)]
        rank += 1
    return rank


def solved_exactly(shown: Mapping[Hashable, str | int | None], lines: list[Line]) -> set[Hashable]:
    """The hidden numbers (None) that some linear combination of the lines gives back from the shown
    ones. A hidden number is determined exactly when its column of the lines' equations is not in the
    span of the other hidden numbers' columns, i.e. dropping it lowers the rank."""
    hidden = [k for k, v in shown.items() if v is None]
    equations = []
    for line in lines:
        row = [Fraction((k in line.parts) - (k == line.total)) for k in hidden]
        if any(row):
            equations.append(row)
    full = _rank(equations)
    return {k for i, k in enumerate(hidden) if _rank([r[:i] + r[i + 1 :] for r in equations]) < full}


def published_cells(figures: Mapping[str, Any]) -> tuple[dict[Hashable, int | None], list[Line]]:
    """What a reader of a publication knows: every cell (None: hidden) and how they add up."""

    def value(text: str) -> int | None:
        return None if text == "x" or text.startswith("<") else int(text)

    cells: dict[Hashable, int | None] = {("all",): value(figures["total"])}
    months = [m["month"] for m in figures["months"]]
    categories = [c["slug"] for c in figures["categories"]]
    statuses = list(figures["by_status"])
    channels = [c["slug"] for c in figures["channels"]]
    for m in figures["months"]:
        cells[("m", m["month"])] = value(m["total"])
        cells.update({("m", m["month"], "cat", c): value(t) for c, t in m["by_category"].items()})
        cells.update({("m", m["month"], "st", s): value(t) for s, t in m["by_status"].items()})
    cells.update({("cat", c): value(t) for c, t in figures["by_category"].items()})
    cells.update({("st", s): value(t) for s, t in figures["by_status"].items()})
    cells.update({("ch", c): value(t) for c, t in figures["by_channel"].items()})
    lines = [Line(("m", m), tuple(("m", m, "cat", c) for c in categories)) for m in months]
    lines += [Line(("m", m), tuple(("m", m, "st", s) for s in statuses)) for m in months]
    lines += [Line(("cat", c), tuple(("m", m, "cat", c) for m in months)) for c in categories]
    lines += [Line(("st", s), tuple(("m", m, "st", s) for m in months)) for s in statuses]
    lines += [
        Line(("all",), tuple(("m", m) for m in months)),
        Line(("all",), tuple(("cat", c) for c in categories)),
        Line(("all",), tuple(("st", s) for s in statuses)),
        Line(("all",), tuple(("ch", c) for c in channels)),
    ]
    return cells, lines


def test_the_reviewers_minimal_example_is_not_recovered_by_combining_lines() -> None:
    # Two hidden numbers in every line, yet January × c (1) came back by adding and subtracting lines.
    rows = [
        PublicCount(1, "b", "web", CaseStatus.DALAM_PROSES, 2),
        PublicCount(1, "c", "web", CaseStatus.SELESAI, 1),
        PublicCount(2, "a", "web", CaseStatus.SELESAI, 3),
        PublicCount(2, "a", "web", CaseStatus.DALAM_PROSES, 3),
        PublicCount(2, "c", "web", CaseStatus.SELESAI, 3),
        PublicCount(3, "b", "web", CaseStatus.SELESAI, 3),
    ]
    figures = public_statistics(Period(2024), rows, categories=["a", "b", "c"])
    cells, lines = published_cells(figures)
    assert figures["months"][0]["by_category"]["c"] == "< 5"
    assert solved_exactly(cells, lines) == set()


@pytest.mark.parametrize("seed", range(25))
def test_random_publications_let_no_hidden_number_be_solved_exactly(seed: int) -> None:
    chance = random.Random(seed)
    categories = ["a", "b", "c", "d"][: chance.randint(1, 4)]
    rows = [
        PublicCount(m, c, chance.choice(["web", "surat"]), s, n)
        for m in range(1, chance.randint(1, 12) + 1)
        for c in categories
        for s in CaseStatus
        if (n := chance.choice([0, 0, 0, 1, 2, 3, 5, 6, 9]))
    ]
    figures = public_statistics(Period(2024), rows, categories=categories)
    cells, lines = published_cells(figures)
    assert solved_exactly(cells, lines) == set()
    small = {("m", r.month, "cat", r.category) for r in rows}
    for key in small:
        shown = cells[key]
        assert shown is None or not 0 < shown < 5


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_let_no_hidden_number_be_solved_exactly(seed: int) -> None:
    chance = random.Random(1000 + seed)
    width = chance.randint(1, 6)
    rows = [[chance.choice([0, 0, 1, 2, 3, 5, 8, 13]) for _ in range(width)] for _ in range(chance.randint(1, 8))]
    counts, lines = table(rows)
    shown = suppress(counts, lines)
    assert solved_exactly({k: s.value for k, s in shown.items()}, lines) == set()
