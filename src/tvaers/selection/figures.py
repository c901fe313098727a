"""Which statistical figures of a target group may be shown (statistical purpose).

A figure — a group's units, citizens and cost — is hidden when it counts 1-4, when it differs by
1-4 from a figure shown before it in the same view, or when its set of units differs by 1-4 from a
set published before by anybody (:class:`tvaers.store.publications.Ledger`). The tables of a
composition are suppressed by :mod:`tvaers.core.suppression`, with the cells whose sets the ledger
refuses hidden like small ones (:class:`Cells`). The rules are in ``docs/undertrykkelse.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from tvaers.core.sketch import Sketch
from tvaers.core.suppression import (
    DIFFERENCE_NOTE,
    EARLIER_NOTE,
    SMALL_CELL,
    TOTAL,
    SuppressedTable,
    hidden_note,
)
from tvaers.core.units import Unit
from tvaers.engine.sketches import sketches
from tvaers.selection.evaluation import Evaluation
from tvaers.store.publications import Ledger


@dataclass
class Figure:
    key: str
    units: int
    citizens: int
    cost: Decimal
    sketch: Sketch  # the figure's set of units
    note: str | None = None
    published: bool = False


def publish_figures(figures: Sequence[Figure], ledger: Ledger, kind: Unit) -> None:
    """Decide, in order, which figures may be shown: a figure is hidden when it counts 1-4
    units or citizens, differs by 1-4 units or citizens from a figure already shown (so that
    no small group follows from a difference), or its units differ by 1-4 from a set published
    before. The sets of the figures shown are remembered."""
    shown: list[Figure] = []
    for figure in figures:  # a loop over the handful of figures (funnel, what-ifs)
        if 0 < figure.units < SMALL_CELL or 0 < figure.citizens < SMALL_CELL:
            figure.note = hidden_note("")
            continue
        if any(
            0 < abs(figure.units - other.units) < SMALL_CELL
            or 0 < abs(figure.citizens - other.citizens) < SMALL_CELL
            for other in shown
        ):
            figure.note = DIFFERENCE_NOTE
            continue
        if ledger.close(kind.value, figure.sketch):
            figure.note = EARLIER_NOTE
            continue
        figure.published = True
        shown.append(figure)
        ledger.publish(kind.value, figure.sketch)


def figure_row(figure: Figure, **extra: Any) -> dict[str, Any]:
    shown = figure.published
    return {
        **extra,
        "units": figure.units if shown else None,
        "citizens": figure.citizens if shown else None,
        "cost": figure.cost if shown else None,
        "note": figure.note,
    }


def noun(unit: Unit) -> str:
    return "familier" if unit is Unit.FAMILY else "borgere"


@dataclass(frozen=True)
class Cells:
    """The set of units behind each cell of a composition (label -> sketch, :data:`TOTAL` for
    its total), and the ledger that says which of them were published before."""

    ledger: Ledger
    kind: Unit
    sketches: Mapping[str, Sketch]

    @classmethod
    def of(
        cls,
        ledger: Ledger,
        evaluation: Evaluation,
        table: ir.Table,
        key: str,
        label: ir.StringValue,
        labels: Iterable[str],
        kind: Unit,
        total: Sketch | None = None,
    ) -> Cells:
        """The sketches of ``table``'s ``key`` for each of ``labels`` (one aggregate), and of
        the whole table as the total unless ``total`` is given. ``key`` is unique per label."""
        conditions = {value: label == value for value in labels}
        if total is None:
            conditions[TOTAL] = label.notnull() | label.isnull()
        found = sketches(evaluation.backend, table, key, conditions)
        return cls(ledger, kind, {**found, **({TOTAL: total} if total is not None else {})})

    def earlier(self) -> list[str]:
        """The cells whose sets differ by 1-4 from a set published before."""
        return [
            k for k, sketch in self.sketches.items() if self.ledger.close(self.kind.value, sketch)
        ]

    def publish(self, table: SuppressedTable) -> None:
        """Remember the sets of the cells the table shows."""
        for (label,), cell in table.cells.items():
            if cell.published and label in self.sketches:
                self.ledger.publish(self.kind.value, self.sketches[label])
