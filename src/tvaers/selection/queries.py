"""The rule-independent part of target-group selection as Ibis expressions: persons, activity
spans and benefit spells on a reference date, and one row per unit (citizen or family) of the
whole municipality with its measures over the look-back window.

Everything is set-based: a measure is an aggregate over all citizens at once; Python only loops
over the few overlap rules. :mod:`tvaers.selection.compile` adds a rule set's leaves, score and
group to the measures. The semantics are documented in ``docs/selection.md``; the contact points
and the draw come from :mod:`tvaers.draw.queries_contacts` and :mod:`tvaers.draw.queries_summary`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.periods import Month, Period
from tvaers.core.units import Unit
from tvaers.draw import queries_contacts as qc
from tvaers.draw import queries_summary as qs
from tvaers.draw.model import OverlapRule
from tvaers.draw.queries_money import MONEY
from tvaers.selection.rules import ADULT_AGE, Measure, Member

BENEFIT_PREFIX = "benefit:"
ADULT, CHILD = "adult", "child"
NO_BENEFIT = "ingen ydelse"  # composition label: no benefit on the reference date
SEVERAL_BENEFITS = "flere ydelser"  # composition label: more than one benefit type
MEASURES = tuple(m.value for m in Measure)


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
        benefits=sorted_list(held.benefit, where=held.on_date),
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
    return both.group_by(a_unit="unit").aggregate(areas=sorted_list(both.sector_area))


def sorted_list(column: ir.StringColumn, where: ir.BooleanValue | None = None) -> ir.StringScalar:
    """The values, sorted and joined by ``", "``; NULL where there are none. An array sorted
    rather than an ordered ``group_concat``, which Ibis cannot compile for Spark."""
    values = column.collect(where=where)
    return ibis.ifelse(values.length() > 0, values.sort().join(", "), ibis.null("string"))


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


def measures_table(inputs: Inputs, unit: Unit, window: Period, as_of: date) -> ir.Table:
    """One row per unit of the municipality, whatever the rule: ``unit, citizens, members,
    children, adults``, the six measures, ``benefit_count``, ``benefits`` (types on ``as_of``),
    ``benefit_group``, ``areas`` and ``cost`` (the draw in the window)."""
    persons = inputs.persons
    active = qc.by_unit(inputs.spans, unit)
    base = population(persons, unit)

    counts = qc.contact_counts(active, inputs.lines, inputs.citizens, unit).rename(c2_unit="unit")
    base = attach(
        base,
        counts,
        "c2_unit",
        {m: 0 for m in ("sector_areas", "interventions", "simultaneous_interventions",
                        "caseworkers")},
    )  # fmt: skip
    overlaps = overlap_counts(active, inputs.interventions, inputs.overlaps)
    if overlaps is not None:
        base = attach(base, overlaps, "o_unit", {"overlaps": 0})
    else:
        base = base.mutate(overlaps=ibis.literal(0, "int64"))
    benefits = benefit_type_counts(inputs.spells, persons, unit, window, as_of)
    base = attach(
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
    base = attach(base, areas, "a_unit", {"areas": ""})
    zero = ibis.literal(Decimal("0.00")).cast(MONEY)
    costs = cost_per_unit(inputs.lines, inputs.citizens, unit, ())
    return attach(base, costs, "d_unit", {"cost": zero})


def attach(base: ir.Table, right: ir.Table, key: str, fill: Mapping[str, object]) -> ir.Table:
    """``base`` left-joined on ``unit`` with ``right`` (keyed by ``key``), taking the ``fill``
    columns with NULL replaced by the given defaults."""
    joined = base.left_join(right, base.unit == right[key])
    taken = {
        name: joined[name] if default is None else joined[name].fill_null(default)
        for name, default in fill.items()
    }
    return joined.select(*base.columns, **taken)
