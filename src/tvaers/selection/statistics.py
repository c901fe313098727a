"""Statistics of a target group (statistical purpose): aggregates only, never an identity.

:func:`summary` gives the group's size, cost, composition, funnel and what-ifs
(:mod:`tvaers.selection.comparison` a rule set and a variant of it side by side). Cells of 1-4
units are hidden, differences of 1-4 between published figures are not derivable, and neither are
differences with any figure published before, by anybody (:mod:`tvaers.selection.figures`, and
:mod:`tvaers.core.suppression` for the tables). It returns no pseudonym or family code. The rules
are in ``docs/selection.md`` and ``docs/undertrykkelse.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _
from sqlalchemy.orm import Session

from tvaers.core.periods import Period
from tvaers.core.suppression import (
    DIFFERENCE_NOTE,
    SMALL_CELL,
    TOTAL,
    hidden_note,
    suppress_groups,
)
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import queries_summary as qs
from tvaers.draw.model import AREA_GROUPS
from tvaers.engine.sketches import sketches
from tvaers.selection.compile import variant_in_group
from tvaers.selection.evaluation import Evaluation
from tvaers.selection.figures import Cells, Figure, figure_row, noun, publish_figures
from tvaers.selection.queries import unit_key
from tvaers.selection.rules import RuleSet
from tvaers.store.publications import Ledger, publishing

SCORE_BAND_WIDTH = 5  # points per band in the score composition
SCORE_BANDS = 6  # the last band is open upwards
AGE_GROUPS: tuple[tuple[int, str], ...] = (
    (0, "0-17"), (18, "18-24"), (25, "25-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"),
    (60, "60+"),
)  # fmt: skip
UNKNOWN_AGE = "ukendt"
SMALL_DIFFERENCE = DIFFERENCE_NOTE
SMALL_GROUP = hidden_note("i målgruppen")


@dataclass(frozen=True)
class Summary:
    """Statistical summary of a target group: aggregates only, small cells hidden (``None``
    with a ``note``). Contains no pseudonym, family code or other identity."""

    rule: str
    label: str
    unit: Unit
    as_of: date
    window: Period
    population: int  # units evaluated (every citizen or family in the data)
    units: int | None  # the group's size, hidden when 1-4
    citizens: int | None  # citizens in the group's units
    cost: Decimal | None  # the group's draw in the window
    note: str | None
    cost_by_area: list[dict[str, Any]]  # sector_area, name, units, cost, note (+ total row)
    by_areas: list[dict[str, Any]]  # areas (0, 1, 2, 3, 4+), units, cost, note
    by_age: list[dict[str, Any]]  # age group, citizens, note
    by_benefit: list[dict[str, Any]]  # benefit on the reference date, units, note
    by_score: list[dict[str, Any]]  # score band, units, note (empty without weights)
    funnel: list[dict[str, Any]]  # step, label, units, citizens, cost, note
    what_if: list[dict[str, Any]]  # path, part, label, units, citizens, cost, difference, note
    warnings: tuple[str, ...] = ()


def published_summary(
    evaluation: Evaluation, sessions: Callable[[], Session], user: str | None
) -> Summary:
    """:func:`summary`, with the sets it shows remembered in the operational store."""
    context = f"målgruppe {evaluation.rule.key}"
    return publishing(sessions, context, user, lambda ledger: summary(evaluation, ledger))


def summary(evaluation: Evaluation, ledger: Ledger) -> Summary:
    """The statistical view of the group: size (units and citizens), cost in the window in total
    and per sector area, composition (number of sector areas, age, benefit on the reference date,
    score band), the funnel (include, exclude, minimum score) and a what-if per criterion (the
    group if the criterion or the minimum score were dropped). No identities; cells of 1-4 are
    hidden, and so is every figure that differs from a shown one by 1-4, or whose units differ
    by 1-4 from a set ``ledger`` says was published before."""
    rule = evaluation.rule
    population, figures, what_ifs = _figures(evaluation, ledger)
    group = figures["group"]
    publish_figures([group, *(f for k, f in figures.items() if k != "group")], ledger, rule.unit)
    if not group.published and group.note == hidden_note(""):  # small, not for another reason
        group.note = SMALL_GROUP
    steps = (
        ("include", "opfylder betingelserne (include)"),
        ("exclude", "efter undtagelser (exclude)"),
        ("score", "efter mindste score"),
    )
    funnel = [figure_row(figures[key], step=key, label=label) for key, label in steps]
    what_if = []
    for index, (path, part, label) in enumerate(what_ifs):
        figure = figures[f"what_if_{index}"]
        row = figure_row(figure, path=path, part=part, label=label)
        row["difference"] = (
            figure.units - group.units if figure.published and group.published else None
        )
        what_if.append(row)
    composition_ok = group.published and group.units > 0
    return Summary(
        rule=rule.key,
        label=rule.label,
        unit=rule.unit,
        as_of=evaluation.as_of,
        window=evaluation.window,
        population=population,
        units=group.units if group.published else None,
        citizens=group.citizens if group.published else None,
        cost=group.cost if group.published else None,
        note=group.note,
        cost_by_area=_cost_by_area(evaluation, group, ledger) if composition_ok else [],
        by_areas=_by_areas(evaluation, ledger) if composition_ok else [],
        by_age=_by_age(evaluation, ledger) if composition_ok else [],
        by_benefit=_by_benefit(evaluation, ledger) if composition_ok else [],
        by_score=_by_score(evaluation, ledger) if composition_ok and rule.score.weights else [],
        funnel=funnel,
        what_if=what_if,
        warnings=evaluation.warnings,
    )


def what_if_paths(rule: RuleSet) -> list[tuple[str, str, str]]:
    """The criteria a what-if can drop: ``(path, part, label)`` for every leaf, and
    ``score.min`` when the rule has a minimum score."""
    found = []
    for leaf in rule.leaves():  # a loop over the few leaves
        part = "include" if leaf.path.startswith("include") else "exclude"
        found.append((leaf.path, part, leaf.describe()))
    if rule.score.min is not None:
        found.append(("score.min", "score", f"mindste score {rule.score.min}"))
    return found


def _figures(
    evaluation: Evaluation, ledger: Ledger
) -> tuple[int, dict[str, Figure], list[tuple[str, str, str]]]:
    """Unsuppressed: the population, and units, citizens and cost of the group, of each funnel
    step (``include``, ``exclude``, ``score``) and of each what-if (``what_if_<i>``), all in one
    aggregate over the leaf columns (no leaf is evaluated again), and the set of each in one more;
    the population's set goes to ``ledger`` as published."""
    rule, units = evaluation.rule, evaluation.units
    conditions: list[tuple[str, ir.BooleanValue]] = [
        ("group", units.in_group),
        ("include", units.include),
        ("exclude", units.include & ~units.exclude),
        ("score", units.in_group),
    ]
    what_ifs = what_if_paths(rule)
    for index, (path, _part, _label) in enumerate(what_ifs):
        variant = rule.without(path)
        test = variant_in_group(
            units, evaluation.leaves, variant.include, variant.exclude, variant.score.min
        )
        conditions.append((f"what_if_{index}", test))
    metrics: dict[str, ir.Scalar] = {"population": units.count()}
    for key, test in conditions:
        metrics[f"{key}__units"] = units.count(where=test)
        metrics[f"{key}__citizens"] = units.citizens.sum(where=test).fill_null(0)
        metrics[f"{key}__cost"] = units.cost.sum(where=test).fill_null(0)
    found = units.aggregate(**metrics).to_pyarrow().to_pylist()[0]  # ONE aggregate
    sets = sketches(evaluation.backend, units, "unit",
                    {**dict(conditions), TOTAL: units.unit.notnull()})  # fmt: skip
    ledger.population(rule.unit.value, sets[TOTAL])
    figures = {
        key: Figure(
            key,
            int(found[f"{key}__units"]),
            int(found[f"{key}__citizens"]),
            Decimal(found[f"{key}__cost"]).quantize(Decimal("0.01")),
            sets[key],
        )
        for key, _test in conditions
    }
    return int(found["population"]), figures, what_ifs


