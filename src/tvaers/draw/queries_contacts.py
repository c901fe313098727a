"""Contact points as Ibis expressions: sector areas, interventions, simultaneous interventions,
caseworkers and overlapping interventions per citizen or family."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.draw.model import CONTACT_GROUPS, OverlapRule, Selector, like_pattern
from tvaers.draw.queries import FAR_FUTURE
from tvaers.draw.queries_money import MONEY


def unit_of(citizens: ir.Table, unit: Unit) -> ir.Table:
    """``citizen -> unit``: the citizen itself or its family."""
    value = _.citizen if unit is Unit.CITIZEN else _.family.fill_null(_.citizen)
    return citizens.select(u_citizen="citizen", unit=value)


def spans(activities: ir.Table, interventions: ir.Table, citizens: ir.Table, period: Period
          ) -> ir.Table:  # fmt: skip
    """Activities active in the period, clipped to it, each with an id, its citizen's family
    and its sector area."""
    first, last = period.first_day, period.last_day
    a = activities.mutate(stop=_.end_date.fill_null(FAR_FUTURE)).filter(
        _.start_date <= last, _.stop >= first
    )
    a = a.select(
        "citizen",
        "intervention",
        "caseworker",
        activity=ibis.row_number().over(
            order_by=["citizen", "intervention", "start_date", "stop", "caseworker"]
        ),
        start=ibis.greatest(_.start_date, ibis.literal(first)),
        stop=ibis.least(_.stop, ibis.literal(last)),
    )
    itv = interventions.select(i_code="intervention", sector_area="sector_area")
    families = citizens.select(f_citizen="citizen", family=_.family.fill_null(_.citizen))
    typed = a.join(itv, a.intervention == itv.i_code).select(*a.columns, "sector_area")
    return typed.join(families, typed.citizen == families.f_citizen).select(
        *typed.columns, "family"
    )


def within_membership(spans: ir.Table, members: ir.Table) -> ir.Table:
    """The spans of a solution's people, clipped to their months of enrolment (``members``:
    ``citizen, first_month, last_month``, null last month: still enrolled)."""
    m = members.select(
        m_citizen="citizen",
        m_first="first_month",
        m_last=(members.last_month + ibis.interval(months=1) - ibis.interval(days=1))
        .cast("date")
        .fill_null(FAR_FUTURE),
    )
    joined = spans.join(m, spans.citizen == m.m_citizen).filter(
        _.stop >= _.m_first, _.start <= _.m_last
    )
    return joined.mutate(
        start=ibis.greatest(_.start, _.m_first), stop=ibis.least(_.stop, _.m_last)
    ).select(*spans.columns)


def by_unit(active: ir.Table, unit: Unit) -> ir.Table:
    """The spans with the column ``unit``: the citizen or the family."""
    return active.mutate(unit=active[unit.value]).view()


def simultaneous(active: ir.Table) -> ir.Table:
    """Per unit, the largest number of activities active on one day (a sweep over start and end
    events: +1 on the first day, -1 the day after the last)."""
    starts = active.select("unit", day=_.start, delta=ibis.literal(1))
    ends = active.select("unit", day=(_.stop + ibis.interval(days=1)).cast("date"),
                         delta=ibis.literal(-1))  # fmt: skip
    events = starts.union(ends).group_by("unit", "day").aggregate(delta=_.delta.sum())
    running = events.mutate(
        level=_.delta.sum().over(group_by="unit", order_by="day", rows=(None, 0))
    )
    return running.group_by(s_unit="unit").aggregate(simultaneous_interventions=_.level.max())


def contact_counts(active: ir.Table, lines: ir.Table, citizens: ir.Table, unit: Unit) -> ir.Table:
    """Per unit: sector areas (from activities and from the draw), distinct interventions,
    distinct caseworkers and the most activities at once."""
    owners = unit_of(citizens, unit)
    drawn = lines.join(owners, lines.citizen == owners.u_citizen).select("unit", "sector_area")
    areas = (
        active.select("unit", "sector_area")
        .union(drawn)
        .group_by(a_unit="unit")
        .aggregate(sector_areas=_.sector_area.nunique())
    )
    counts = active.group_by(c_unit="unit").aggregate(
        interventions=_.intervention.nunique(), caseworkers=_.caseworker.nunique()
    )
    peak = simultaneous(active)
    step = areas.left_join(counts, areas.a_unit == counts.c_unit).select(
        unit="a_unit", sector_areas="sector_areas", interventions="interventions",
        caseworkers="caseworkers",
    )  # fmt: skip
    step = step.left_join(peak, step.unit == peak.s_unit).select(
        *step.columns, "simultaneous_interventions"
    )
    return step.select(
        "unit",
        "sector_areas",
        interventions=step.interventions.fill_null(0),
        simultaneous_interventions=step.simultaneous_interventions.fill_null(0),
        caseworkers=step.caseworkers.fill_null(0),
    )


def contact_group_column(column: ir.IntegerValue, measure: str) -> ir.StringValue:
    """The value's group label for the distribution (``CONTACT_GROUPS``)."""
    groups = CONTACT_GROUPS[measure]
    cases = [(column < groups[i + 1][0], groups[i][1]) for i in range(len(groups) - 1)]
    return ibis.cases(*cases, else_=groups[-1][1])


