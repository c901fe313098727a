"""Level-to-level flows (Furesø's steps, the intervention staircase) and the moves up, down and
steady, published together so that neither gives the other's hidden cells away (issue 14).

The flow table (level at the start × at the end, with totals) is suppressed like every 2-D
table (:func:`tvaers.core.suppression.suppress_counts`: primary, secondary, across requests).
The three directions are a 1-D table whose total is the group, suppressed the same way. A shown
direction is the sum of the flow cells in its region (up: above the diagonal, down: below,
steady: on it), so each shown direction adds a line "the region's cells sum to it" to the flow
table's equations; while a hidden cell can be solved from them (exactly, over all lines at once:
:func:`~tvaers.core.suppression.recoverable_cells`) one more cell of its region is hidden — the
smallest shown non-zero one — or, when the region has none, the direction is hidden too.
"""

from __future__ import annotations

from dataclasses import replace

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.sketch import Sketch
from tvaers.core.suppression import (
    SECONDARY_NOTE,
    TOTAL,
    Cell,
    Key,
    SuppressedTable,
    recoverable_cells,
    suppress_counts,
)
from tvaers.draw.economy_sets import kind as cell_kind
from tvaers.engine.sketches import sketches
from tvaers.followup.results_model import Direction, direction
from tvaers.store.publications import Ledger

DIRECTION = "retning"
MAX_ROUNDS = 200  # each round hides one more cell or direction: a few dozen cells at most


def _region(key: Key) -> Direction | None:
    if TOTAL in key:
        return None
    return direction(int(key[0]), int(key[1]))


def flows(
    backend: Backend, moves: ir.Table, kind: str, start: str, end: str, levels: list[int],
    prefix: str, ledger: Ledger,
) -> tuple[SuppressedTable, SuppressedTable]:  # fmt: skip
    """The flow table and the directions' table (keys ``(direction,)`` and ``(TOTAL,)``),
    suppressed together (see the module's docstring); the sets shown are remembered."""
    rows = moves.group_by(a=moves[start], b=moves[end]).aggregate(n=moves.count())
    found = {(int(r["a"]), int(r["b"])): int(r["n"]) for r in rows.to_pyarrow().to_pylist()}
    labels = sorted(set(levels) | {x for pair in found for x in pair})
    counts: dict[Key, int] = {
        (str(a), str(b)): found.get((a, b), 0) for a in labels for b in labels
    }
    conditions = {f"{a}\t{b}": (moves[start] == int(a)) & (moves[end] == int(b))
                  for a, b in counts}  # fmt: skip
    conditions |= {f"{a}\t{TOTAL}": moves[start] == a for a in labels}
    conditions |= {f"{TOTAL}\t{b}": moves[end] == b for b in labels}
    up, down = moves[end] > moves[start], moves[end] < moves[start]
    conditions |= {f"{DIRECTION}\t{Direction.UP}": up, f"{DIRECTION}\t{Direction.DOWN}": down,
                   f"{DIRECTION}\t{Direction.STEADY}": ~up & ~down}  # fmt: skip
    sets: dict[Key, Sketch] = {
        tuple(k.split("\t")): s for k, s in sketches(backend, moves, "citizen", conditions).items()
    }
    earlier = [k for k, s in sets.items() if k[0] != DIRECTION
               and ledger.close(cell_kind(k[0], k[1], prefix), s)]  # fmt: skip
    moved = {d: sum(n for k, n in counts.items() if _region(k) is d) for d in Direction}
    turned: list[Key] = [
        (d.value,)
        for d in Direction
        if ledger.close(f"{prefix}:{DIRECTION}:{d.value}", sets[(DIRECTION, d.value)])
    ]
    table, ways = _together(counts, earlier, moved, turned)
    for key, cell in table.cells.items():
        if cell.published and key in sets:
            ledger.publish(cell_kind(key[0], key[1], prefix), sets[key])
    for d in Direction:
        if ways.cell(d.value).published:
            ledger.publish(f"{prefix}:{DIRECTION}:{d.value}", sets[(DIRECTION, d.value)])
    return table, ways


def _together(
    counts: dict[Key, int], earlier: list[Key], moved: dict[Direction, int], turned: list[Key]
) -> tuple[SuppressedTable, SuppressedTable]:
    """Hide cells (and directions) until no hidden cell follows from the shown ones."""
    forced: list[Key] = []
    hidden_ways = list(turned)
    for _round in range(MAX_ROUNDS):
        table = suppress_counts(counts, unit="borgere", earlier=[*earlier, *forced])
        ways = suppress_counts({(d.value,): n for d, n in moved.items()}, unit="borgere",
                               earlier=hidden_ways)  # fmt: skip
        more = _one_more(table, ways)
        if more is None:
            return _renamed(table, forced, earlier), _renamed(ways, hidden_ways, turned)
        if more in forced or more in hidden_ways:  # hiding it again would not help
            shown = [d for d in Direction if ways.cell(d.value).published]
            more = (shown[0].value,)
        if len(more) == 1:
            hidden_ways.append(more)
        else:
            forced.append(more)
    every = list(counts)  # a table of a few levels never needs this many rounds
    ways = suppress_counts({(d.value,): n for d, n in moved.items()}, unit="borgere",
                           earlier=[(d.value,) for d in Direction])  # fmt: skip
    return suppress_counts(counts, unit="borgere", earlier=every), ways


def _one_more(table: SuppressedTable, ways: SuppressedTable) -> Key | None:
    """The next cell (or direction) to hide, or None when nothing hidden can be solved."""
    lines = list(table.lines)
    cells = dict(table.cells)
    for d in Direction:
        cell = ways.cell(d.value)
        if not cell.published:
            continue
        members = tuple(k for k in table.cells if _region(k) is d)
        key = (DIRECTION, d.value)
        cells[key] = cell
        lines.append((members, key))
    solved = recoverable_cells(SuppressedTable(table.axes, cells, tuple(lines)))
    if not solved:
        return None
    target = sorted(solved)[0]
    region = _region(target)
    if region is None:  # a margin: hide a cell of its row or column
        shown = [k for k, c in table.cells.items() if _region(k) is not None and c.published
                 and c.count and (k[0] == target[0] or k[1] == target[1])]  # fmt: skip
    else:
        shown = [k for k, c in table.cells.items()
                 if _region(k) is region and c.published and c.count]  # fmt: skip
    if shown:
        return min(shown, key=lambda k: (table.cells[k].count or 0, k))
    way = region or next(d for d in Direction if ways.cell(d.value).published)
    return (way.value,)


def _renamed(table: SuppressedTable, forced: list[Key], earlier: list[Key]) -> SuppressedTable:
    """The cells (or directions) hidden to protect another say so (not «shown before»)."""
    extra = set(forced) - set(earlier)
    cells: dict[Key, Cell] = {
        k: replace(c, note=SECONDARY_NOTE) if k in extra and not c.published else c
        for k, c in table.cells.items()
    }
    return SuppressedTable(table.axes, cells, table.lines)
