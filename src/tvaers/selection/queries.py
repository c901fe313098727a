"""Target-group rules as Ibis expressions: one table with a row per unit (citizen or family) of
the whole municipality, its measures over the look-back window, one boolean column per leaf of
the rule set, the score with its components and whether the unit is in the group.

Everything is set-based: a leaf is a set of units (a join and a filter over all citizens at
once) or a bound on a measure column; the condition tree becomes one boolean expression over the
leaf columns. Python only loops over the rule's few leaves, measures and overlap rules. The
semantics are documented in ``docs/selection.md``; the contact points and the draw come from
:mod:`tvaers.draw.queries_contacts` and :mod:`tvaers.draw.queries_summary`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis import _

from tvaers.core.periods import Month
from tvaers.draw import queries_contacts as qc
from tvaers.draw import queries_summary as qs
from tvaers.draw.model import OverlapRule, Period, Unit
from tvaers.draw.queries import FAR_FUTURE
from tvaers.draw.queries_money import MONEY
from tvaers.selection.model import (
    ADULT_AGE,
    AgeCondition,
    AllOf,
    AnyOf,
    BenefitCondition,
    Bounds,
    Condition,
    CostCondition,
    CountCondition,
    FamilyCondition,
    InterventionCondition,
    Leaf,
    Measure,
    Member,
    NotOf,
    Score,
)

BENEFIT_PREFIX = "benefit:"
ADULT, CHILD = "adult", "child"
NO_BENEFIT = "ingen ydelse"  # composition label: no benefit on the reference date
SEVERAL_BENEFITS = "flere ydelser"  # composition label: more than one benefit type
MEASURES = tuple(m.value for m in Measure)
MAX_SCALE = 6  # decimals of the score at most


# --- dates ------------------------------------------------------------------------------------


def months_back(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def lookback_window(as_of: date, months: int) -> Period:
    """``months`` whole months ending with the month of ``as_of``."""
    last = Month.of(as_of)
    index = last.year * 12 + last.month - 1 - (months - 1)
    return Period(Month(index // 12, index % 12 + 1), last)


# --- persons, spans, spells -------------------------------------------------------------------


def people(citizens: ir.Table, as_of: date) -> ir.Table:
    """Every citizen: ``citizen, family`` (the citizen itself without one), ``birth_date``,
    ``age`` on ``as_of`` (NULL without birth date) and ``kind``: adult (18+), child or NULL."""
    born = citizens.birth_date
    birthday_later = (born.month() * 100 + born.day()) > (as_of.month * 100 + as_of.day)
    age = (ibis.literal(as_of.year) - born.year()) - birthday_later.cast("int64")
    kind = ibis.cases(
        (age >= ADULT_AGE, ADULT), (age < ADULT_AGE, CHILD), else_=ibis.null("string")
    )
    return citizens.select(
        "citizen",
        family=citizens.family.fill_null(citizens.citizen),
        birth_date=born,
        age=age,
        kind=kind,
    )


def window_spans(
    activities: ir.Table,
    interventions: ir.Table,
    citizens: ir.Table,
    window: Period,
    as_of: date,
) -> ir.Table:
    """The activities of the window (:func:`tvaers.draw.queries_contacts.spans`), up to and
    including ``as_of``: what is known on the reference date."""
    spans = qc.spans(activities, interventions, citizens, window)
    return spans.filter(spans.start <= as_of).mutate(
        stop=ibis.least(spans.stop, ibis.literal(as_of))
    )


def benefit_spells(outcomes: ir.Table, as_of: date) -> ir.Table:
    """Benefit spells from the outcome events on or before ``as_of``: ``citizen, benefit`` (the
    type after ``benefit:``, lower case), ``start``, ``end`` = the day before the citizen's next
    event of any status (NULL: still open on ``as_of``)."""
    known = outcomes.filter(outcomes.date <= as_of).select("citizen", "date", "status")
    days = known.select(n_citizen="citizen", n_date="date").distinct()
    days = days.mutate(n_next=days.n_date.lead().over(group_by="n_citizen", order_by="n_date"))
    status = known.status.lower().strip()
    benefits = known.filter(status.startswith(BENEFIT_PREFIX)).select(
        "citizen", "date", benefit=status.substr(len(BENEFIT_PREFIX)).strip()
    )
    joined = benefits.join(days, [benefits.citizen == days.n_citizen, benefits.date == days.n_date])
    return joined.select(
        "citizen",
        "benefit",
        start=joined.date,
        end=(joined.n_next - ibis.interval(days=1)).cast("date"),
    ).distinct()


def spell_days(spells: ir.Table, as_of: date) -> ir.IntegerValue:
    """A spell's length in days, first and last day included (open: to ``as_of``)."""
    last = spells.end.fill_null(ibis.literal(as_of))
    return last.delta(spells.start, unit="day") + 1