def distributions(counts: ir.Table) -> ir.Table:
    """Units per group of each measure (``measure, group, units``)."""
    parts = [
        counts.select(measure=ibis.literal(m), group=contact_group_column(counts[m], m))
        for m in CONTACT_GROUPS
    ]
    return ibis.union(*parts).group_by("measure", "group").aggregate(units=_.count())


def matches(interventions: ir.Table, selector: Selector) -> ir.BooleanValue:
    """Whether an intervention is picked by the selector (codes, legal basis, name)."""
    tests: list[ir.BooleanValue] = []
    if selector.codes:
        tests.append(interventions.intervention.isin(list(selector.codes)))
    for pattern in selector.legal_bases:
        tests.append(interventions.legal_basis.fill_null("").ilike(like_pattern(pattern)))
    for pattern in selector.names:
        tests.append(interventions.name.fill_null("").ilike(like_pattern(pattern)))
    result = tests[0]
    for test in tests[1:]:
        result = result | test
    return result


def picked(interventions: ir.Table, selector: Selector) -> ir.Table:
    return interventions.filter(matches(interventions, selector)).select(p_code="intervention")


def overlap_pairs(active: ir.Table, interventions: ir.Table, rule: OverlapRule) -> ir.Table:
    """Pairs of different activities of one unit, one of each kind, active on a common day;
    with the first and last common day."""
    first_kind = picked(interventions, rule.first)
    first = active.semi_join(first_kind, active.intervention == first_kind.p_code).select(
        f_unit="unit", f_activity="activity", f_start="start", f_stop="stop"
    )
    second_kind = picked(interventions, rule.second)
    second = active.semi_join(second_kind, active.intervention == second_kind.p_code).select(
        s_unit="unit", s_activity="activity", s_start="start", s_stop="stop"
    )
    same_kind = rule.first == rule.second
    pairs = first.join(
        second,
        [
            first.f_unit == second.s_unit,
            (first.f_activity < second.s_activity)
            if same_kind
            else (first.f_activity != second.s_activity),
            first.f_start <= second.s_stop,
            second.s_start <= first.f_stop,
        ],
    )
    return pairs.select(
        unit="f_unit",
        start=ibis.greatest(pairs.f_start, pairs.s_start),
        stop=ibis.least(pairs.f_stop, pairs.s_stop),
    ).view()


def overlap_months(pairs: ir.Table, months: ir.Table) -> ir.Table:
    """The distinct unit-months touched by an overlap."""
    joined = pairs.join(months, [pairs.start <= months.month_end, pairs.stop >= months.month])
    return joined.select(o_unit="unit", o_month="month").distinct()


def overlap_cost(
    pairs: ir.Table,
    months: ir.Table,
    lines: ir.Table,
    citizens: ir.Table,
    interventions: ir.Table,
    rule: OverlapRule,
    unit: Unit,
) -> ir.Table:
    """Per unit with an overlap: the draw on the rule's interventions in the months touched."""
    kinds = picked(interventions, rule.first).union(picked(interventions, rule.second)).distinct()
    owners = unit_of(citizens, unit)
    relevant = lines.semi_join(kinds, lines.intervention == kinds.p_code)
    relevant = relevant.join(owners, relevant.citizen == owners.u_citizen).select(
        "unit", "month", "amount"
    )
    touched = overlap_months(pairs, months)
    joined = touched.left_join(
        relevant, [touched.o_unit == relevant.unit, touched.o_month == relevant.month]
    )
    return joined.group_by(unit="o_unit").aggregate(
        cost=joined.amount.sum().fill_null(0).cast(MONEY)
    )
