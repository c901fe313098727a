"""The pilot evaluation as Ibis expressions (issue 13): every citizen's cost in the 12 months
before and the 12 months from an enrolment date, the comparison group matched set-based over all
citizens at once, and the sums :func:`tvaers.budget.pilot_model.estimate` needs.

A *unit* is a citizen at a *cohort* (the first day of a month): a treated citizen at the month of
its (first) enrolment; a comparison citizen (never enrolled in any solution) at every month a
treated citizen was enrolled in, as a pseudo-enrolment, so that the windows align. Costs are
annual: the window's sum × 12 / the window's months within the data (the data may end before a
window does; the comparison's windows end with the same months).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.budget.pilot_model import AGE_BANDS, COST_BANDS, MONTHS

NONE = "ingen"  # no cost in the before-window: the area combination of its own
UNKNOWN = -1  # the band of an unknown age


def monthly(lines: ir.Table, value: str) -> ir.Table:
    """``citizen, sector_area, month, cost``: the draw's ``value`` (amount or net) per citizen,
    area and month, in floating point (a statistic)."""
    return lines.group_by("citizen", "sector_area", "month").aggregate(
        cost=lines[value].sum().cast("float64")
    )


def cohorts(treated: ir.Table, first: date, last: date) -> ir.Table:
    """``cohort, before_months, after_months``: the months treated citizens were enrolled in,
    with how many months of each window lie within the data (``first``..``last``: first days)."""
    found = treated.select(cohort=treated.enrolled_on.truncate("M").cast("date")).distinct()
    start, end = ibis.literal(first), ibis.literal(last)
    w_first = (found.cohort - ibis.interval(months=MONTHS)).cast("date")
    w_last = (found.cohort - ibis.interval(months=1)).cast("date")
    a_last = (found.cohort + ibis.interval(months=MONTHS - 1)).cast("date")
    before = ibis.least(w_last, end).delta(ibis.greatest(w_first, start), unit="month") + 1
    after = ibis.least(a_last, end).delta(ibis.greatest(found.cohort, start), unit="month") + 1
    return found.select(
        "cohort", before_months=ibis.greatest(before, 0), after_months=ibis.greatest(after, 0)
    )


def evaluable(cohorts_: ir.Table) -> ir.Table:
    """The cohorts with months of data in both windows."""
    return cohorts_.filter((_.before_months > 0) & (_.after_months > 0))


def area_costs(costs: ir.Table, cohorts_: ir.Table) -> ir.Table:
    """``citizen, cohort, sector_area, before, after``: every citizen's annual cost per area in
    the windows of every cohort (set-based: a range join of months on cohorts)."""
    c = cohorts_.select(
        c_cohort="cohort",
        c_from=(cohorts_.cohort - ibis.interval(months=MONTHS)).cast("date"),
        c_to=(cohorts_.cohort + ibis.interval(months=MONTHS - 1)).cast("date"),
        c_before="before_months",
        c_after="after_months",
    )
    joined = costs.join(c, [costs.month >= c.c_from, costs.month <= c.c_to])
    after = joined.month >= joined.c_cohort
    sums = joined.group_by(
        "citizen", cohort=joined.c_cohort, sector_area=joined.sector_area,
        b_months=joined.c_before, a_months=joined.c_after,
    ).aggregate(
        before=ibis.ifelse(after, 0.0, joined.cost).sum(),
        after=ibis.ifelse(after, joined.cost, 0.0).sum(),
    )  # fmt: skip
    return sums.select(
        "citizen", "cohort", "sector_area",
        before=sums.before * MONTHS / sums.b_months, after=sums.after * MONTHS / sums.a_months,
    )  # fmt: skip


def _band(value: ir.NumericValue, bounds: tuple[int, ...]) -> ir.IntegerValue:
    """The index of ``value``'s band (bounds are the bands' lower bounds, ascending)."""
    index: ir.IntegerValue = ibis.literal(0)
    for bound in bounds[1:]:
        index = index + (value >= bound).cast("int64")
    return index


def _age(birth: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Whole years on ``day`` (a first of the month)."""
    later = (birth.month() > day.month()) | ((birth.month() == day.month()) & (birth.day() > 1))
    return day.year() - birth.year() - later.cast("int64")


def units(
    treated: ir.Table, citizens: ir.Table, excluded: ir.Table, cohorts_: ir.Table
) -> ir.Table:
    """``citizen, cohort, treated``: the treated at their cohort, and every citizen never
    enrolled (not in ``excluded``) at every cohort."""
    own = treated.select(
        "citizen", cohort=treated.enrolled_on.truncate("M").cast("date"), treated=True
    ).semi_join(cohorts_, "cohort")
    never = citizens.select(citizen=citizens.citizen.cast("string")).anti_join(excluded, "citizen")
    pool = never.cross_join(cohorts_.select("cohort")).mutate(treated=False)
    return own.union(pool.select("citizen", "cohort", "treated"))


