"""The retrospective settlement from the data (Albertslund, issue 13) as Ibis expressions, over
all of a solution's enrolled citizens at once.

For a settlement year each citizen enrolled in any month of it (within the data) counts:

* *actual*: the citizen's draw in the months of the year it was enrolled (from the enrolment
  month on, to the month of discharge; :func:`tvaers.draw.queries_economy.enrolled_months`);
* *baseline*: the citizen's draw in the 12 whole months before its first enrolment in the
  solution (as the solution's economy, :mod:`tvaers.draw.solution_economy`), scaled to the months
  counted in the year, so that old and new cover the same months: baseline × months ÷ 12.

Per sector area the scaled baseline is Σ (baseline in øre × months) over the citizens, divided by
12 once and rounded half to even to the øre (the caller's :func:`baseline_ore`); the actual is
summed in øre. ``amount`` names the money column: the draw's ``amount`` (gross) or the ``net``
of :func:`tvaers.budget.state.net_lines`.
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from tvaers.draw import queries_economy as qe
from tvaers.draw.queries_money import WIDE, to_ore

MONTHS_IN_BASELINE = 12


def year_group(members: ir.Table, year_months: ir.Table) -> ir.Table:
    """``citizen, reference_date, months, w_first, w_last``: each citizen enrolled in a month of
    ``year_months`` (``c_month``), with its first enrolment, the months it counts in the year,
    and its baseline window (the 12 months before the first enrolment's month)."""
    enrolled = qe.enrolled_months(members, year_months)
    counted = enrolled.group_by("citizen").aggregate(months=enrolled.count())
    first = members.group_by(f_citizen=members.citizen).aggregate(
        reference_date=members.enrolled_on.min()
    )
    joined = counted.join(first, counted.citizen == first.f_citizen)
    start = joined.reference_date.truncate("M").cast("date")
    return joined.select(
        "citizen",
        "reference_date",
        "months",
        w_first=(start - ibis.interval(months=MONTHS_IN_BASELINE)).cast("date"),
        w_last=(start - ibis.interval(months=1)).cast("date"),
    )


def citizen_areas(
    lines: ir.Table, group: ir.Table, year_months: ir.Table, members: ir.Table, amount: str
) -> ir.Table:
    """Per citizen and sector area: ``citizen, sector_area, baseline_scaled`` (the baseline in
    øre × the months counted, not yet divided by 12) and ``actual`` (øre); a citizen with no
    draw in either is left out."""
    enrolled = qe.enrolled_months(members, year_months)
    actual_lines = qe.since_lines(lines, enrolled)
    actual = actual_lines.group_by(
        a_citizen=actual_lines.citizen, a_area=actual_lines.sector_area
    ).aggregate(actual=to_ore(actual_lines[amount].sum()))
    windows = group.select(g_citizen="citizen", months="months", w_first="w_first", w_last="w_last")
    before = lines.join(
        windows,
        [
            lines.citizen == windows.g_citizen,
            lines.month >= windows.w_first,
            lines.month <= windows.w_last,
        ],
    )
    base = before.group_by(
        b_citizen=before.citizen, b_area=before.sector_area, b_months=before.months
    ).aggregate(b_ore=to_ore(before[amount].sum()))
    joined = base.outer_join(
        actual, [base.b_citizen == actual.a_citizen, base.b_area == actual.a_area]
    )
    zero = ibis.literal(0).cast("int64")
    scaled = joined.b_ore.cast(WIDE) * joined.b_months.cast(WIDE)
    return joined.select(
        citizen=joined.b_citizen.fill_null(joined.a_citizen).cast("string"),
        sector_area=joined.b_area.fill_null(joined.a_area).cast("string"),
        baseline_scaled=scaled.fill_null(ibis.literal(0).cast(WIDE)),
        actual=joined.actual.fill_null(zero),
    )


def area_sums(per_citizen: ir.Table) -> ir.Table:
    """``sector_area, citizens, baseline_scaled, actual``: the citizens with a draw in the area
    (before or in the year) and the sums of :func:`citizen_areas`."""
    return per_citizen.group_by("sector_area").aggregate(
        citizens=per_citizen.citizen.nunique(),
        baseline_scaled=per_citizen.baseline_scaled.sum().cast(WIDE),
        actual=per_citizen.actual.sum().cast(WIDE),
    )


def group_facts(group: ir.Table, data_first: ir.DateValue) -> ir.Table:
    """``citizens, member_months, incomplete``: the group's size, the months it counts in the
    year, and how many citizens' baseline windows begin before the data do (their baseline is
    what the data hold)."""
    return group.aggregate(
        citizens=group.citizen.nunique(),
        member_months=group.months.sum().cast("int64"),
        incomplete=(group.w_first < data_first).cast("int64").sum(),
    )


def baseline_ore(scaled: int | Decimal) -> int:
    """The scaled baseline of an area in øre: Σ (øre × months) ÷ 12, rounded half to even."""
    quotient, rest = divmod(int(scaled), MONTHS_IN_BASELINE)  # floor: rest in 0..11
    twice = 2 * rest
    up = twice > MONTHS_IN_BASELINE or (twice == MONTHS_IN_BASELINE and quotient % 2 == 1)
    return quotient + int(up)
