"""The sets behind a solution's draw since enrolment (issue 11 #4) under the rule that holds
across requests (docs/undertrykkelse.md): each figure per sector area and month, per area, per
month and in all is checked against the sets shown before, and remembered when shown.

Each figure is compared with figures of its own kind only (``citizen:siden:<area>:<month>``,
``citizen:siden:<area>``, ``citizen:siden:*:<month>``, ``citizen:siden``): the same money of the
same months. A solution's group changes one enrolment at a time, so the group itself passes the
baseline's check (:mod:`.baseline_sets`, kind ``citizen``) and hides every figure when it is 1-4
citizens from a group shown before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.sketch import Sketch
from tvaers.core.suppression import TOTAL, Key, SuppressedTable
from tvaers.engine.sketches import sketches
from tvaers.store.publications import Ledger

KIND = "citizen:siden"


def kind(area: str, month: str, prefix: str = KIND) -> str:
    """The kind of the figure of ``area`` and ``month`` (either may be :data:`TOTAL`), under
    ``prefix`` (another feature's figures of area and month: its own kinds)."""
    parts = [prefix]
    if area != TOTAL or month != TOTAL:
        parts.append("*" if area == TOTAL else area)
    if month != TOTAL:
        parts.append(month)
    return ":".join(parts)


@dataclass(frozen=True)
class SinceSets:
    """The sketch of every figure's citizens, keyed like the suppressed table."""

    ledger: Ledger
    sets: dict[Key, Sketch]

    @classmethod
    def of(cls, ledger: Ledger, backend: Backend, lines: ir.Table, months: list[date]) -> SinceSets:
        """From the draw's lines since enrolment (``citizen, sector_area, month, …``): one
        aggregate per level (cells, areas, months, all)."""
        text = {m: m.strftime("%Y-%m") for m in months}
        cells = lines.select("citizen", "sector_area", "month").distinct()
        areas = cells.select("citizen", "sector_area").distinct()
        per_month = cells.select("citizen", "month").distinct()
        everyone = cells.select("citizen").distinct()
        names = areas.select("sector_area").distinct().to_pyarrow().column(0).to_pylist()
        found: dict[Key, Sketch] = {}
        conditions = {
            f"{a}\t{m}": (cells.sector_area == a) & (cells.month == m) for a in names for m in text
        }
        for name, sketch in sketches(backend, cells, "citizen", conditions).items():
            area, _, month = name.partition("\t")
            found[(area, text[date.fromisoformat(month)])] = sketch
        by_area = sketches(backend, areas, "citizen", {a: areas.sector_area == a for a in names})
        found.update({(a, TOTAL): s for a, s in by_area.items()})
        month_sets = sketches(
            backend, per_month, "citizen", {text[m]: per_month.month == m for m in text}
        )
        found.update({(TOTAL, m): s for m, s in month_sets.items()})
        whole = sketches(backend, everyone, "citizen", {TOTAL: everyone.citizen.notnull()})
        found[(TOTAL, TOTAL)] = whole[TOTAL]
        return cls(ledger, found)

    def earlier(self) -> list[Key]:
        """The figures whose citizens are 1-4 from a set of the same kind shown before."""
        return [key for key, sketch in self.sets.items() if self.ledger.close(kind(*key), sketch)]

    def publish(self, table: SuppressedTable) -> None:
        """Remember the sets of the figures shown."""
        for key, cell in table.cells.items():
            sketch = self.sets.get(key)
            if cell.published and sketch is not None:
                self.ledger.publish(kind(*key), sketch)