def spells_touching(spells: ir.Table, first: date, as_of: date) -> ir.Table:
    """Spells that overlap ``first`` .. ``as_of``."""
    return spells.filter(
        spells.start <= as_of, spells.end.isnull() | (spells.end >= ibis.literal(first))
    )


# --- units ------------------------------------------------------------------------------------


def unit_key(persons: ir.Table, unit: Unit) -> ir.StringValue:
    return persons.citizen if unit is Unit.CITIZEN else persons.family


def population(persons: ir.Table, unit: Unit) -> ir.Table:
    """Every unit of the municipality: ``unit``, ``citizens`` (in the unit), ``members`` (of its
    family) and ``children``, ``adults`` of its family."""
    families = persons.group_by(f_family="family").aggregate(
        members=_.count(),
        children=_.count(where=_.kind == CHILD),
        adults=_.count(where=_.kind == ADULT),
    )
    units = persons.group_by(unit=unit_key(persons, unit), u_family="family").aggregate(
        citizens=_.count()
    )
    joined = units.join(families, units.u_family == families.f_family)
    return joined.select("unit", "citizens", "members", "children", "adults")


def to_units(
    citizens_set: ir.Table, persons: ir.Table, unit: Unit, member: Member = Member.ANY
) -> ir.Table:
    """A set of citizens (column ``citizen``) as the set of their units (``s_unit``): for a
    family rule set, the families with at least one such member of the given kind."""
    if unit is Unit.CITIZEN and member is Member.ANY:
        return citizens_set.select(s_unit="citizen").distinct()
    p = persons.select(p_citizen="citizen", p_family="family", p_kind="kind")
    if member is not Member.ANY:
        p = p.filter(p.p_kind == member.value)
    joined = citizens_set.join(p, citizens_set.citizen == p.p_citizen)
    key = joined.p_citizen if unit is Unit.CITIZEN else joined.p_family
    return joined.select(s_unit=key).distinct()


# --- leaves -----------------------------------------------------------------------------------


def within(value: ir.NumericValue, bounds: Bounds, integer: bool = False) -> ir.BooleanValue:
    """``min <= value <= max`` (either end open); NULL values are outside."""
    test: ir.BooleanValue = value.notnull()
    for end, check in ((bounds.min, value.__ge__), (bounds.max, value.__le__)):
        if end is not None:
            test = test & check(int(end) if integer else ibis.literal(end))
    return test


def age_set(persons: ir.Table, leaf: AgeCondition) -> ir.Table:
    """Citizens whose age on the reference date is within the bounds (not without birth date)."""
    return persons.filter(within(persons.age, leaf.bounds, integer=True)).select("citizen")


def benefit_set(spells: ir.Table, leaf: BenefitCondition, as_of: date) -> ir.Table:
    """Citizens with a spell of one of the types on ``as_of`` (or within the months before it),
    of a length within the leaf's day bounds."""
    since = months_back(as_of, leaf.within_months)
    found = spells_touching(spells, since, as_of).filter(_.benefit.isin(list(leaf.benefit_types)))
    if leaf.days != Bounds():
        found = found.filter(within(spell_days(found, as_of), leaf.days, integer=True))
    return found.select("citizen").distinct()


