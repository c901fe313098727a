"""The year-end forecast in the engine: one query per step over all citizens and intervention
types at once (the pure reference is :mod:`tvaers.followup.model`).

1. :func:`area_amounts` / :func:`solution_amounts`: the monthly amounts of the two years — a
   whole area's expenditure (``dranst`` 1 by the posting's intervention, ``""`` where none) or
   a solution's citizens' draw (registered + attributed) — as ``sector_area, intervention,
   citizen, month, amount``.
2. :func:`history`: those amounts and the commitments as whole øre per intervention type, kind
   (``current``, ``last``, ``committed``) and month number.
3. :func:`forecasts`: per intervention type and as-of month *m* (one or many: the back-test
   asks for 1-11 in the same query), realised, last year's same months and full year, the
   committed rest, and each method's forecast of the rest, rounded half to even once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _

from tvaers.core.periods import Month, Period
from tvaers.draw import queries as q
from tvaers.draw.queries_money import WIDE, round_half_even, to_ore

KEYS = ("sector_area", "intervention")
CURRENT, LAST, COMMITTED = "current", "last", "committed"


def two_years(year: int) -> Period:
    """Last year and this year: what a forecast of ``year`` reads."""
    return Period.between(date(year - 1, 1, 1), date(year, 12, 31))


def _shaped(table: ir.Table) -> ir.Table:
    return table.select(
        sector_area=table.sector_area.cast("string").fill_null(""),
        intervention=table.intervention.cast("string").fill_null(""),
        citizen=table.citizen.cast("string"),
        month=table.month.cast("date"),
        amount=table.amount,
    )


def area_amounts(
    postings: ir.Table, accounts: ir.Table, interventions: ir.Table, year: int
) -> ir.Table:
    """A whole area's operating expenditure (``dranst`` 1) in ``year`` and the year before, by
    the posting's intervention (``""`` where none)."""
    return _shaped(q.expenditure(postings, accounts, interventions, two_years(year)))


def solution_amounts(lines: ir.Table, citizens: ir.Table) -> ir.Table:
    """The draw's lines (of the two years) of the citizens in ``citizens`` (column ``citizen``)."""
    picked = lines.semi_join(citizens, lines.citizen == citizens.citizen)
    return _shaped(picked)


def history(amounts: ir.Table, committed: ir.Table | None, year: int) -> ir.Table:
    """``sector_area, intervention, kind, month_no, known_from, ore``: the amounts of ``year``
    (``current``) and the year before (``last``), and ``committed``'s amounts in ``year``'s
    months (``known_from``: the commitment's start, from when the back-test may count it)."""
    spent = amounts.filter(_.month.year().isin([year - 1, year]))
    parts = [
        spent.select(
            *KEYS,
            kind=ibis.ifelse(spent.month.year() == year, CURRENT, LAST),
            month_no=spent.month.month().cast("int64"),
            known_from=ibis.null("date"),
            ore=to_ore(spent.amount),
        )
    ]
    if committed is not None:
        own = committed.filter(_.month.year() == year)
        parts.append(
            own.select(
                sector_area=own.sector_area.cast("string").fill_null(""),
                intervention=own.intervention.cast("string").fill_null(""),
                kind=ibis.literal(COMMITTED),
                month_no=own.month.month().cast("int64"),
                known_from=own.start_date.cast("date"),
                ore=to_ore(own.amount),
            )
        )
    rows = ibis.union(*parts)
    return rows.group_by(*KEYS, "kind", "month_no", "known_from").aggregate(
        ore=rows.ore.sum().cast("int64")
    )


def as_of_table(year: int, months: Sequence[int]) -> ir.Table:
    """``m, as_of``: the as-of month numbers and their last days."""
    return ibis.memtable(
        pa.table(
            {
                "m": pa.array(list(months), pa.int64()),
                "as_of": pa.array([Month(year, m).last_day for m in months], pa.date32()),
            }
        )
    )


