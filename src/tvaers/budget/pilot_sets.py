"""The pilot evaluation as published (issue 13): every figure passes small-cell suppression and
the rule across requests (docs/undertrykkelse.md); the comparison group is never listed.

* The whole evaluation is hidden when fewer than five treated or five comparison citizens are
  matched, when the matched treated are 1-4 citizens from a group shown before (kind
  ``citizen``, as the solution's economy: the same baseline money), or the comparison group is
  1-4 from one shown before (kind ``citizen:pilot-sammenligning``).
* An area's estimate stands for its treated and its comparison citizens with cost in the area;
  it counts as the smaller of the two (an empty side says nothing) and is suppressed with the
  total as a 1-D table (the areas' estimates add up to the total's, so one hidden area gets a
  partner); an area whose treated (``citizen:pilot:<area>``) or comparison
  (``citizen:pilot-sammenligning:<area>``) citizens are 1-4 from a set shown before is hidden.
* The balance table's share with cost before in an area is hidden where 1-4 matched treated or
  comparison citizens had it, or their set is 1-4 from one shown before
  (``citizen:pilot-foer:<area>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.budget.pilot_compute import AreaSums, Computed
from tvaers.budget.pilot_model import (
    AreaEstimate,
    BalanceRow,
    Estimate,
    Evaluation,
    Method,
    estimate,
    kroner,
    standardised_difference,
)
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import (
    EARLIER_NOTE,
    SMALL_CELL,
    TOTAL,
    Key,
    SuppressedTable,
    hidden_note,
    suppress_counts,
)
from tvaers.core.units import TOTAL_AREA
from tvaers.draw.baseline_sets import group_shown_near
from tvaers.engine.sketches import sketches
from tvaers.store.publications import Ledger

KIND = "citizen:pilot"
COMPARISON = "citizen:pilot-sammenligning"
BEFORE = "citizen:pilot-foer"
NO_DATA_AROUND = (
    "Data dækker ikke månederne før og efter indskrivningen, så pilotens effekt kan ikke måles"
)
NO_MATCH = "Ingen af de indskrevne borgere kunne matches med en sammenligningsgruppe"
GROUP_HIDDEN = hidden_note("i den matchede gruppe eller sammenligningsgruppen")
BASELINE_NAME = "Baseline-udgift (kr. om året)"
AGE_NAME = "Alder (år)"
GROUPS = ("treated_matched", "pool", "matched")


@dataclass(frozen=True)
class _Sets:
    """The sketches behind the figures: per area the treated and the comparison citizens with
    cost in it, with cost before in it, and the whole comparison group."""

    treated: dict[str, Sketch]
    comparison: dict[str, Sketch]
    before_treated: dict[str, Sketch]
    before_comparison: dict[str, Sketch]
    everyone: Sketch
    levels: dict[str, Sketch]  # the treated matched at each level

    @classmethod
    def of(
        cls, backend: Backend, matched: ir.Table, area_rows: ir.Table, areas: list[str],
        levels: int,
    ) -> _Sets:  # fmt: skip
        pairs = area_rows.select("citizen", "treated", "sector_area").distinct()
        had = area_rows.filter(area_rows.before > 0)
        had = had.select("citizen", "treated", "sector_area").distinct()

        def per_area(table: ir.Table, treated: bool) -> dict[str, Sketch]:
            side = table.treated if treated else ~table.treated
            conditions = {a: side & (table.sector_area == a) for a in areas}
            return sketches(backend, table, "citizen", conditions)

        others = matched.filter(~matched.treated).select("citizen").distinct()
        whole = sketches(backend, others, "citizen", {TOTAL: ibis.literal(True)})[TOTAL]
        own = matched.filter(matched.treated)
        level = sketches(backend, own, "citizen", {str(i): own.level == i for i in range(levels)})
        return cls(per_area(pairs, True), per_area(pairs, False), per_area(had, True),
                   per_area(had, False), whole, level)  # fmt: skip


def _money(value: float | None) -> Decimal | None:
    return kroner(value)


def _hidden(method: Method, basis: str, found: Computed, note: str) -> Evaluation:
    return Evaluation(method, basis, found.enrolled, found.evaluable, None, None, found.cohorts,
                      note, (), ())  # fmt: skip


def _small(sums: AreaSums) -> int:
    """The persons an area's figure stands for: the smaller non-empty side."""
    sides = [n for n in (sums.treated, sums.comparison) if n > 0]
    return min(sides) if sides else 0


