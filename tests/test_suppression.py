"""Disclosure control: small cells hidden, and no hidden cell recoverable from published totals."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tvaers.core.suppression import (
    SECONDARY_NOTE,
    SUPPRESSED_MARKER,
    TOTAL,
    Cell,
    Key,
    Reason,
    SuppressedTable,
    Table2D,
    recoverable_cells,
    suppress_counts,
    suppress_groups,
)

# Counts 0–60, with small counts drawn often enough that most tables need suppression.
counts_st = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables_2d(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[int]]]:
    n_rows, n_cols = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    rows = [f"r{i}" for i in range(n_rows)]
    cols = [f"k{j}" for j in range(n_cols)]
    return rows, cols, [[draw(counts_st) for _ in cols] for _ in rows]


def single_unknown_elimination(table: SuppressedTable) -> set[Key]:
    """The attacker of the brief, written independently: solve any line with one unknown."""
    unknown = set(table.hidden)
    solved: set[Key] = set()
    progress = True
    while progress:
        progress = False
        for members, total in table.lines:
            missing = [key for key in (*members, total) if key in unknown]
            if len(missing) == 1:
                unknown.discard(missing[0])
                solved.add(missing[0])
                progress = True
    return solved


def expected_2d(rows: list[str], cols: list[str], counts: list[list[int]]) -> dict[Key, int]:
    """Every cell of the full table, totals computed here and not by the module."""
    cells: dict[Key, int] = {
        (r, c): counts[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)
    }
    for i, r in enumerate(rows):
        cells[(r, TOTAL)] = sum(counts[i])
    for j, c in enumerate(cols):
        cells[(TOTAL, c)] = sum(row[j] for row in counts)
    cells[(TOTAL, TOTAL)] = sum(map(sum, counts))
    return cells


def amounts(counts: list[list[int]]) -> list[list[Decimal]]:
    return [[Decimal(n) * Decimal("1234.50") for n in row] for row in counts]


def assert_safe(table: SuppressedTable, original: dict[Key, int], threshold: int = 5) -> None:
    assert set(table.cells) == set(original)
    for key, cell in table.cells.items():
        if cell.published:
            assert cell.count == original[key]  # (c) published values are exactly the originals
            assert not 0 < original[key] < threshold  # (a) no small count is published
            assert cell.reason is None and cell.note is None
        else:
            assert cell.count is None and cell.measures is None
            assert cell.display == SUPPRESSED_MARKER
            if cell.reason is Reason.PRIMARY:
                assert 0 < original[key] < threshold
    assert recoverable_cells(table) == set()  # (b) nothing derivable, by exact linear algebra
    assert single_unknown_elimination(table) == set()  # and not by the simple attacker either


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(counts_st, min_size=1, max_size=8))
def test_groups_are_safe_exact_and_deterministic(counts: list[int]) -> None:
    groups = {f"g{i}": n for i, n in enumerate(counts)}
    spend = {"udgift": {g: Decimal(n) * 10 for g, n in groups.items()}}
    table = suppress_groups(groups, spend)
    original: dict[Key, int] = {(g,): n for g, n in groups.items()}
    original[(TOTAL,)] = sum(counts)
    assert_safe(table, original)
    for (label,), cell in table.cells.items():
        if cell.published:
            assert cell.measures == {"udgift": Decimal(original[(label,)]) * 10}
    assert suppress_groups(groups, spend) == table  # (d)
    assert len(table.hidden) != 1  # one hidden cell in a line with its total is always exposed


@settings(max_examples=300, deadline=None)
@given(tables_2d())
def test_2d_tables_are_safe_exact_and_deterministic(
    table: tuple[list[str], list[str], list[list[int]]],
) -> None:
    rows, cols, counts = table
    source = Table2D(rows, cols, counts, measures={"udgift": amounts(counts)})
    result = source.suppress()
    original = expected_2d(rows, cols, counts)
    assert_safe(result, original)
    for key, cell in result.cells.items():
        if cell.published:
            assert cell.measures == {"udgift": Decimal(original[key]) * Decimal("1234.50")}
    for members, total in result.lines:  # every row and column: zero or at least two hidden
        assert sum(key in result.hidden for key in (*members, total)) != 1
    assert source.suppress() == result  # (d)


@settings(max_examples=100, deadline=None)
@given(tables_2d(), st.integers(1, 12))
def test_any_threshold_is_respected(
    table: tuple[list[str], list[str], list[list[int]]], threshold: int
) -> None:
    rows, cols, counts = table
    result = Table2D(rows, cols, counts).suppress(threshold=threshold)
    assert_safe(result, expected_2d(rows, cols, counts), threshold=threshold)


# --- examples a user would recognise ----------------------------------------------------------

AREAS = ["Børn og unge", "Voksne", "Beskæftigelse"]
NUMBER_OF_AREAS = ["1 område", "2 områder", "3+ områder"]


def test_families_by_sector_area_and_number_of_areas() -> None:
    counts = [[20, 12, 3], [30, 9, 7], [15, 11, 6]]
    table = Table2D(AREAS, NUMBER_OF_AREAS, counts).suppress(unit="familier")
    small = table.cell("Børn og unge", "3+ områder")
    assert small.reason is Reason.PRIMARY and small.note == "Skjult: færre end 5 familier"
    # one small cell needs a rectangle of hidden cells: two per row and column involved
    assert table.hidden == {
        ("Børn og unge", "2 områder"),
        ("Børn og unge", "3+ områder"),
        ("Voksne", "2 områder"),
        ("Voksne", "3+ områder"),
    }
    complementary = table.cell("Voksne", "3+ områder")
    assert complementary.reason is Reason.SECONDARY and complementary.note == SECONDARY_NOTE
    # every total is shown
    assert [table.cell(area, TOTAL).count for area in AREAS] == [35, 46, 32]
    assert [table.cell(TOTAL, n).count for n in NUMBER_OF_AREAS] == [65, 32, 16]
    assert table.cell(TOTAL, TOTAL).display == "113"
    assert table.axes == (
        (*AREAS, TOTAL),
        (*NUMBER_OF_AREAS, TOTAL),
    )


def test_a_list_of_groups_hides_the_small_group_and_the_smallest_other() -> None:
    table = suppress_groups({"Børn og unge": 3, "Voksne": 40, "Handicap": 0, "Sundhed": 12})
    assert table.hidden == {("Børn og unge",), ("Sundhed",)}
    assert table.cell("Handicap").count == 0  # an empty group is published
    assert table.cell(TOTAL).count == 55


def test_groups_tie_break_is_by_position() -> None:
    table = suppress_groups({"a": 2, "b": 9, "c": 9})
    assert table.hidden == {("a",), ("b",)}


def test_when_only_the_total_is_left_the_total_is_hidden() -> None:
    table = suppress_groups({"a": 3, "b": 0, "c": 0})
    assert table.hidden == {("a",), (TOTAL,)}
    assert table.cell("b").count == 0


def test_small_total_is_hidden_with_its_line() -> None:
    table = suppress_groups({"a": 1, "b": 2, "c": 0})
    assert table.hidden == {("a",), ("b",), (TOTAL,)}
    assert table.cell(TOTAL).reason is Reason.PRIMARY


def test_nothing_hidden_when_no_cell_is_small() -> None:
    table = Table2D(["a", "b"], ["x", "y"], [[5, 0], [12, 7]]).suppress()
    assert table.hidden == set()
    assert table.cell("a", "y").count == 0


def test_hiding_a_cell_hides_its_amounts() -> None:
    table = suppress_groups(
        {"a": 2, "b": 30, "c": 50},
        {"udgift": {"a": Decimal("90000.00"), "b": Decimal("1.00"), "c": Decimal("2.00")}},
    )
    assert table.cell("a") == Cell(None, None, Reason.PRIMARY, "Skjult: færre end 5 borgere")
    assert table.cell("c").measures == {"udgift": Decimal("2.00")}
    assert table.cell(TOTAL).measures == {"udgift": Decimal("90003.00")}


def test_single_column_table_hides_the_matching_row_total() -> None:
    table = Table2D(["a", "b", "c"], ["x"], [[3], [20], [30]]).suppress()
    assert_safe(table, expected_2d(["a", "b", "c"], ["x"], [[3], [20], [30]]))
    assert ("a", TOTAL) in table.hidden  # a row total equal to the hidden cell


def test_without_totals_only_small_cells_are_hidden() -> None:
    table = suppress_counts({("a", "x"): 3, ("a", "y"): 9, ("b", "x"): 8}, with_totals=False)
    assert table.hidden == {("a", "x")}
    assert table.cell("b", "y").count == 0  # a missing combination counts 0
    assert TOTAL not in table.axes[0]


# --- the checker can fail ----------------------------------------------------------------------


def hide(table: SuppressedTable, keys: set[Key]) -> SuppressedTable:
    cells = {
        key: Cell(None, None, Reason.PRIMARY) if key in keys else cell
        for key, cell in table.cells.items()
    }
    return dataclasses.replace(table, cells=cells)


def test_naive_suppression_is_caught() -> None:
    counts = [[20, 12, 3], [30, 9, 7], [15, 11, 6]]
    published = Table2D(AREAS, NUMBER_OF_AREAS, counts).suppress(threshold=1)
    assert published.hidden == set()
    naive = hide(published, {("Børn og unge", "3+ områder")})
    assert recoverable_cells(naive) == {("Børn og unge", "3+ områder")}
    assert single_unknown_elimination(naive) == {("Børn og unge", "3+ områder")}


def test_two_hidden_per_line_is_not_enough() -> None:
    """Two hidden rectangles joined by one hidden cell: every line has two or more hidden cells,
    yet the joining cell is the sum of two rows minus two columns. The simple attacker misses it."""
    labels = ["a", "b", "c", "d"]
    cells = {(r, c): 20 for r in labels for c in labels}
    published = suppress_counts(cells, threshold=1)
    square = {("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")}
    other = {("c", "c"), ("c", "d"), ("d", "c"), ("d", "d")}
    bridged = hide(published, square | other | {("b", "c")})
    assert single_unknown_elimination(bridged) == set()
    assert recoverable_cells(bridged) == {("b", "c")}


def test_suppression_closes_such_a_bridge() -> None:
    labels = ["a", "b", "c", "d"]
    small = {("a", "a"), ("a", "b"), ("b", "a"), ("b", "b"), ("c", "c"), ("c", "d")}
    small |= {("d", "c"), ("d", "d"), ("b", "c")}
    cells = {(r, c): 2 if (r, c) in small else 20 for r in labels for c in labels}
    table = suppress_counts(cells)
    assert small < table.hidden
    assert {key for key in table.hidden if table.cells[key].reason is Reason.PRIMARY} == small
    assert recoverable_cells(table) == set()


# --- refused input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: suppress_groups({"a": -1}), "negativt"),
        (lambda: suppress_groups({"a": 1}, threshold=0), "mindst 1"),
        (lambda: suppress_groups({TOTAL: 7}), "forbeholdt"),
        (lambda: suppress_counts({}), "mindst én celle"),
        (lambda: suppress_counts({("a",): 1, ("a", "b"): 2}), "dimensioner"),
        (lambda: suppress_counts({("a", "b", "c"): 1}), "dimensioner"),  # type: ignore[arg-type]
        (lambda: Table2D(["a"], ["x", "y"], [[1]]).suppress(), "passer ikke"),
        (lambda: Table2D(["a", "a"], ["x"], [[1], [2]]).suppress(), "forskellige"),
    ],
)
def test_bad_input_is_refused(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