def profiles(units_: ir.Table, costs: ir.Table, citizens: ir.Table) -> ir.Table:
    """Per unit: ``baseline`` (annual cost before) and ``after`` in all areas, ``areas`` (the
    combination of areas with cost before, ``NONE`` without), ``age``, ``age_band``,
    ``cost_band`` and ``d`` = after − baseline."""
    per_unit = costs.group_by("citizen", "cohort").aggregate(
        baseline=costs.before.sum(),
        after=costs.after.sum(),
        areas=costs.sector_area.group_concat(
            "+", where=costs.before > 0, order_by=costs.sector_area
        ),
    )
    people = citizens.select(p_citizen=citizens.citizen.cast("string"), birth=citizens.birth_date)
    joined = units_.left_join(
        per_unit, [units_.citizen == per_unit.citizen, units_.cohort == per_unit.cohort]
    ).left_join(people, units_.citizen == people.p_citizen)
    age = _age(joined.birth, joined.cohort)
    baseline = joined.baseline.fill_null(0.0)
    after = joined.after.fill_null(0.0)
    return joined.select(
        citizen=joined.citizen, cohort=joined.cohort, treated=joined.treated,
        baseline=baseline, after=after, d=after - baseline,
        areas=joined.areas.fill_null(NONE), age=age,
        age_band=ibis.ifelse(age.isnull(), UNKNOWN, _band(age, AGE_BANDS)),
        cost_band=_band(baseline, COST_BANDS),
    )  # fmt: skip


# The matching's levels, finest first: a treated citizen is matched at the first level whose
# cell has a comparison citizen, so that every evaluable enrolled citizen is matched (the cohort
# is always kept: the windows must align).
NEAREST_LEVELS = (("cohort", "areas", "age_band"), ("cohort", "areas"), ("cohort",))
STRATA_LEVELS = (
    ("cohort", "areas", "age_band", "cost_band"), ("cohort", "areas", "cost_band"),
    ("cohort", "cost_band"), ("cohort",),
)  # fmt: skip


def _strata_cell(here: ir.Table, pool: ir.Table, keys: tuple[str, ...]) -> ir.Table:
    """``citizen, cohort, weight``: the comparison citizens of the cells of ``here`` (treated),
    each weighing its cell's treated ÷ its comparison citizens."""
    n_t = here.group_by(*keys).aggregate(n_t=here.count())
    n_c = pool.group_by(*keys).aggregate(n_c=pool.count())
    joined = pool.join(n_t, list(keys)).join(n_c, list(keys))
    return joined.select("citizen", "cohort", weight=joined.n_t.cast("float64") / joined.n_c)


def _nearest_cell(here: ir.Table, pool: ir.Table, keys: tuple[str, ...]) -> ir.Table:
    """``citizen, cohort, weight``: each treated citizen of ``here``'s nearest comparison
    citizen by baseline cost within ``keys``, with replacement (two ASOF joins: the nearest
    below and above); citizens tied at the nearest distance share the match (1/k each). A
    comparison citizen weighs the sum of its shares."""
    treated = here.select(*keys, t_citizen="citizen", t_base="baseline")
    values = pool.select(*keys, value="baseline").distinct()
    below = values.rename({f"b_{k}": k for k in keys})
    above = values.select(*[values[k].name(f"b_{k}") for k in keys], value=-values.value)
    same = [treated[k] == below[f"b_{k}"] for k in keys]
    low = treated.asof_join(below, on=treated.t_base >= below.value, predicates=same)
    same_up = [treated[k] == above[f"b_{k}"] for k in keys]
    high = treated.asof_join(above, on=-treated.t_base >= above.value, predicates=same_up)
    columns = [*keys, "t_citizen", "t_base"]
    found = (
        low.select(*columns, value=low.value)
        .union(high.select(*columns, value=-high.value))
        .filter(_.value.notnull())
    )
    found = found.mutate(distance=(found.value - found.t_base).abs())
    nearest = found.filter(found.distance == found.distance.min().over(group_by="t_citizen"))
    nearest = nearest.select(*keys, "t_citizen", "value").distinct()
    paired = nearest.join(
        pool, [*[nearest[k] == pool[k] for k in keys], nearest.value == pool.baseline]
    )
    shares = paired.select("t_citizen", c_citizen=paired.citizen, c_cohort=paired.cohort)
    shares = shares.mutate(share=1.0 / shares.count().over(group_by="t_citizen"))
    return shares.group_by(citizen="c_citizen", cohort="c_cohort").aggregate(
        weight=shares.share.sum()
    )