def view(
    backend: Backend,
    names: dict[str, str],
    found: Computed,
    method: Method,
    basis: str,
    ledger: Ledger,
) -> Evaluation:
    """The published evaluation of ``found`` (see the module's docstring)."""
    if found.cohorts is None:
        return _hidden(method, basis, found, NO_DATA_AROUND)
    total, matched, rows = found.total, found.matched, found.area_rows
    if total is None or matched is None or rows is None:
        return _hidden(method, basis, found, NO_MATCH)
    if total.treated < SMALL_CELL or total.comparison < SMALL_CELL:
        return _hidden(method, basis, found, GROUP_HIDDEN)
    sets = _Sets.of(backend, matched, rows, sorted(found.areas), len(found.levels))
    treated_units = matched.filter(matched.treated).select(unit="citizen").distinct()
    if ledger.close(COMPARISON, sets.everyone) or group_shown_near(ledger, backend, treated_units):
        return _hidden(method, basis, found, EARLIER_NOTE)
    ledger.publish(COMPARISON, sets.everyone)
    table = _suppressed(found, sets, ledger)
    areas = _areas(found, table, names)
    balance = (*_balance(found, sets, ledger, names), *_levels(found, sets, ledger, method))
    return Evaluation(method, basis, found.enrolled, found.evaluable, total.treated,
                      total.comparison, found.cohorts, None, areas, balance)  # fmt: skip


def _suppressed(found: Computed, sets: _Sets, ledger: Ledger) -> SuppressedTable:
    """The areas and the total, suppressed as a 1-D table; the shown sets remembered."""
    counts = {(a,): _small(s) for a, s in found.areas.items()}
    earlier: list[Key] = [
        (a,) for a in found.areas
        if ledger.close(f"{KIND}:{a}", sets.treated[a])
        or ledger.close(f"{COMPARISON}:{a}", sets.comparison[a])
    ]  # fmt: skip
    assert found.total is not None
    table = suppress_counts(counts, unit="borgere", earlier=earlier,
                            totals={(TOTAL,): found.total.treated})  # fmt: skip
    for (area,), cell in table.cells.items():
        if cell.published and area in found.areas:
            ledger.publish(f"{KIND}:{area}", sets.treated[area])
            ledger.publish(f"{COMPARISON}:{area}", sets.comparison[area])
    return table


def _areas(
    found: Computed, table: SuppressedTable, names: dict[str, str]
) -> tuple[AreaEstimate, ...]:
    assert found.total is not None
    rows = []
    for (area,), cell in table.cells.items():  # the handful of areas and the total
        sums = found.total if area == TOTAL else found.areas[area]
        code = TOTAL_AREA if area == TOTAL else area
        shown: Estimate | None = estimate(sums.moments) if cell.published else None
        rows.append(AreaEstimate(
            sector_area=code, name=TOTAL if area == TOTAL else names.get(code, code),
            treated=sums.treated if shown else None, comparison=sums.comparison if shown else None,
            treated_change=_money(shown.treated_change) if shown else None,
            comparison_change=_money(shown.comparison_change) if shown else None,
            effect=_money(shown.effect) if shown else None,
            standard_error=_money(shown.standard_error) if shown else None,
            low=_money(shown.low) if shown else None, high=_money(shown.high) if shown else None,
            note=cell.note,
        ))  # fmt: skip
    return tuple(sorted(rows, key=lambda r: (r.sector_area == TOTAL_AREA, r.sector_area)))


def _mean_var(row: dict[str, Any] | None, key: str, weight: str = "weight") -> tuple[float, float]:
    if not row or not row.get(weight):
        return (float("nan"), float("nan"))
    w = float(row[weight])
    mean = float(row[key] or 0) / w
    return mean, max(float(row[f"{key}2"] or 0) / w - mean * mean, 0.0)


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else round(value, 3)


def _balance(
    found: Computed, sets: _Sets, ledger: Ledger, names: dict[str, str]
) -> tuple[BalanceRow, ...]:
    groups = {r["group"]: r for r in found.balance}
    rows = []
    for variable, name, weight in (("baseline", BASELINE_NAME, "weight"),
                                   ("age", AGE_NAME, "age_weight")):  # fmt: skip
        means = [_mean_var(groups.get(g), variable, weight) for g in GROUPS]
        (mt, vt), (mp, vp), (mm, vm) = means
        rows.append(BalanceRow(
            variable, None, name, _finite(mt), _finite(mp),
            _finite(standardised_difference(mt, vt, mp, vp)), _finite(mt), _finite(mm),
            _finite(standardised_difference(mt, vt, mm, vm)), None,
        ))  # fmt: skip
    rows.extend(_area_shares(found, sets, ledger, names, groups))
    return tuple(rows)


