"""The baseline (nulpunktsmåling) as Ibis expressions: each member's cost in the 12 months
before its reference date, per sector area; and the archetype alternative: typical families by
their combination of sector areas (and interventions), with typical annual cost."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.periods import Period
from tvaers.core.suppression import SMALL_CELL
from tvaers.core.units import Unit
from tvaers.draw.queries import FAR_FUTURE
from tvaers.draw.queries_money import MONEY
from tvaers.draw.queries_summary import method_sums, with_unit

OTHER = "øvrige"  # archetypes with fewer than SMALL_CELL units in the municipality, merged
NONE = "ingen"  # no cost in the window


def windows(members: ir.Table) -> ir.Table:
    """Members (``unit, reference_date``) with their window: the 12 whole months before the
    reference month (``w_first`` first day, ``w_last`` first day of the last month)."""
    return members.mutate(
        w_first=_months_back(members.reference_date, 12),
        w_last=_months_back(members.reference_date, 1),
    ).view()


def _months_back(day: ir.DateValue, months: int) -> ir.DateValue:
    """The first day of the month ``months`` before ``day``'s, as a date on every engine (a
    date minus an interval is a timestamp on Spark, whatever cast follows)."""
    index = day.year() * 12 + day.month() - 1 - months
    return ibis.date(index // 12, index % 12 + 1, 1)


def months_covered(members: ir.Table, period: Period) -> ir.IntegerValue:
    """How many months of each member's window lie within the attributed period."""
    first = ibis.greatest(members.w_first, ibis.literal(period.first_day))
    last = ibis.least(members.w_last, ibis.literal(period.last.first_day))
    count = last.delta(first, unit="month") + 1
    return ibis.greatest(count, 0)


def member_lines(lines: ir.Table, citizens: ir.Table, members: ir.Table, unit: Unit) -> ir.Table:
    """The draw's lines of each member within its window."""
    keyed = with_unit(lines, citizens, unit)
    joined = keyed.join(
        members,
        [keyed.unit == members.unit, keyed.month >= members.w_first, keyed.month <= members.w_last],
    )
    return joined.select("unit", "reference_date", "sector_area", "intervention", "method",
                         "amount")  # fmt: skip


def baseline_rows(
    lines: ir.Table, citizens: ir.Table, members: ir.Table, unit: Unit, period: Period
) -> ir.Table:
    """Per member and sector area: registered, pooled, priced, attributed, total; a member
    without any cost in its window gets one row with no sector area and zeros."""
    sums = method_sums(
        member_lines(lines, citizens, members, unit), ("unit", "reference_date", "sector_area")
    )
    base = members.mutate(months=months_covered(members, period))
    joined = base.left_join(
        sums, [base.unit == sums.unit, base.reference_date == sums.reference_date]
    )
    zero = ibis.literal(0).cast(MONEY)
    return joined.select(
        unit=joined.unit,
        reference_date=joined.reference_date,
        months=joined.months,
        sector_area=joined.sector_area,
        registered=joined.registered.fill_null(zero),
        pooled=joined.pooled.fill_null(zero),
        priced=joined.priced.fill_null(zero),
        attributed=joined.attributed.fill_null(zero),
        total=joined.total.fill_null(zero),
    )


def _keys(items: ir.Table) -> ir.Table:
    """``unit, item`` rows to one archetype key per unit: the sorted items joined by ``+`` (an
    array sorted, not an ordered aggregate: that Ibis cannot compile for Spark)."""
    distinct = items.distinct()
    return (
        distinct.group_by(k_unit="unit")
        .aggregate(key=distinct.item.collect().sort().join("+"))
        .view()
    )