def _sum_where(condition: ir.BooleanValue, ore: ir.IntegerValue) -> ir.IntegerValue:
    return ibis.ifelse(condition, ore, 0).sum().fill_null(0).cast("int64")


def forecasts(hist: ir.Table, as_of: ir.Table, *, known_by_start: bool) -> ir.Table:
    """Per intervention type and as-of month ``m``: ``realised, last_same, last_full, actual``
    (this year's twelve months), ``committed_rest`` and ``rest_<method>``/``year_end_<method>``
    for each method. ``known_by_start``: count a commitment only from its start (the back-test:
    the data do not say when it was made); otherwise every commitment in the table counts."""
    joined = hist.cross_join(as_of)
    cur, last = joined.kind == CURRENT, joined.kind == LAST
    known = joined.known_from <= joined.as_of if known_by_start else ibis.literal(True)
    later = (joined.kind == COMMITTED) & (joined.month_no > joined.m) & known.fill_null(False)
    sums = joined.group_by(*KEYS, "m").aggregate(
        realised=_sum_where(cur & (joined.month_no <= joined.m), joined.ore),
        last_same=_sum_where(last & (joined.month_no <= joined.m), joined.ore),
        last_full=_sum_where(last, joined.ore),
        actual=_sum_where(cur, joined.ore),
        committed_rest=_sum_where(later, joined.ore),
    )
    step = sums.mutate(
        _run_num=(sums.realised * (12 - sums.m)).cast(WIDE),
        _season_num=(
            sums.realised.cast(WIDE) * sums.last_full.cast(WIDE) * sums.last_same.sign()
        ).cast(WIDE),
        _season_den=ibis.greatest(sums.last_same.abs(), 1).cast(WIDE),
        _m=sums.m.cast(WIDE),
    ).view()
    run_rate = round_half_even(step._run_num, step._m)
    seasonal = round_half_even(step._season_num, step._season_den) - step.realised
    rests = step.mutate(
        rest_commitments=step.committed_rest,
        rest_run_rate=run_rate,
        rest_seasonal=ibis.ifelse(step.last_same != 0, seasonal, run_rate),
        rest_last_year=step.last_full - step.last_same,
    ).drop("_run_num", "_season_num", "_season_den", "_m")
    return rests.mutate(
        **{
            f"year_end_{method}": rests.realised + rests[f"rest_{method}"]
            for method in ("commitments", "run_rate", "seasonal", "last_year")
        }
    )


def monthly_totals(hist: ir.Table) -> ir.Table:
    """``sector_area, kind, month_no, ore``: the amounts per area and month (the chart)."""
    return hist.group_by("sector_area", "kind", "month_no").aggregate(ore=hist.ore.sum())


def behind(amounts: ir.Table, committed: ir.Table | None, year: int, m: int | None) -> ir.Table:
    """``sector_area, intervention, unit``: the citizens (and the families of family grants,
    ``family:<code>``) behind what a forecast as of month ``m`` shows — this year's amounts to
    the end of month ``m``, last year's, and the commitments of the months after ``m`` —
    once each. ``m`` ``None``: every month of both years and every commitment (the back-test)."""
    this_year = amounts.month.year() == year
    shown = this_year if m is None else this_year & (amounts.month.month() <= m)
    spent = amounts.filter(amounts.citizen.notnull(), shown | (amounts.month.year() == year - 1))
    parts = [spent.select(*KEYS, unit=spent.citizen)]
    if committed is not None:
        later = committed.month.year() == year
        if m is not None:
            later = later & (committed.month.month() > m)
        own = committed.filter(later)
        unit = ibis.coalesce(own.citizen, ibis.literal("family:") + own.family)
        parts.append(own.select(
            sector_area=own.sector_area.cast("string").fill_null(""),
            intervention=own.intervention.cast("string").fill_null(""),
            unit=unit,
        ).filter(_.unit.notnull()))  # fmt: skip
    return ibis.union(*parts).distinct()