def _area_shares(
    found: Computed, sets: _Sets, ledger: Ledger, names: dict[str, str],
    groups: dict[str, dict[str, Any]],
) -> list[BalanceRow]:  # fmt: skip
    """Per area the share with cost before: treated (matched), pool, matched comparison."""
    shares: dict[tuple[str, str], dict[str, Any]] = {
        (r["group"], r["sector_area"]): r for r in found.shares
    }
    rows = []
    for area in sorted(found.areas):  # the handful of sector areas
        values, counts = {}, {}
        for group in ("treated_matched", "pool", "matched"):
            whole = float((groups.get(group) or {}).get("weight") or 0)
            part = shares.get((group, area), {})
            values[group] = float(part.get("weight") or 0) / whole if whole else float("nan")
            counts[group] = int(part.get("citizens") or 0)
        small = any(0 < counts[g] < SMALL_CELL for g in ("treated_matched", "matched"))
        close = area in sets.before_treated and (
            ledger.close(f"{BEFORE}:{area}", sets.before_treated[area])
            or ledger.close(f"{BEFORE}-sammenligning:{area}", sets.before_comparison[area])
        )
        note = hidden_note("borgere") if small else EARLIER_NOTE if close else None
        if note is None and area in sets.before_treated:
            ledger.publish(f"{BEFORE}:{area}", sets.before_treated[area])
            ledger.publish(f"{BEFORE}-sammenligning:{area}", sets.before_comparison[area])
        t, p, m = (None if note else _finite(values[g]) for g in
                   ("treated_matched", "pool", "matched"))  # fmt: skip
        before = after = None
        if t is not None and p is not None and m is not None:
            before = _finite(standardised_difference(t, t * (1 - t), p, p * (1 - p)))
            after = _finite(standardised_difference(t, t * (1 - t), m, m * (1 - m)))
        rows.append(BalanceRow("area", area, names.get(area, area), t, p, before, t, m, after,
                               note))  # fmt: skip
    return rows


LEVEL = "citizen:pilot-niveau"
LEVEL_NAMES = {
    Method.NEAREST: (
        "Matchet inden for samme kombination af sektorområder og aldersgruppe (antal indskrevne)",
        "Matchet inden for samme kombination af sektorområder alene (antal indskrevne)",
        "Matchet på nærmeste baseline-udgift alene (antal indskrevne)",
    ),
    Method.STRATA: (
        "Matchet i hele stratummet: sektorområder, aldersgruppe og baseline-udgift (antal "
        "indskrevne)",
        "Matchet på kombination af sektorområder og baseline-udgift (antal indskrevne)",
        "Matchet på baseline-udgift alene (antal indskrevne)",
        "Matchet på indskrivningsmåned alene (antal indskrevne)",
    ),
}


def _levels(found: Computed, sets: _Sets, ledger: Ledger, method: Method) -> list[BalanceRow]:
    """The match quality: how many treated were matched at each level (the full cell, a
    coarser one, overall), suppressed as a 1-D table with the matched treated as its total."""
    assert found.total is not None
    counts = {(str(i),): n for i, n in enumerate(found.levels)}
    if not counts:
        return []
    earlier: list[Key] = [
        (str(i),) for i in range(len(found.levels))
        if ledger.close(f"{LEVEL}:{i}", sets.levels[str(i)])
    ]  # fmt: skip
    table = suppress_counts(counts, unit="borgere", earlier=earlier,
                            totals={(TOTAL,): found.total.treated})  # fmt: skip
    rows = []
    for i, name in enumerate(LEVEL_NAMES[method][: len(found.levels)]):
        cell = table.cells[(str(i),)]
        if cell.published and found.levels[i]:
            ledger.publish(f"{LEVEL}:{i}", sets.levels[str(i)])
        shown = float(found.levels[i]) if cell.published else None
        rows.append(BalanceRow("level", None, name, shown, None, None, shown, None, None,
                               cell.note))  # fmt: skip
    return rows
