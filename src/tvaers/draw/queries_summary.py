"""Ibis expressions over the attribution's ``lines``: the draw per unit, area and month, coverage
per area, and each unit's total for the cost concentration."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.units import Unit
from tvaers.draw.model import AREA_GROUPS, Method, Reason
from tvaers.draw.queries_money import MONEY


def with_unit(lines: ir.Table, citizens: ir.Table, unit: Unit) -> ir.Table:
    """``lines`` with the column ``unit``: the citizen, or the citizen's family."""
    if unit is Unit.CITIZEN:
        return lines.mutate(unit=_.citizen)
    members = citizens.select(m_citizen="citizen", m_family="family")
    joined = lines.join(members, lines.citizen == members.m_citizen)
    return joined.mutate(unit=joined.m_family.fill_null(joined.citizen)).drop(
        "m_citizen", "m_family"
    )


def _sum_of(method: Method) -> ir.Scalar:
    return _.amount.sum(where=_.method == method.value).fill_null(0).cast(MONEY)


SUMS = ("registered", "pooled", "priced", "attributed", "total")  # the columns of method_sums


def method_sums(table: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Registered, pooled, priced, attributed and total per ``keys``."""
    sums = table.group_by(*keys).aggregate(
        registered=_sum_of(Method.REGISTERED),
        pooled=_sum_of(Method.POOLED),
        priced=_sum_of(Method.PRICED),
    )
    return sums.mutate(
        attributed=(_.pooled + _.priced).cast(MONEY),
        total=(_.registered + _.pooled + _.priced).cast(MONEY),
    )


def draw_rows(lines: ir.Table, citizens: ir.Table, unit: Unit, ordered: bool = True) -> ir.Table:
    """One row per citizen (or family) x sector area x month (``YYYY-MM``)."""
    keyed = with_unit(lines, citizens, unit)
    sums = method_sums(keyed, ("unit", "sector_area", "month"))
    rows = sums.select(sums.unit.name(unit.value), "sector_area", _month_text(sums), *SUMS)
    return rows.order_by(unit.value, "sector_area", "month") if ordered else rows


def area_month_rows(lines: ir.Table) -> ir.Table:
    """Per sector area and month: the sums and the number of citizens with a draw."""
    sums = method_sums(lines, ("sector_area", "month"))
    counts = lines.group_by(c_area="sector_area", c_month="month").aggregate(
        citizens=_.citizen.nunique()
    )
    joined = sums.join(counts, [sums.sector_area == counts.c_area, sums.month == counts.c_month])
    return joined.select(
        "sector_area", _month_text(joined), "citizens", "registered", "attributed", "total"
    ).order_by("sector_area", "month")


def _month_text(table: ir.Table) -> ir.StringValue:
    """The table's ``month`` as ``YYYY-MM`` text."""
    return table.month.strftime("%Y-%m").name("month")


def coverage(
    expenditure: ir.Table, lines: ir.Table, unattributed: ir.Table, sector_areas: ir.Table
) -> ir.Table:
    """Per sector area: expenditure, registered, pooled, priced, unattributed by reason."""
    spent = expenditure.group_by("sector_area").aggregate(expenditure=_.expenditure.sum())
    drawn = method_sums(lines, ("sector_area",)).select(
        d_area="sector_area", registered="registered", pooled="pooled", priced="priced"
    )
    rest = unattributed.group_by(u_area="sector_area").aggregate(
        **{
            reason.value: _.amount.sum(where=_.reason == reason.value).fill_null(0).cast(MONEY)
            for reason in Reason
        }
    )
    names = sector_areas.select(n_area="sector_area", name="name")
    step = spent.left_join(drawn, spent.sector_area == drawn.d_area).select(
        "sector_area", "expenditure", "registered", "pooled", "priced"
    )
    step = step.left_join(rest, step.sector_area == rest.u_area).select(
        *step.columns, *(r.value for r in Reason)
    )
    step = step.left_join(names, step.sector_area == names.n_area).select(*step.columns, "name")
    zero = ibis.literal(0).cast(MONEY)
    return step.select(
        sector_area=step.sector_area.fill_null("?"),
        name=step.name.fill_null(step.sector_area.fill_null("ukendt")),
        expenditure=step.expenditure.cast(MONEY),
        registered=step.registered.fill_null(zero),
        pooled=step.pooled.fill_null(zero),
        priced=step.priced.fill_null(zero),
        **{r.value: step[r.value].fill_null(zero) for r in Reason},
    ).order_by(ibis.desc("expenditure"))


def unit_totals(lines: ir.Table, citizens: ir.Table, unit: Unit) -> ir.Table:
    """Every citizen (or family) with its total draw and its number of sector areas; units
    without any draw are included with 0, so the population is the whole municipality."""
    keyed = with_unit(lines, citizens, unit)
    sums = keyed.group_by(t_unit="unit").aggregate(
        total=_.amount.sum().cast(MONEY), areas=_.sector_area.nunique()
    )
    population = (
        citizens.select(unit=_.citizen)
        if unit is Unit.CITIZEN
        else citizens.select(unit=_.family.fill_null(_.citizen)).distinct()
    )
    joined = population.left_join(sums, population.unit == sums.t_unit)
    return joined.select(
        "unit",
        total=joined.total.fill_null(ibis.literal(0).cast(MONEY)),
        areas=joined.areas.fill_null(0),
    )


def ranked(totals: ir.Table) -> ir.Table:
    """Units in ascending order of total: ``up`` from 1 and the cumulative total ``cost`` of the
    ``up`` cheapest. Ties put the later unit first, so that the last ``k`` rows are the ``k``
    most expensive units with ties broken by unit. One sort serves both windows."""
    order = [ibis.asc("total"), ibis.desc("unit")]
    return totals.mutate(
        up=ibis.row_number().over(order_by=order) + 1,
        cost=_.total.sum().over(order_by=order, rows=(None, 0)),
    )


def rank_summary(ranked_totals: ir.Table) -> ir.Table:
    """Number of units, their total and the sum of ``up x total`` (for the Gini coefficient)."""
    return ranked_totals.aggregate(
        units=_.count(), all=_.total.sum(), weighted=(_.total * _.up).sum()
    )


def cumulative_at(ranked_totals: ir.Table, ups: Sequence[int]) -> ir.Table:
    """The cumulative total of the ``up`` cheapest units, for each ``up`` asked for."""
    return ranked_totals.filter(_.up.isin(list(ups))).select("up", "cost")


def area_groups(totals: ir.Table) -> ir.Table:
    """Units and their cost by number of sector areas drawn on (0, 1, 2, 3, 4+)."""
    last = len(AREA_GROUPS) - 1
    group = ibis.cases(
        *((totals.areas == n, AREA_GROUPS[n]) for n in range(last)), else_=AREA_GROUPS[last]
    )
    return (
        totals.mutate(group=group)
        .group_by("group")
        .aggregate(units=_.count(), cost=_.total.sum().cast(MONEY))
    )
