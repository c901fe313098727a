"""Statistics of a target group (statistical purpose): aggregates only, never an identity.

:func:`summary` gives the group's size, cost, composition, funnel and what-ifs; :func:`compare`
a rule set and a variant of it side by side. Cells of 1-4 units are hidden and differences of
1-4 between published figures are not derivable (:func:`_publish`, and
:mod:`tvaers.core.suppression` for the tables). Neither returns a pseudonym or family code. The
rules are in ``docs/selection.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.errors import ConfigError
from tvaers.core.periods import Period, danish_date
from tvaers.core.suppression import (
    DIFFERENCE_NOTE,
    SMALL_CELL,
    TOTAL,
    SuppressedTable,
    hidden_note,
    suppress_counts,
    suppress_groups,
)
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import queries_summary as qs
from tvaers.draw.model import AREA_GROUPS
from tvaers.selection.compile import variant_in_group
from tvaers.selection.evaluation import Evaluation
from tvaers.selection.queries import unit_key
from tvaers.selection.rules import RuleSet

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


@dataclass
class _Figure:
    key: str
    units: int
    citizens: int
    cost: Decimal
    note: str | None = None
    published: bool = False


def _publish(figures: Sequence[_Figure]) -> None:
    """Decide, in order, which figures may be shown: a figure is hidden when it counts 1-4
    units or citizens, or differs by 1-4 units or citizens from a figure already shown (so that
    no small group follows from a difference)."""
    shown: list[_Figure] = []
    for figure in figures:  # a loop over the handful of figures (funnel, what-ifs)
        if 0 < figure.units < SMALL_CELL or 0 < figure.citizens < SMALL_CELL:
            figure.note = hidden_note("")
            continue
        if any(
            0 < abs(figure.units - other.units) < SMALL_CELL
            or 0 < abs(figure.citizens - other.citizens) < SMALL_CELL
            for other in shown
        ):
            figure.note = SMALL_DIFFERENCE
            continue
        figure.published = True
        shown.append(figure)


def _figure_row(figure: _Figure, **extra: Any) -> dict[str, Any]:
    shown = figure.published
    return {
        **extra,
        "units": figure.units if shown else None,
        "citizens": figure.citizens if shown else None,
        "cost": figure.cost if shown else None,
        "note": figure.note,
    }


def summary(evaluation: Evaluation) -> Summary:
    """The statistical view of the group: size (units and citizens), cost in the window in total
    and per sector area, composition (number of sector areas, age, benefit on the reference date,
    score band), the funnel (include, exclude, minimum score) and a what-if per criterion (the
    group if the criterion or the minimum score were dropped). No identities; cells of 1-4 are
    hidden, and so is every figure that differs from a shown one by 1-4."""
    rule = evaluation.rule
    population, figures, what_ifs = _figures(evaluation)
    group = figures["group"]
    _publish([group, *(f for k, f in figures.items() if k != "group")])
    if not group.published:
        group.note = SMALL_GROUP
    steps = (
        ("include", "opfylder betingelserne (include)"),
        ("exclude", "efter undtagelser (exclude)"),
        ("score", "efter mindste score"),
    )
    funnel = [_figure_row(figures[key], step=key, label=label) for key, label in steps]
    what_if = []
    for index, (path, part, label) in enumerate(what_ifs):
        figure = figures[f"what_if_{index}"]
        row = _figure_row(figure, path=path, part=part, label=label)
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
        cost_by_area=_cost_by_area(evaluation, group) if composition_ok else [],
        by_areas=_by_areas(evaluation) if composition_ok else [],
        by_age=_by_age(evaluation) if composition_ok else [],
        by_benefit=_by_benefit(evaluation) if composition_ok else [],
        by_score=_by_score(evaluation) if composition_ok and rule.score.weights else [],
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
    evaluation: Evaluation,
) -> tuple[int, dict[str, _Figure], list[tuple[str, str, str]]]:
    """Unsuppressed: the population, and units, citizens and cost of the group, of each funnel
    step (``include``, ``exclude``, ``score``) and of each what-if (``what_if_<i>``), all in one
    aggregate over the leaf columns (no leaf is evaluated again)."""
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
    figures = {
        key: _Figure(
            key,
            int(found[f"{key}__units"]),
            int(found[f"{key}__citizens"]),
            Decimal(found[f"{key}__cost"]).quantize(Decimal("0.01")),
        )
        for key, _test in conditions
    }
    return int(found["population"]), figures, what_ifs


def _noun(unit: Unit) -> str:
    return "familier" if unit is Unit.FAMILY else "borgere"


def _group_rows(
    counts: dict[str, int],
    key: str,
    unit: str,
    costs: dict[str, Decimal] | None = None,
    count_name: str = "units",
) -> list[dict[str, Any]]:
    """A 1-D composition with its total, suppressed (primary and secondary)."""
    if not counts:
        return []
    table = suppress_groups(
        counts, {"cost": costs} if costs is not None else None, threshold=SMALL_CELL, unit=unit
    )
    rows = []
    for (label,), cell in table.cells.items():
        row: dict[str, Any] = {key: TOTAL_AREA if label == TOTAL else label, count_name: cell.count}
        if costs is not None:
            row["cost"] = cell.measures["cost"] if cell.measures else None
        row["note"] = cell.note
        rows.append(row)
    return rows


def _cost_by_area(evaluation: Evaluation, group: _Figure) -> list[dict[str, Any]]:
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
    table = suppress_groups(
        {r["sector_area"]: int(r["units"]) for r in rows},
        {"cost": {r["sector_area"]: Decimal(r["cost"]) for r in rows}},
        threshold=SMALL_CELL,
        unit=_noun(evaluation.unit),
    )
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


def _by_areas(evaluation: Evaluation) -> list[dict[str, Any]]:
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
    return _group_rows(counts, "areas", _noun(evaluation.unit), costs)


def _by_age(evaluation: Evaluation) -> list[dict[str, Any]]:
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
    return _group_rows({g: found.get(g, 0) for g in labels}, "age", "borgere",
                       count_name="citizens")  # fmt: skip


def _by_benefit(evaluation: Evaluation) -> list[dict[str, Any]]:
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
    return _group_rows(counts, "benefit", _noun(evaluation.unit))


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


def _by_score(evaluation: Evaluation) -> list[dict[str, Any]]:
    units = evaluation.units.filter(evaluation.units.in_group)
    rows = (
        units.group_by(group=score_band(units.score))
        .aggregate(units=_.count())
        .to_pyarrow()
        .to_pylist()
    )
    found = {r["group"]: int(r["units"]) for r in rows}
    counts = {band: found.get(band, 0) for band in score_band_labels()}
    return _group_rows(counts, "score", _noun(evaluation.unit))


@dataclass(frozen=True)
class Comparison:
    """A rule set and a variant of it side by side: aggregates only, suppressed."""

    unit: Unit
    as_of: date
    base: dict[str, Any]  # rule, label, units, citizens, cost, note
    variant: dict[str, Any]  # likewise
    difference: dict[str, Any]  # units, citizens, cost (variant - base), note
    overlap: list[dict[str, Any]]  # base (in/out) x variant (in/out), units; suppressed
    population: int = 0


def compare(base: Evaluation, variant: Evaluation) -> Comparison:
    """Sizes and cost of a rule set and a user-edited variant of it on the same reference date
    and unit, and how the two groups overlap. Aggregates only; suppressed like :func:`summary`
    (a variant that differs from the base by 1-4 shows no figures)."""
    _check_comparable(base, variant)
    found = _overlap_counts(base, variant)
    inside, outside = "i grundregel", "ikke i grundregel"
    v_in, v_out = "i variant", "ikke i variant"
    table = suppress_counts(
        {
            (inside, v_in): int(found["both"]),
            (inside, v_out): int(found["only_base"]),
            (outside, v_in): int(found["only_variant"]),
            (outside, v_out): int(found["neither"]),
        },
        threshold=SMALL_CELL,
        unit=_noun(base.unit),
    )
    money = Decimal("0.01")
    figures = [
        _Figure("base", table_count(found, "base"), int(found["base_citizens"]),
                Decimal(found["base_cost"]).quantize(money)),
        _Figure("variant", table_count(found, "variant"), int(found["variant_citizens"]),
                Decimal(found["variant_cost"]).quantize(money)),
    ]  # fmt: skip
    _publish(figures)
    first, second = figures
    # When a side is hidden, the whole 2 x 2 table is (its other margins and the population
    # would give the side back). When both are shown but the table hides a side's margin to
    # protect a cell, that side is hidden too, and with it the table.
    if first.published and second.published:
        for margin, figure in (((inside, TOTAL), first), ((TOTAL, v_in), second)):
            if not table.cell(*margin).published:
                figure.published, figure.note = False, table.cell(*margin).note
    both_shown = first.published and second.published
    difference = {
        "units": second.units - first.units if both_shown else None,
        "citizens": second.citizens - first.citizens if both_shown else None,
        "cost": second.cost - first.cost if both_shown else None,
        "note": None if both_shown else "Skjult: et af tallene er skjult",
    }
    return Comparison(
        unit=base.unit,
        as_of=base.as_of,
        base=_figure_row(first, rule=base.rule.key, label=base.rule.label),
        variant=_figure_row(second, rule=variant.rule.key, label=variant.rule.label),
        difference=difference,
        overlap=_overlap_rows(table, whole=both_shown),
        population=int(found["population"]),
    )


def _check_comparable(base: Evaluation, variant: Evaluation) -> None:
    """Refuse two evaluations that cannot be compared: other data, unit or reference date."""
    if base.analysis is not variant.analysis:
        raise ConfigError("Regelsættene skal være evalueret på de samme data for at sammenlignes.")
    if base.unit is not variant.unit:
        nouns = {Unit.CITIZEN: "borgere", Unit.FAMILY: "familier"}
        raise ConfigError(
            f"Varianten tæller {nouns[variant.unit]}, regelsættet {nouns[base.unit]}: de kan kun "
            "sammenlignes med samme enhed.",
            hint=f"Skriv unit: {base.unit.value} i varianten, eller gem den som et nyt regelsæt.",
        )
    if base.as_of != variant.as_of:
        raise ConfigError(
            "Regelsættene kan kun sammenlignes på samme skæringsdato "
            f"({danish_date(base.as_of)} / {danish_date(variant.as_of)}).",
        )


def _overlap_counts(base: Evaluation, variant: Evaluation) -> dict[str, Any]:
    """Unsuppressed, in one aggregate: the population, the units in both groups, in only one
    and in neither, and the citizens and cost of each group."""
    a = base.units.select(a_unit="unit", a_in="in_group", citizens="citizens", a_cost="cost")
    b = variant.units.select(b_unit="unit", b_in="in_group", b_cost="cost")
    joined = a.join(b, a.a_unit == b.b_unit)
    found: dict[str, Any] = (
        joined.aggregate(
            population=_.count(),
            both=_.count(where=_.a_in & _.b_in),
            only_base=_.count(where=_.a_in & ~_.b_in),
            only_variant=_.count(where=~_.a_in & _.b_in),
            neither=_.count(where=~_.a_in & ~_.b_in),
            base_citizens=_.citizens.sum(where=_.a_in).fill_null(0),
            variant_citizens=_.citizens.sum(where=_.b_in).fill_null(0),
            base_cost=_.a_cost.sum(where=_.a_in).fill_null(0),
            variant_cost=_.b_cost.sum(where=_.b_in).fill_null(0),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    return found


def _overlap_rows(table: SuppressedTable, whole: bool) -> list[dict[str, Any]]:
    """The 2 x 2 overlap table; all of it hidden unless both sides are shown (``whole``)."""
    overlap = []
    for (row, column), cell in table.cells.items():
        shown = whole and cell.published
        overlap.append(
            {
                "base": row,
                "variant": column,
                "units": cell.count if shown else None,
                "note": cell.note if whole else "Skjult, fordi grundregel eller variant er skjult",
            }
        )
    return overlap


def table_count(found: dict[str, Any], side: str) -> int:
    if side == "base":
        return int(found["both"]) + int(found["only_base"])
    return int(found["both"]) + int(found["only_variant"])
