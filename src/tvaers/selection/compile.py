"""A rule set compiled to Ibis: the measures per unit (:mod:`tvaers.selection.queries`) with one
boolean column per leaf of the rule, ``include``, ``exclude``, the score with its components and
whether the unit is in the group.

Everything is set-based: a citizen-level leaf (age, benefit, intervention) is a set of units (a
join and a filter over all citizens at once), a unit-level leaf (counts, cost, family) a bound on
a measure column; the condition tree becomes one boolean expression over the leaf columns. Python
only loops over the rule's few leaves. Each step dispatches on the condition class
(:func:`functools.singledispatch`): :func:`leaf_units` gives a leaf's set of units (``None`` for a
unit-level leaf), :func:`leaf_test` its boolean column and :func:`compile_condition` the tree. A
new kind of leaf registers one implementation of each; an unregistered class is a ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import singledispatch

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis import _

from tvaers.core.units import Unit
from tvaers.draw import queries_contacts as qc
from tvaers.draw.queries import FAR_FUTURE
from tvaers.draw.queries_money import MONEY
from tvaers.selection import rules
from tvaers.selection.queries import (
    Inputs,
    area_cost_column,
    attach,
    cost_per_unit,
    months_back,
    spell_days,
    spells_touching,
    to_units,
)
from tvaers.selection.rules import Bounds, Condition, Leaf, Measure, Score

MAX_SCALE = 6  # decimals of the score at most


# --- bounds and sets of citizens --------------------------------------------------------------


def within(value: ir.NumericValue, bounds: Bounds, integer: bool = False) -> ir.BooleanValue:
    """``min <= value <= max`` (either end open); NULL values are outside."""
    test: ir.BooleanValue = value.notnull()
    for end, check in ((bounds.min, value.__ge__), (bounds.max, value.__le__)):
        if end is not None:
            test = test & check(int(end) if integer else ibis.literal(end))
    return test


def age_set(persons: ir.Table, leaf: rules.AgeCondition) -> ir.Table:
    """Citizens whose age on the reference date is within the bounds (not without birth date)."""
    return persons.filter(within(persons.age, leaf.bounds, integer=True)).select("citizen")


def benefit_set(spells: ir.Table, leaf: rules.BenefitCondition, as_of: date) -> ir.Table:
    """Citizens with a spell of one of the types on ``as_of`` (or within the months before it),
    of a length within the leaf's day bounds."""
    since = months_back(as_of, leaf.within_months)
    found = spells_touching(spells, since, as_of).filter(_.benefit.isin(list(leaf.benefit_types)))
    if leaf.days != Bounds():
        found = found.filter(within(spell_days(found, as_of), leaf.days, integer=True))
    return found.select("citizen").distinct()


def intervention_set(
    activities: ir.Table, interventions: ir.Table, leaf: rules.InterventionCondition, as_of: date
) -> ir.Table:
    """Citizens with an activity on a picked intervention (selector and, when given, sector
    area) active on ``as_of`` or overlapping the months before it."""
    kinds = interventions
    if leaf.selector is not None:
        kinds = kinds.filter(qc.matches(kinds, leaf.selector))
    if leaf.sector_area:
        kinds = kinds.filter(kinds.sector_area == leaf.sector_area)
    kinds = kinds.select(k_code="intervention")
    since = months_back(as_of, leaf.within_months)
    found = activities.filter(
        activities.start_date <= as_of,
        activities.end_date.fill_null(FAR_FUTURE) >= ibis.literal(since),
    )
    found = found.semi_join(kinds, found.intervention == kinds.k_code)
    return found.select("citizen").distinct()


# --- leaves by class --------------------------------------------------------------------------


@singledispatch
def leaf_units(leaf: Leaf, inputs: Inputs, unit: Unit, as_of: date) -> ir.Table | None:
    """The units meeting a citizen-level leaf (``s_unit``); ``None`` for a unit-level leaf,
    which :func:`leaf_test` reads from the measure columns."""
    raise TypeError(f"no set of units for {type(leaf).__name__}")


