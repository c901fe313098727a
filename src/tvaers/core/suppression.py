"""Statistical disclosure control for every aggregate table and chart (DOMAIN §3.7).

Primary suppression hides a cell whose count of distinct persons (citizens, or families where the
unit is the family) lies in ``1 .. threshold - 1``; the default threshold is 5. **Decision: cells
with count 0 are published** — an empty cell says nothing about any person. Hiding a cell hides
every measure it carries (amounts in kroner and the like), not only its count.

Secondary suppression protects the hidden cells of one- and two-dimensional tables with marginal
totals. Every total belongs to the lines it sums and to the line it is a member of (a row total is a
cell of the total column). Two rules are applied until neither finds anything to do:

1. a line (row, column, or the list of groups of a 1-D table) with exactly one hidden cell gets one
   more: the published cell with the smallest non-zero count, zeros last, ties by position
   (row-major, totals last);
2. a hidden cell that can still be solved from the published values of the linear system "members
   sum to the total" (see :func:`recoverable_cells`) gets a partner that closes a cycle around it.

Each round hides one more cell, so the loop ends; hiding everything is safe, which is the
fallback.

Across requests: a cell whose set of units differs by 1-4 from a set published before (any user,
any request, the same purpose) is hidden like a small one (:data:`Reason.EARLIER`, the set passed
as ``earlier``); :mod:`tvaers.store.publications` remembers the sets and :func:`differs_little` is
the rule. Only the row/column equations are guarded against: a hidden cell is never derivable
exactly, but bounds (a hidden cell is at most its line's remainder) remain visible, and no
dominance rule is applied to amounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import product
from typing import TypeVar, cast

SMALL_CELL = 5  # fewer persons than this in a published figure: hidden
TOTAL = "I alt"
SUPPRESSED_MARKER = "(skjult)"
SECONDARY_NOTE = "Skjult for at beskytte en anden celle"
DIFFERENCE_NOTE = f"Skjult: afviger med færre end {SMALL_CELL} fra et andet vist tal"
EARLIER_NOTE = (
    f"Skjult: gruppen afviger med færre end {SMALL_CELL} borgere eller familier fra en gruppe, "
    "der er vist før, så tallene for dem kunne regnes ud"
)
TABLE_NOTE = (
    f"Celler med færre end {SMALL_CELL} borgere er skjult, og så mange andre, at de ikke kan "
    "regnes ud fra totalerne."
)


def differs_little(units: int, threshold: int = SMALL_CELL) -> bool:
    """Whether two published sets that differ by ``units`` units would give a small cell away:
    their difference counts 1 to ``threshold - 1`` units."""
    return 0 < units < threshold


def hidden_note(who: str = "borgere eller familier", threshold: int = SMALL_CELL) -> str:
    """The note on a hidden cell: «Skjult: færre end 5 borgere eller familier»."""
    return f"Skjult: færre end {threshold} {who}".rstrip()


Key = tuple[str, ...]
Line = tuple[tuple[Key, ...], Key]  # members, and the total they sum to
_T = TypeVar("_T", int, Decimal)
# Accept dicts keyed by 1-tuples or 2-tuples as well as by tuple[str, ...] (Mapping keys are
# invariant, so a plain ``Mapping[Key, int]`` would refuse a ``dict[tuple[str, str], int]``).
Counts = Mapping[tuple[str], int] | Mapping[tuple[str, str], int] | Mapping[Key, int]
Amounts = Mapping[tuple[str], Decimal] | Mapping[tuple[str, str], Decimal] | Mapping[Key, Decimal]


class Reason(StrEnum):
    """Why a cell is hidden."""

    PRIMARY = "primary"  # too few persons in the cell itself
    SECONDARY = "secondary"  # hidden so that another hidden cell cannot be recovered
    EARLIER = "earlier"  # its units differ by 1-4 from a set published before


@dataclass(frozen=True)
class Cell:
    """One cell after suppression: its values when published, else ``None`` and a reason."""

    count: int | None
    measures: Mapping[str, Decimal] | None
    reason: Reason | None = None
    note: str | None = None  # Danish explanation for the user when hidden

    @property
    def published(self) -> bool:
        return self.reason is None

    @property
    def display(self) -> str:
        """The count as shown in a table (Danish thousands separator), or the marker."""
        return SUPPRESSED_MARKER if self.count is None else f"{self.count:,}".replace(",", ".")


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to show: every cell, totals included, keyed by its labels.

    ``axes`` holds the labels of each dimension, with :data:`TOTAL` last when totals are shown.
    Hidden values are not kept, so the object can be handed to any view as it is.
    """

    axes: tuple[tuple[str, ...], ...]
    cells: Mapping[Key, Cell]
    lines: tuple[Line, ...] = ()

    def cell(self, *labels: str) -> Cell:
        return self.cells[labels]

    @property
    def hidden(self) -> set[Key]:
        return {key for key, cell in self.cells.items() if not cell.published}


