"""The baseline of a group someone chose (``tvaers baseline --members FIL``) under the rule that
holds across requests (issue 10 #1; docs/undertrykkelse.md).

A group file is a free filter: two files that differ by one citizen gave two baselines whose
difference is that citizen's draw per sector area. So the group's set of units and each area's
set (the members with money in the area) are checked against every set published before (any
user, any feature: target groups publish to the same ledger): a group 1-4 units from one shown
before is hidden whole, an area cell 1-4 from one shown before is hidden like a small one (and
protected by secondary suppression). What is shown is remembered, with the population, so that
complements are caught too.

An area cell is compared with the cells of the same area only (kind ``citizen:<area>``): a cell
is a subset of its group, and its money is the area's only, so a group and one of its cells a few
units apart give nobody away — compared with each other, the same group could never be shown
twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.sketch import Sketch
from tvaers.core.suppression import TOTAL
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import queries_baseline as qb
from tvaers.engine.sketches import sketches
from tvaers.store.publications import Ledger


@dataclass(frozen=True)
class GroupSets:
    """The sets behind a baseline's figures: the whole group and each sector area's members."""

    ledger: Ledger
    kind: Unit
    group: Sketch
    areas: dict[str, Sketch]

    @classmethod
    def of(
        cls, ledger: Ledger, backend: Backend, group: ir.Table, rows: ir.Table, unit: Unit
    ) -> GroupSets:
        """The sketches (one aggregate each over the group, its rows and the population)."""
        everyone = qb.all_units(backend.table("citizens"), unit)
        ledger.population(unit.value, _whole(backend, everyone))
        pairs = rows.filter(rows.sector_area.notnull()).select("unit", "sector_area").distinct()
        names = pairs.select("sector_area").distinct().to_pyarrow().column(0).to_pylist()
        areas = sketches(backend, pairs, "unit", {a: pairs.sector_area == a for a in names})
        return cls(ledger, unit, _whole(backend, group.select("unit")), areas)

    def earlier(self) -> list[str]:
        """The areas whose members are 1-4 units from a set shown before, and :data:`TOTAL`
        when the whole group is."""
        close = [a for a, s in self.areas.items() if self.ledger.close(self._of(a), s)]
        return [*close, TOTAL] if self.ledger.close(self.kind.value, self.group) else close

    def _of(self, area: str) -> str:
        return f"{self.kind.value}:{area}"

    def publish(self, by_area: list[dict[str, Any]]) -> None:
        """Remember the sets of the figures shown (the group with its total row)."""
        for row in by_area:
            if row["units"] is None:
                continue
            area = row["sector_area"]
            if area in (TOTAL_AREA, TOTAL):
                self.ledger.publish(self.kind.value, self.group)
            elif area in self.areas:
                self.ledger.publish(self._of(area), self.areas[area])


def _whole(backend: Backend, units: ir.Table) -> Sketch:
    return sketches(backend, units, "unit", {TOTAL: ibis.literal(True)})[TOTAL]


def group_shown_near(ledger: Any, backend: Backend, units: ir.Table) -> bool:
    """Whether a group of citizens (``unit``) is 1-4 units from a group shown before, and so
    hidden whole; otherwise it is remembered as shown. For figures whose group is checked on
    its own (a solution's economy without a baseline, who pays)."""
    nothing = units.mutate(sector_area=ibis.null("string")).filter(ibis._.sector_area.notnull())
    sets = GroupSets.of(ledger, backend, units, nothing, Unit.CITIZEN)
    if TOTAL in sets.earlier():
        return True
    ledger.publish(Unit.CITIZEN.value, sets.group)
    return False