def _group_rows(
    counts: dict[str, int],
    key: str,
    unit: str,
    cells: Cells,
    costs: dict[str, Decimal] | None = None,
    count_name: str = "units",
) -> list[dict[str, Any]]:
    """A 1-D composition with its total, suppressed (primary and secondary, and the cells whose
    units differ by 1-4 from a set published before); the cells shown are remembered."""
    if not counts:
        return []
    table = suppress_groups(
        counts, {"cost": costs} if costs is not None else None, threshold=SMALL_CELL, unit=unit,
        earlier=cells.earlier(),
    )  # fmt: skip
    cells.publish(table)
    rows = []
    for (label,), cell in table.cells.items():
        row: dict[str, Any] = {key: TOTAL_AREA if label == TOTAL else label, count_name: cell.count}
        if costs is not None:
            row["cost"] = cell.measures["cost"] if cell.measures else None
        row["note"] = cell.note
        rows.append(row)
    return rows


def _cost_by_area(evaluation: Evaluation, group: Figure, ledger: Ledger) -> list[dict[str, Any]]:
    """The group's draw in the window per sector area, with the units drawing on each area."""
    units = evaluation.units.filter(evaluation.units.in_group).select(g_unit="unit")
    keyed = qs.with_unit(evaluation.attribution.lines, evaluation.backend.table("citizens"),
                         evaluation.unit)  # fmt: skip
    mine = keyed.join(units, keyed.unit == units.g_unit)
    names = evaluation.backend.table("sector_areas").select(n_area="sector_area", name="name")
    sums = mine.group_by("sector_area").aggregate(
        units=mine.unit.nunique(), cost=mine.amount.sum().cast("decimal(18,2)")
    )
    named = sums.left_join(names, sums.sector_area == names.n_area)
    rows = (
        named.select(
            "sector_area", name=named.name.fill_null(named.sector_area), units="units", cost="cost"
        )
        .order_by(ibis.desc("cost"))
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        return []
    drawing = mine.select("unit", "sector_area").distinct()  # a unit once per area it draws on
    areas = [r["sector_area"] for r in rows]
    cells = Cells.of(ledger, evaluation, drawing, "unit", drawing.sector_area, areas,
                     evaluation.unit, total=group.sketch)  # fmt: skip
    table = suppress_groups(
        {r["sector_area"]: int(r["units"]) for r in rows},
        {"cost": {r["sector_area"]: Decimal(r["cost"]) for r in rows}},
        threshold=SMALL_CELL,
        unit=noun(evaluation.unit),
        earlier=cells.earlier(),
    )
    cells.publish(table)
    by_area = {r["sector_area"]: r for r in rows}
    result = []
    for (area,), cell in table.cells.items():
        if area == TOTAL:
            # the total row: the group itself (the areas' unit counts overlap)
            result.append({"sector_area": TOTAL_AREA, "name": "I alt", "units": group.units,
                           "cost": cell.measures["cost"] if cell.measures else None,
                           "note": cell.note})  # fmt: skip
            continue
        result.append(
            {
                "sector_area": area,
                "name": by_area[area]["name"],
                "units": cell.count,
                "cost": cell.measures["cost"] if cell.measures else None,
                "note": cell.note,
            }
        )
    return result


def _by_areas(evaluation: Evaluation, ledger: Ledger) -> list[dict[str, Any]]:
    units = evaluation.units.filter(evaluation.units.in_group)
    last = len(AREA_GROUPS) - 1
    label = ibis.cases(
        *((units.sector_areas == n, AREA_GROUPS[n]) for n in range(last)),
        else_=AREA_GROUPS[last],
    )
    rows = (
        units.group_by(group=label)
        .aggregate(units=_.count(), cost=_.cost.sum())
        .to_pyarrow()
        .to_pylist()
    )
    found = {r["group"]: r for r in rows}
    counts = {g: int(found[g]["units"]) if g in found else 0 for g in AREA_GROUPS}
    costs = {g: Decimal(found[g]["cost"]) if g in found else Decimal("0.00") for g in AREA_GROUPS}
    cells = Cells.of(ledger, evaluation, units, "unit", label, AREA_GROUPS, evaluation.unit)
    return _group_rows(counts, "areas", noun(evaluation.unit), cells, costs)


def _by_age(evaluation: Evaluation, ledger: Ledger) -> list[dict[str, Any]]:
    """Citizens of the group (members of its families) by age on the reference date."""
    units = evaluation.units.filter(evaluation.units.in_group).select(g_unit="unit")
    persons = evaluation.persons
    key = unit_key(persons, evaluation.unit)
    mine = persons.join(units, key == units.g_unit)
    cases = [
        (mine.age < AGE_GROUPS[i + 1][0], AGE_GROUPS[i][1]) for i in range(len(AGE_GROUPS) - 1)
    ]
    label = ibis.cases((mine.age.isnull(), UNKNOWN_AGE), *cases, else_=AGE_GROUPS[-1][1])
    rows = mine.group_by(group=label).aggregate(citizens=_.count()).to_pyarrow().to_pylist()
    found = {r["group"]: int(r["citizens"]) for r in rows}
    labels = [g for _low, g in AGE_GROUPS] + ([UNKNOWN_AGE] if UNKNOWN_AGE in found else [])
    cells = Cells.of(ledger, evaluation, mine, "citizen", label, labels, Unit.CITIZEN)
    return _group_rows({g: found.get(g, 0) for g in labels}, "age", "borgere", cells,
                       count_name="citizens")  # fmt: skip


def _by_benefit(evaluation: Evaluation, ledger: Ledger) -> list[dict[str, Any]]:
    """Units by benefit type on the reference date (one type, several, none)."""
    units = evaluation.units.filter(evaluation.units.in_group)
    rows = (
        units.group_by("benefit_group")
        .aggregate(units=_.count())
        .order_by(ibis.desc("units"), "benefit_group")
        .to_pyarrow()
        .to_pylist()
    )
    counts = {r["benefit_group"]: int(r["units"]) for r in rows}
    cells = Cells.of(ledger, evaluation, units, "unit", units.benefit_group, list(counts),
                     evaluation.unit)  # fmt: skip
    return _group_rows(counts, "benefit", noun(evaluation.unit), cells)


def score_band(score: ir.NumericValue) -> ir.StringValue:
    """``0-5``, ``5-10``, … (from and including, to but not including); the last is open."""
    width = SCORE_BAND_WIDTH
    cases = [
        (score < width * (i + 1), f"{width * i}-{width * (i + 1)}") for i in range(SCORE_BANDS - 1)
    ]
    return ibis.cases(*cases, else_=f"{width * (SCORE_BANDS - 1)}+")


def score_band_labels() -> list[str]:
    width = SCORE_BAND_WIDTH
    return [f"{width * i}-{width * (i + 1)}" for i in range(SCORE_BANDS - 1)] + [
        f"{width * (SCORE_BANDS - 1)}+"
    ]


def _by_score(evaluation: Evaluation, ledger: Ledger) -> list[dict[str, Any]]:
    units = evaluation.units.filter(evaluation.units.in_group)
    band = score_band(units.score)
    rows = units.group_by(group=band).aggregate(units=_.count()).to_pyarrow().to_pylist()
    found = {r["group"]: int(r["units"]) for r in rows}
    counts = {label: found.get(label, 0) for label in score_band_labels()}
    cells = Cells.of(ledger, evaluation, units, "unit", band, list(counts), evaluation.unit)
    return _group_rows(counts, "score", noun(evaluation.unit), cells)