def _levelled(
    profiled: ir.Table,
    levels: tuple[tuple[str, ...], ...],
    cell: Callable[[ir.Table, ir.Table, tuple[str, ...]], ir.Table],
) -> ir.Table:
    """``citizen, cohort, treated, weight, level``: every treated citizen matched by ``cell``
    at the first of ``levels`` whose cell holds a comparison citizen (``level``: its index; a
    comparison row -1, its weight summed over the levels)."""
    pool = profiled.filter(~profiled.treated)
    left = profiled.filter(profiled.treated)
    own, others = [], []
    for level, keys in enumerate(levels):  # three or four levels
        cells = pool.select(*keys).distinct()
        here = left.semi_join(cells, list(keys))
        left = left.anti_join(cells, list(keys))
        own.append(here.select("citizen", "cohort", level=ibis.literal(level)))
        others.append(cell(here, pool, keys))
    treated = ibis.union(*own)
    comparison = ibis.union(*others, distinct=False)
    comparison = comparison.group_by("citizen", "cohort").aggregate(weight=comparison.weight.sum())
    return treated.select(
        "citizen", "cohort", treated=ibis.literal(True), weight=ibis.literal(1.0), level="level"
    ).union(comparison.select(
        "citizen", "cohort", treated=ibis.literal(False), weight="weight",
        level=ibis.literal(-1),
    ))  # fmt: skip


def match_strata(profiled: ir.Table) -> ir.Table:
    """``citizen, cohort, treated, weight, level``: exact strata of cohort × area combination ×
    age band × baseline-cost band; a treated citizen without comparison in its stratum in a
    coarser one (without the age band, then the baseline band alone, then the cohort alone). A
    treated citizen weighs 1, a comparison citizen its stratum's treated ÷ its comparison
    citizens (summed over the levels)."""
    return _levelled(profiled, STRATA_LEVELS, _strata_cell)


def match_nearest(profiled: ir.Table) -> ir.Table:
    """``citizen, cohort, treated, weight, level``: each treated citizen's nearest comparison
    citizen by baseline cost within cohort × area combination × age band; without one there,
    within the area combination alone, then the nearest baseline in the cohort."""
    return _levelled(profiled, NEAREST_LEVELS, _nearest_cell)


def _sums(rows: ir.Table, *keys: str) -> ir.Table:
    """The moments of ``d`` per ``keys`` and group (treated or not), with ``w``."""
    w, d = rows.weight, rows.d
    return rows.group_by(*keys, "treated").aggregate(
        rows=rows.count(), citizens=rows.citizen.nunique(), weight=w.sum(),
        sum_d=(w * d).sum(), sum_d2=(w * d * d).sum(), sum_w2=(w * w).sum(),
        sum_w2d=(w * w * d).sum(), sum_w2d2=(w * w * d * d).sum(),
    )  # fmt: skip


def total_moments(matched: ir.Table, profiled: ir.Table) -> ir.Table:
    """The moments of the total difference, per group (treated or not)."""
    rows = matched.join(profiled.select("citizen", "cohort", "d"), ["citizen", "cohort"])
    return _sums(rows)


def area_moments(matched: ir.Table, costs: ir.Table) -> ir.Table:
    """The moments of each area's difference per area and group, over the units with cost in
    the area (the others' difference is 0: they add to the group's rows and weights only);
    ``citizens``: the distinct citizens with cost in the area."""
    per_area = costs.select("citizen", "cohort", "sector_area", d=costs.after - costs.before)
    rows = matched.join(per_area, ["citizen", "cohort"])
    return _sums(rows, "sector_area")


def balance_sums(
    profiled: ir.Table, matched: ir.Table, costs: ir.Table
) -> tuple[ir.Table, ir.Table]:
    """``variable, group, weight, sum_x, sum_x2`` for the balance table: baseline cost, age and
    cost before in each area (a share, per ``sector_area``), for the treated (``treated``), the
    comparison before matching (``pool``: every never-enrolled citizen at the treated cohorts,
    weighted by the cohort's treated), the matched treated (``treated_matched``) and the matched
    comparison (``matched``)."""
    counts = profiled.group_by("cohort").aggregate(
        n_t=profiled.treated.cast("int64").sum(), n_c=(~profiled.treated).cast("int64").sum()
    )
    raw = profiled.join(counts, "cohort")
    before = raw.select(
        "citizen", "cohort", "baseline", "age",
        group=ibis.ifelse(raw.treated, "treated", "pool"),
        weight=ibis.ifelse(raw.treated, 1.0, raw.n_t.cast("float64") / raw.n_c),
    )  # fmt: skip
    after = matched.join(
        profiled.select("citizen", "cohort", "baseline", "age"), ["citizen", "cohort"]
    )
    after = after.select(
        "citizen", "cohort", "baseline", "age",
        group=ibis.ifelse(after.treated, "treated_matched", "matched"), weight="weight",
    )  # fmt: skip
    both = before.union(after)
    base = both.group_by("group").aggregate(
        weight=both.weight.sum(),
        baseline=(both.weight * both.baseline).sum(),
        baseline2=(both.weight * both.baseline * both.baseline).sum(),
        age_weight=both.weight.sum(where=both.age.notnull()),
        age=(both.weight * both.age).sum(),
        age2=(both.weight * both.age * both.age).sum(),
    )
    had = costs.filter(costs.before > 0).select("citizen", "cohort", "sector_area")
    areas = both.join(had, ["citizen", "cohort"])
    shares = areas.group_by("group", "sector_area").aggregate(
        weight=areas.weight.sum(), citizens=areas.citizen.nunique()
    )
    return base, shares