def activity_items(
    activities: ir.Table, citizens: ir.Table, unit: Unit, first: ir.Value, last: ir.Value,
    owners: ir.Table,
) -> ir.Table:  # fmt: skip
    """``unit, item`` for the interventions active in a unit's window (``first``..``last``
    are columns of ``owners``, which has ``unit``)."""
    keyed = activities.mutate(stop=_.end_date.fill_null(FAR_FUTURE))
    if unit is Unit.CITIZEN:
        keyed = keyed.mutate(a_unit=_.citizen)
    else:
        fam = citizens.select(f_citizen="citizen", f_family=_.family.fill_null(_.citizen))
        keyed = keyed.join(fam, keyed.citizen == fam.f_citizen).mutate(a_unit=_.f_family)
    keyed = keyed.select("a_unit", "intervention", "start_date", "stop").view()
    joined = keyed.join(
        owners, [keyed.a_unit == owners.unit, keyed.start_date <= last, keyed.stop >= first]
    )
    return joined.select(unit=joined.a_unit, item=joined.intervention)


def unit_keys(member_rows: ir.Table, interventions_items: ir.Table | None) -> ir.Table:
    """Archetype key per unit from its areas (rows with ``unit, sector_area``) and, optionally,
    its interventions (rows with ``unit, item``)."""
    items = member_rows.select("unit", item=_.sector_area)
    if interventions_items is not None:
        items = items.union(interventions_items)
    return _keys(items)


def population_window(lines: ir.Table, citizens: ir.Table, unit: Unit, window: Period) -> ir.Table:
    """Every unit's cost per sector area in the reference window."""
    keyed = with_unit(lines, citizens, unit).filter(
        _.month >= window.first_day, _.month <= window.last.first_day
    )
    return keyed.group_by("unit", "sector_area").aggregate(cost=_.amount.sum())


def all_units(citizens: ir.Table, unit: Unit) -> ir.Table:
    if unit is Unit.CITIZEN:
        return citizens.select(unit=_.citizen)
    return citizens.select(unit=_.family.fill_null(_.citizen)).distinct()


def archetype_of(keys: ir.Table, units: ir.Table) -> ir.Table:
    """Every unit with its key (``NONE`` without cost)."""
    joined = units.left_join(keys, units.unit == keys.k_unit)
    return joined.select(unit=joined.unit, key=joined.key.fill_null(NONE)).view()


def archetype_map(population_keys: ir.Table) -> ir.Table:
    """Key -> archetype: keys held by fewer than five units in the municipality merge into
    ``OTHER``; with the number of units of each archetype."""
    counts = population_keys.group_by("key").aggregate(n=_.count())
    return counts.select(
        m_key="key", archetype=ibis.ifelse(counts.n < SMALL_CELL, OTHER, counts.key), n="n"
    ).view()


def typical_costs(
    population_costs: ir.Table, population_keys: ir.Table, mapping: ir.Table, scale: float
) -> ir.Table:
    """Per archetype and sector area: the mean annual cost of its units (``scale`` makes a
    shorter window annual), and the number of units in the municipality."""
    keyed = population_keys.join(mapping, population_keys.key == mapping.m_key).select(
        "unit", "archetype"
    )
    sizes = keyed.group_by(s_archetype="archetype").aggregate(population=_.count())
    costs = population_costs.join(keyed, population_costs.unit == keyed.unit).select(
        "archetype", "sector_area", "cost"
    )
    sums = costs.group_by("archetype", "sector_area").aggregate(cost=_.cost.sum())
    joined = sizes.left_join(sums, sizes.s_archetype == sums.archetype)
    typical = (joined.cost.cast("float64") * scale / joined.population).round(2)
    return joined.select(
        archetype=joined.s_archetype,
        population=joined.population,
        sector_area=joined.sector_area,
        typical=typical.fill_null(0.0),
    ).view()


def member_archetypes(member_keys: ir.Table, mapping: ir.Table) -> ir.Table:
    """Each member's archetype: its key's, or ``OTHER`` for a key the municipality lacks."""
    joined = member_keys.left_join(mapping, member_keys.key == mapping.m_key)
    return joined.select("unit", archetype=joined.archetype.fill_null(OTHER)).view()