@dataclass(frozen=True)
class Table2D:
    """A two-dimensional table of counts (rows × columns), optionally with measures per cell."""

    row_labels: Sequence[str]
    column_labels: Sequence[str]
    counts: Sequence[Sequence[int]]
    measures: Mapping[str, Sequence[Sequence[Decimal]]] = field(default_factory=dict)
    with_totals: bool = True

    def suppress(self, threshold: int = SMALL_CELL, unit: str = "borgere") -> SuppressedTable:
        """Apply primary and secondary suppression; see :func:`suppress_counts`."""
        for name, grid in {"antal": self.counts, **self.measures}.items():
            if len(grid) != len(self.row_labels) or any(
                len(row) != len(self.column_labels) for row in grid
            ):
                raise ValueError(f"Tabellen '{name}' passer ikke til række- og kolonneoverskrifter")
        if len(set(self.row_labels)) != len(self.row_labels) or len(set(self.column_labels)) != len(
            self.column_labels
        ):
            raise ValueError("Række- og kolonneoverskrifter skal være forskellige")

        return suppress_counts(
            self._keyed(self.counts),
            measures={name: self._keyed(grid) for name, grid in self.measures.items()},
            threshold=threshold,
            unit=unit,
            with_totals=self.with_totals,
        )

    def _keyed(self, grid: Sequence[Sequence[_T]]) -> dict[Key, _T]:
        return {
            (row, col): grid[i][j]
            for i, row in enumerate(self.row_labels)
            for j, col in enumerate(self.column_labels)
        }


def suppress_groups(
    counts: Mapping[str, int],
    measures: Mapping[str, Mapping[str, Decimal]] | None = None,
    *,
    threshold: int = SMALL_CELL,
    unit: str = "borgere",
    with_total: bool = True,
    earlier: Iterable[str] = (),
) -> SuppressedTable:
    """Suppress a plain list of groups with a total (1-D); read cells as ``table.cell(group)``.
    ``earlier`` names the groups (or :data:`TOTAL`) hidden for a set published before."""
    return suppress_counts(
        {(group,): count for group, count in counts.items()},
        measures={
            name: {(group,): value for group, value in values.items()}
            for name, values in (measures or {}).items()
        },
        threshold=threshold,
        unit=unit,
        with_totals=with_total,
        earlier=[(group,) for group in earlier],
    )


def suppress_counts(
    cells: Counts,
    *,
    measures: Mapping[str, Amounts] | None = None,
    threshold: int = SMALL_CELL,
    unit: str = "borgere",
    with_totals: bool = True,
    earlier: Iterable[Key] = (),
    totals: Mapping[Key, int] | None = None,
) -> SuppressedTable:
    """Suppress a 1-D or 2-D table given as ``{labels: count}``; missing combinations count 0.

    ``totals`` gives the distinct units of total cells where a unit can be in several cells (a
    citizen with a draw in two areas): those counts are checked and published, not the sums.

    ``earlier`` names cells whose units differ by 1-4 from a set published before: they are
    hidden like small ones, with their own note, and protected by secondary suppression too.

    ``measures`` maps a measure name to ``{labels: value}``; totals are sums. Labels keep the order
    in which they first appear, and that order is the tie-break. ``unit`` (Danish plural, e.g.
    ``"familier"``) only goes into the explanation shown for a hidden cell.
    """
    if threshold < 1:
        raise ValueError("Grænsen for små celler skal være mindst 1")
    if not cells or {len(key) for key in cells} not in ({1}, {2}):
        raise ValueError("Tabellen skal have én eller to dimensioner og mindst én celle")
    if any(count < 0 for count in cells.values()):
        raise ValueError("Et antal kan ikke være negativt")
    dims = len(next(iter(cells)))
    axes = tuple(tuple(dict.fromkeys(key[i] for key in cells)) for i in range(dims))
    if any(TOTAL in axis for axis in axes):
        raise ValueError(f"Overskriften '{TOTAL}' er forbeholdt totaler")
    shown_axes = tuple((*axis, TOTAL) if with_totals else axis for axis in axes)
    order = list(product(*shown_axes))
    lines = tuple(
        (tuple((*key[:i], label, *key[i + 1 :]) for label in axes[i]), key)
        for key in order
        for i in range(dims)
        if key[i] == TOTAL
    )
    counts = {key: _sum(key, axes, cast(Mapping[Key, int], cells), 0) for key in order}
    counts.update({key: count for key, count in (totals or {}).items() if key in counts})
    sums = {
        name: {
            key: _sum(key, axes, cast(Mapping[Key, Decimal], values), Decimal(0)) for key in order
        }
        for name, values in (measures or {}).items()
    }
    hidden = _suppress_pattern(order, counts, lines, threshold, set(earlier))
    primary_note = hidden_note(unit, threshold)
    notes = {Reason.PRIMARY: primary_note, Reason.SECONDARY: SECONDARY_NOTE,
             Reason.EARLIER: EARLIER_NOTE}  # fmt: skip
    result: dict[Key, Cell] = {}
    for key in order:
        reason = hidden.get(key)
        if reason is None:
            result[key] = Cell(counts[key], {name: sums[name][key] for name in sums})
        else:
            result[key] = Cell(None, None, reason, notes[reason])
    return SuppressedTable(shown_axes, result, lines)