@leaf_units.register
def _age_units(leaf: rules.AgeCondition, inputs: Inputs, unit: Unit, as_of: date) -> ir.Table:
    return to_units(age_set(inputs.persons, leaf), inputs.persons, unit, leaf.member)


@leaf_units.register
def _benefit_units(
    leaf: rules.BenefitCondition, inputs: Inputs, unit: Unit, as_of: date
) -> ir.Table:
    found = benefit_set(inputs.spells, leaf, as_of)
    return to_units(found, inputs.persons, unit, leaf.member)


@leaf_units.register
def _intervention_units(
    leaf: rules.InterventionCondition, inputs: Inputs, unit: Unit, as_of: date
) -> ir.Table:
    found = intervention_set(inputs.activities, inputs.interventions, leaf, as_of)
    return to_units(found, inputs.persons, unit, leaf.member)


@leaf_units.register(rules.CountCondition)
@leaf_units.register(rules.CostCondition)
@leaf_units.register(rules.FamilyCondition)
def _no_units(leaf: Leaf, inputs: Inputs, unit: Unit, as_of: date) -> None:
    return None  # a unit-level leaf: read from the measure columns by leaf_test


@singledispatch
def leaf_test(leaf: Leaf, table: ir.Table, column: str) -> ir.BooleanValue:
    """Whether each unit of ``table`` meets the leaf; ``column`` is where :func:`unit_table`
    joined the leaf's :func:`leaf_units` (citizen-level leaves)."""
    raise TypeError(f"no test for {type(leaf).__name__}")


@leaf_test.register(rules.AgeCondition)
@leaf_test.register(rules.BenefitCondition)
@leaf_test.register(rules.InterventionCondition)
def _in_units(leaf: Leaf, table: ir.Table, column: str) -> ir.BooleanValue:
    return table[column]


@leaf_test.register
def _count_test(leaf: rules.CountCondition, table: ir.Table, column: str) -> ir.BooleanValue:
    return within(table[leaf.measure.value], leaf.bounds, integer=True)


@leaf_test.register
def _cost_test(leaf: rules.CostCondition, table: ir.Table, column: str) -> ir.BooleanValue:
    measure = area_cost_column(leaf.sector_area) if leaf.sector_area else "cost"
    return within(table[measure], leaf.bounds)


@leaf_test.register
def _family_test(leaf: rules.FamilyCondition, table: ir.Table, column: str) -> ir.BooleanValue:
    test: ir.BooleanValue = ibis.literal(True)
    for part, bounds in leaf.parts():
        test = test & within(table[part], bounds, integer=True)
    return test


# --- the condition tree -----------------------------------------------------------------------


@singledispatch
def compile_condition(node: Condition, columns: Mapping[str, ir.BooleanValue]) -> ir.BooleanValue:
    """The condition tree as one boolean expression over the leaf columns (by leaf path).
    An empty ``all`` is true, an empty ``any`` false."""
    raise TypeError(f"no expression for {type(node).__name__}")


@compile_condition.register
def _all(node: rules.AllOf, columns: Mapping[str, ir.BooleanValue]) -> ir.BooleanValue:
    result: ir.BooleanValue = ibis.literal(True)
    for item in node.items:
        result = result & compile_condition(item, columns)
    return result


@compile_condition.register
def _any(node: rules.AnyOf, columns: Mapping[str, ir.BooleanValue]) -> ir.BooleanValue:
    result: ir.BooleanValue = ibis.literal(False)
    for item in node.items:
        result = result | compile_condition(item, columns)
    return result


@compile_condition.register
def _not(node: rules.NotOf, columns: Mapping[str, ir.BooleanValue]) -> ir.BooleanValue:
    return ~compile_condition(node.item, columns)


@compile_condition.register
def _leaf(node: Leaf, columns: Mapping[str, ir.BooleanValue]) -> ir.BooleanValue:
    return columns[node.path]


# --- the rule ---------------------------------------------------------------------------------