def intervention_set(
    activities: ir.Table, interventions: ir.Table, leaf: InterventionCondition, as_of: date
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


# --- measures ---------------------------------------------------------------------------------


def overlap_counts(
    active: ir.Table, interventions: ir.Table, rules: Sequence[OverlapRule]
) -> ir.Table | None:
    """Per unit with an overlap: how many of the overlap rules it hits (``o_unit, overlaps``)."""
    hits = [
        qc.overlap_pairs(active, interventions, rule)
        .select(o_unit="unit", o_rule=ibis.literal(rule.rule))
        .distinct()
        for rule in rules  # a loop over the few configured overlap rules
    ]
    if not hits:
        return None
    return ibis.union(*hits).group_by("o_unit").aggregate(overlaps=_.count())


def benefit_type_counts(
    spells: ir.Table, persons: ir.Table, unit: Unit, window: Period, as_of: date
) -> ir.Table:
    """Per unit: distinct benefit types held in the window up to ``as_of`` (``b_unit,
    benefit_types``), and the types held on ``as_of`` (``benefits``: sorted, comma-separated;
    ``benefit_count``; ``benefit_group``: the type, ``flere ydelser`` or ``ingen ydelse``)."""
    p = persons.select(p_citizen="citizen", p_unit=unit_key(persons, unit))
    held = spells_touching(spells, window.first_day, as_of)
    held = held.join(p, held.citizen == p.p_citizen)
    on_date = (held.start <= as_of) & (held.end.isnull() | (held.end >= ibis.literal(as_of)))
    held = held.mutate(on_date=on_date)
    counts = held.group_by(b_unit="p_unit").aggregate(
        benefit_types=held.benefit.nunique(),
        benefit_count=held.benefit.nunique(where=held.on_date),
        benefits=held.benefit.group_concat(", ", where=held.on_date, order_by=held.benefit),
        first_benefit=held.benefit.min(where=held.on_date),
    )
    return counts


def areas_per_unit(active: ir.Table, lines: ir.Table, citizens: ir.Table, unit: Unit) -> ir.Table:
    """Per unit, the sector areas in contact (activities or a draw in the window) as a sorted,
    comma-separated list (``a_unit, areas``); their number is ``contact_counts``'
    ``sector_areas``."""
    owners = qc.unit_of(citizens, unit)
    drawn = lines.join(owners, lines.citizen == owners.u_citizen).select("unit", "sector_area")
    both = active.select("unit", "sector_area").union(drawn, distinct=True)
    return both.group_by(a_unit="unit").aggregate(
        areas=both.sector_area.group_concat(", ", order_by=both.sector_area)
    )


def cost_per_unit(
    lines: ir.Table, citizens: ir.Table, unit: Unit, areas: Sequence[str]
) -> ir.Table:
    """Per unit with a draw in the window: ``d_unit, cost`` and ``cost_<area>`` for each area
    a cost condition names."""
    keyed = qs.with_unit(lines, citizens, unit)
    return keyed.group_by(d_unit="unit").aggregate(
        cost=keyed.amount.sum().cast(MONEY),
        **{
            area_cost_column(area): keyed.amount.sum(where=keyed.sector_area == area).cast(MONEY)
            for area in areas
        },
    )


def area_cost_column(area: str) -> str:
    return "cost_area_" + "".join(c if c.isalnum() else "_" for c in area)


# --- the condition tree -----------------------------------------------------------------------


def compile_condition(node: Condition, columns: Mapping[str, ir.BooleanValue]) -> ir.BooleanValue:
    """The condition tree as one boolean expression over the leaf columns (by leaf path).
    An empty ``all`` is true, an empty ``any`` false."""
    if isinstance(node, AllOf):
        result: ir.BooleanValue = ibis.literal(True)
        for item in node.items:
            result = result & compile_condition(item, columns)
        return result
    if isinstance(node, AnyOf):
        result = ibis.literal(False)
        for item in node.items:
            result = result | compile_condition(item, columns)
        return result
    if isinstance(node, NotOf):
        return ~compile_condition(node.item, columns)
    return columns[node.path]


def score_type(score: Score) -> dt.Decimal:
    """``DECIMAL(18, s)`` with ``s`` the most decimals of a weight (at most 6)."""
    scale = max((max(0, -int(w.as_tuple().exponent)) for w in score.weights.values()), default=0)
    return dt.Decimal(18, min(scale, MAX_SCALE))


def points_column(measure: Measure) -> str:
    return f"points_{measure.value}"


@dataclass(frozen=True)
class Inputs:
    """The tables a rule set is evaluated over (most of them temporary tables)."""

    persons: ir.Table  # people()
    spans: ir.Table  # window_spans()
    spells: ir.Table  # benefit_spells()
    lines: ir.Table  # the draw of the window
    citizens: ir.Table
    activities: ir.Table
    interventions: ir.Table
    overlaps: tuple[OverlapRule, ...]


def leaf_column(index: int) -> str:
    return f"leaf_{index}"


def measures_table(inputs: Inputs, unit: Unit, window: Period, as_of: date) -> ir.Table:
    """One row per unit of the municipality, whatever the rule: ``unit, citizens, members,
    children, adults``, the six measures, ``benefit_count``, ``benefits`` (types on ``as_of``),
    ``benefit_group``, ``areas`` and ``cost`` (the draw in the window)."""
    persons = inputs.persons
    active = qc.by_unit(inputs.spans, unit)
    base = population(persons, unit)

    counts = qc.contact_counts(active, inputs.lines, inputs.citizens, unit).rename(c2_unit="unit")
    base = _attach(
        base,
        counts,
        "c2_unit",
        {m: 0 for m in ("sector_areas", "interventions", "simultaneous_interventions",
                        "caseworkers")},
    )  # fmt: skip
    overlaps = overlap_counts(active, inputs.interventions, inputs.overlaps)
    if overlaps is not None:
        base = _attach(base, overlaps, "o_unit", {"overlaps": 0})
    else:
        base = base.mutate(overlaps=ibis.literal(0, "int64"))
    benefits = benefit_type_counts(inputs.spells, persons, unit, window, as_of)
    base = _attach(
        base,
        benefits,
        "b_unit",
        {"benefit_types": 0, "benefit_count": 0, "benefits": "", "first_benefit": None},
    )
    group = ibis.cases(
        (base.benefit_count == 0, NO_BENEFIT),
        (base.benefit_count == 1, base.first_benefit),
        else_=ibis.literal(SEVERAL_BENEFITS),
    )
    base = base.mutate(benefit_group=group).drop("first_benefit")
    areas = areas_per_unit(active, inputs.lines, inputs.citizens, unit)
    base = _attach(base, areas, "a_unit", {"areas": ""})
    zero = ibis.literal(Decimal("0.00")).cast(MONEY)
    costs = cost_per_unit(inputs.lines, inputs.citizens, unit, ())
    return _attach(base, costs, "d_unit", {"cost": zero})


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
    """The :func:`measures_table` with the rule: ``cost_area_<area>`` for each area a cost
    condition names, one column ``leaf_<i>`` per leaf (in ``leaves`` order), ``include``,
    ``exclude``, ``points_<measure>`` per weighted measure, ``score``, ``score_ok`` and
    ``in_group``."""
    base = measures
    cost_areas = sorted(
        {leaf.sector_area or "" for leaf in leaves if isinstance(leaf, CostCondition)} - {""}
    )
    if cost_areas:
        zero = ibis.literal(Decimal("0.00")).cast(MONEY)
        costs = cost_per_unit(inputs.lines, inputs.citizens, unit, cost_areas).drop("cost")
        base = _attach(base, costs, "d_unit", {area_cost_column(a): zero for a in cost_areas})

    for index, leaf in enumerate(leaves):  # a loop over the rule's few leaves
        found = _leaf_set(inputs, unit, leaf, as_of)
        if found is None:
            continue
        key = f"k_{index}"
        joined = base.left_join(found.select(**{key: "s_unit"}), base.unit == found.s_unit)
        base = joined.select(*base.columns, **{leaf_column(index): joined[key].notnull()})

    columns: dict[str, ir.BooleanValue] = {}
    for index, leaf in enumerate(leaves):
        columns[leaf_column(index)] = _leaf_value(base, leaf, index)
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


def _leaf_set(inputs: Inputs, unit: Unit, leaf: Leaf, as_of: date) -> ir.Table | None:
    """The units meeting a citizen-level leaf (``s_unit``); ``None`` for leaves read from the
    measure columns."""
    member = getattr(leaf, "member", Member.ANY)
    if isinstance(leaf, AgeCondition):
        found = age_set(inputs.persons, leaf)
    elif isinstance(leaf, BenefitCondition):
        found = benefit_set(inputs.spells, leaf, as_of)
    elif isinstance(leaf, InterventionCondition):
        found = intervention_set(inputs.activities, inputs.interventions, leaf, as_of)
    else:
        return None
    return to_units(found, inputs.persons, unit, member)


def _leaf_value(table: ir.Table, leaf: Leaf, index: int) -> ir.BooleanValue:
    if isinstance(leaf, CountCondition):
        return within(table[leaf.measure.value], leaf.bounds, integer=True)
    if isinstance(leaf, CostCondition):
        column = area_cost_column(leaf.sector_area) if leaf.sector_area else "cost"
        return within(table[column], leaf.bounds)
    if isinstance(leaf, FamilyCondition):
        test: ir.BooleanValue = ibis.literal(True)
        for part in ("children", "adults", "members"):
            bounds = getattr(leaf, part)
            if bounds != Bounds():
                test = test & within(table[part], bounds, integer=True)
        return test
    return table[leaf_column(index)]


def _attach(base: ir.Table, right: ir.Table, key: str, fill: Mapping[str, object]) -> ir.Table:
    """``base`` left-joined on ``unit`` with ``right`` (keyed by ``key``), taking the ``fill``
    columns with NULL replaced by the given defaults."""
    joined = base.left_join(right, base.unit == right[key])
    taken = {
        name: joined[name] if default is None else joined[name].fill_null(default)
        for name, default in fill.items()
    }
    return joined.select(*base.columns, **taken)