def recoverable_cells(table: SuppressedTable) -> set[Key]:
    """Hidden cells whose exact value follows from the published cells and the totals.

    Solves the linear system "members sum to the total" of every line over the hidden cells
    (exact Gaussian elimination): a cell is recoverable when its unit vector lies in the row space.
    This finds everything repeated single-unknown elimination along rows and columns finds, and
    also cells that need several lines combined. After suppression the result is always empty.
    """
    return _determined(table.lines, table.hidden)


def _sum(key: Key, axes: tuple[tuple[str, ...], ...], values: Mapping[Key, _T], zero: _T) -> _T:
    spans = [axis if label == TOTAL else (label,) for label, axis in zip(key, axes, strict=True)]
    return sum((values.get(base, zero) for base in product(*spans)), zero)


def _suppress_pattern(
    order: list[Key],
    counts: Mapping[Key, int],
    lines: tuple[Line, ...],
    threshold: int,
    earlier: set[Key],
) -> dict[Key, Reason]:
    position = {key: i for i, key in enumerate(order)}

    def preference(key: Key) -> tuple[bool, int, int]:
        return counts[key] == 0, counts[key], position[key]

    hidden = {key: Reason.PRIMARY for key in order if 0 < counts[key] < threshold}
    hidden.update({key: Reason.EARLIER for key in order if key in earlier and key not in hidden})
    while True:
        lonely = next((ln for ln in lines if sum(k in hidden for k in (*ln[0], ln[1])) == 1), None)
        if lonely is not None:
            choice = min((k for k in (*lonely[0], lonely[1]) if k not in hidden), key=preference)
        else:
            exposed = _determined(lines, set(hidden))
            if not exposed:
                return hidden
            first = min(exposed, key=position.__getitem__)
            choice = min(_partners(first, order, lines, hidden), key=preference)
        hidden[choice] = Reason.SECONDARY


def _partners(
    exposed: Key, order: list[Key], lines: tuple[Line, ...], hidden: Mapping[Key, Reason]
) -> list[Key]:
    """Published cells whose hiding puts ``exposed`` on a cycle of hidden cells.

    In a table with margins every cell lies on two lines; hidden cells are edges between lines.
    A derivable cell is a bridge in that graph: it joins two parts that nothing else joins.
    Any published cell with one line in each part closes a cycle through it.
    """
    lines_of: dict[Key, list[int]] = {key: [] for key in order}
    for index, (members, total) in enumerate(lines):
        for key in (*members, total):
            lines_of[key].append(index)

    def reach(start: int) -> set[int]:
        seen, todo = {start}, [start]
        while todo:
            members, total = lines[todo.pop()]
            for key in (*members, total):
                if key in hidden and key != exposed:
                    new = [i for i in lines_of[key] if i not in seen]
                    seen.update(new)
                    todo.extend(new)
        return seen

    ends = lines_of[exposed]
    if len(ends) != 2:  # not a table with margins in both directions: hide the rest
        return [key for key in order if key not in hidden]
    side_a, side_b = reach(ends[0]), reach(ends[1])
    bridging = [
        key
        for key in order
        if key not in hidden and _touches(lines_of[key], side_a) and _touches(lines_of[key], side_b)
    ]
    return bridging or [key for key in order if key not in hidden]


def _touches(indices: Iterable[int], side: set[int]) -> bool:
    return any(i in side for i in indices)


def _determined(lines: Iterable[Line], unknown: set[Key]) -> set[Key]:
    columns = sorted(unknown)
    index = {key: i for i, key in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for members, total in lines:
        row = [Fraction(0)] * len(columns)
        for key, sign in [*((m, 1) for m in members), (total, -1)]:
            if key in index:
                row[index[key]] += sign
        if any(row):
            rows.append(row)
    pivots: list[int] = []
    for col in range(len(columns)):
        top = len(pivots)
        found = next((r for r in range(top, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        rows[top] = [value / rows[top][col] for value in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append(col)
    return {columns[col] for r, col in enumerate(pivots) if sum(v != 0 for v in rows[r]) == 1}