def score_type(score: Score) -> dt.Decimal:
    """``DECIMAL(18, s)`` with ``s`` the most decimals of a weight (at most 6)."""
    scale = max((max(0, -int(w.as_tuple().exponent)) for w in score.weights.values()), default=0)
    return dt.Decimal(18, min(scale, MAX_SCALE))


def points_column(measure: Measure) -> str:
    return f"points_{measure.value}"


def leaf_column(index: int) -> str:
    return f"leaf_{index}"


def unit_table(
    measures: ir.Table,
    inputs: Inputs,
    unit: Unit,
    leaves: Sequence[Leaf],
    include: Condition,
    exclude: Condition | None,
    score: Score,
    as_of: date,
) -> ir.Table:
    """The :func:`~tvaers.selection.queries.measures_table` with the rule: ``cost_area_<area>``
    for each area a cost condition names, one column ``leaf_<i>`` per leaf (in ``leaves`` order),
    ``include``, ``exclude``, ``points_<measure>`` per weighted measure, ``score``, ``score_ok``
    and ``in_group``."""
    base = measures
    cost_areas = sorted(
        {leaf.sector_area or "" for leaf in leaves if isinstance(leaf, rules.CostCondition)} - {""}
    )
    if cost_areas:
        zero = ibis.literal(Decimal("0.00")).cast(MONEY)
        costs = cost_per_unit(inputs.lines, inputs.citizens, unit, cost_areas).drop("cost")
        base = attach(base, costs, "d_unit", {area_cost_column(a): zero for a in cost_areas})

    for index, leaf in enumerate(leaves):  # a loop over the rule's few leaves
        found = leaf_units(leaf, inputs, unit, as_of)
        if found is None:
            continue
        key = f"k_{index}"
        joined = base.left_join(found.select(**{key: "s_unit"}), base.unit == found.s_unit)
        base = joined.select(*base.columns, **{leaf_column(index): joined[key].notnull()})

    columns: dict[str, ir.BooleanValue] = {}
    for index, leaf in enumerate(leaves):
        columns[leaf_column(index)] = leaf_test(leaf, base, leaf_column(index))
    base = base.mutate(**columns)
    by_path = {leaf.path: base[leaf_column(i)] for i, leaf in enumerate(leaves)}
    included = compile_condition(include, by_path)
    excluded = compile_condition(exclude, by_path) if exclude is not None else ibis.literal(False)
    base = base.mutate(include=included, exclude=excluded)

    kind = score_type(score)
    points = {
        points_column(m): (base[m.value].cast(dt.Decimal(18, 0)) * ibis.literal(w, kind)).cast(kind)
        for m, w in score.weights.items()
    }
    base = base.mutate(**points)
    total: ir.NumericValue = ibis.literal(Decimal(0), kind)
    for name in points:
        total = total + base[name]
    base = base.mutate(score=total.cast(kind))
    score_ok = base.score >= _decimal(score.min) if score.min is not None else ibis.literal(True)
    base = base.mutate(score_ok=score_ok)
    return base.mutate(in_group=base.include & ~base.exclude & base.score_ok)


def variant_in_group(table: ir.Table, leaves: Sequence[Leaf], include: Condition,
                     exclude: Condition | None, score_min: Decimal | None,
                     ) -> ir.BooleanValue:  # fmt: skip
    """Whether a unit is in the group of a variant of the rule (e.g. ``rule.without(path)``),
    from the leaf columns already computed: no leaf is evaluated again."""
    by_path = {leaf.path: table[leaf_column(i)] for i, leaf in enumerate(leaves)}
    test = compile_condition(include, by_path)
    if exclude is not None:
        test = test & ~compile_condition(exclude, by_path)
    if score_min is not None:
        test = test & (table.score >= _decimal(score_min))
    return test


def _decimal(value: Decimal) -> ir.DecimalScalar:
    """A decimal literal with its own scale (a minimum of 7.4 stays 7.4 against any score)."""
    scale = max(0, -int(value.as_tuple().exponent))
    return ibis.literal(value, dt.Decimal(38, min(scale, 18)))
