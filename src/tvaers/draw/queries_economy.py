"""A solution's economy as Ibis expressions: its enrolment periods as citizens, the months each
citizen was enrolled, and the draw of those months (issue 11 #4 and #6).

An enrolled family counts with every member; a citizen in two periods that overlap (or enrolled
alone and with the family) counts once per month in the solution's figures (the semi-join), and
once per period in the list of periods (the join), where each period is its own row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _

from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.draw import queries_baseline as qb
from tvaers.draw.queries_money import MONEY
from tvaers.draw.queries_summary import method_sums

PERIODS_SCHEMA = pa.schema(
    [
        ("period", pa.int64()),
        ("unit", pa.string()),
        ("subject", pa.string()),
        ("enrolled_on", pa.date32()),
        ("discharged_on", pa.date32()),
    ]
)


def periods_table(rows: Sequence[tuple[int, str, str, date, date | None]]) -> ir.Table:
    """The enrolment periods ``(period, unit, subject, enrolled_on, discharged_on)`` as a table
    (one Arrow column each: the rows are the store's, not the analytics')."""
    columns: list[Sequence[object]] = (
        list(zip(*rows, strict=True)) if rows else [() for _ in PERIODS_SCHEMA]
    )
    return ibis.memtable(
        pa.table(
            [pa.array(list(c), f.type) for c, f in zip(columns, PERIODS_SCHEMA, strict=True)],
            schema=PERIODS_SCHEMA,
        )
    )


def enrolled_citizens(periods: ir.Table, citizens: ir.Table) -> ir.Table:
    """Per period its citizens (an enrolled family: each member): ``period, citizen,
    enrolled_on, first_month, last_month`` (``last_month`` null while enrolled)."""
    own = periods.filter(_.unit == "citizen").mutate(citizen=_.subject)
    families = periods.filter(_.unit == "family")
    people = citizens.select(p_citizen=_.citizen.cast("string"), p_family=_.family)
    members = families.join(people, families.subject == people.p_family).mutate(citizen=_.p_citizen)
    columns = ("period", "citizen", "enrolled_on", "discharged_on")
    both = own.select(*columns).union(members.select(*columns))
    return both.select(
        "period",
        "citizen",
        "enrolled_on",
        first_month=both.enrolled_on.truncate("M").cast("date"),
        last_month=both.discharged_on.truncate("M").cast("date"),
    )


def calendar(period: Period) -> ir.Table:
    """The period's months (first days), a handful of rows."""
    days = [m.first_day for m in period.months()]
    return ibis.memtable(pa.table({"c_month": pa.array(days, pa.date32())}))


def enrolled_months(members: ir.Table, months: ir.Table) -> ir.Table:
    """``citizen, month``: each month of the period a citizen was enrolled (once, however many
    periods cover it)."""
    joined = members.join(
        months,
        [
            months.c_month >= members.first_month,
            members.last_month.isnull() | (months.c_month <= members.last_month),
        ],
    )
    return joined.select("citizen", month=joined.c_month).distinct()


def since_lines(lines: ir.Table, months: ir.Table) -> ir.Table:
    """The draw's lines of the months a citizen was enrolled."""
    return lines.semi_join(months, [lines.citizen == months.citizen, lines.month == months.month])


def distinct_citizens(lines: ir.Table, *keys: str) -> ir.Table:
    """The citizens with a draw per ``keys`` (none: in all), as ``*keys, citizens``."""
    if not keys:
        return lines.aggregate(citizens=lines.citizen.nunique())
    return lines.group_by(*keys).aggregate(citizens=lines.citizen.nunique())


def members_per_month(months: ir.Table) -> ir.Table:
    """``month, members``: how many citizens were enrolled in each month."""
    return months.group_by("month").aggregate(members=months.count())


def baseline_members(members: ir.Table) -> ir.Table:
    """``unit, reference_date``: each citizen with its first enrolment (the baseline's group)."""
    return members.group_by(unit=members.citizen).aggregate(
        reference_date=members.enrolled_on.min()
    )


def period_costs(
    lines: ir.Table, citizens: ir.Table, members: ir.Table, period: Period
) -> ir.Table:
    """Per enrolment period: ``period, baseline, baseline_months, since, since_months`` — the
    baseline (the 12 months before the enrolment, :func:`qb.baseline_rows`) and the draw from
    the month of enrolment through the month of discharge (or the data's last month)."""
    keyed = members.select("period", "citizen", "first_month", "last_month",
                           unit="citizen", reference_date="enrolled_on")  # fmt: skip
    group = qb.windows(keyed.select("unit", "reference_date").distinct())
    rows = qb.baseline_rows(lines, citizens, group, Unit.CITIZEN, period)
    per_member = rows.group_by("unit", "reference_date").aggregate(
        baseline=rows.total.sum(), baseline_months=rows.months.max()
    )
    base = keyed.left_join(
        per_member,
        [keyed.unit == per_member.unit, keyed.reference_date == per_member.reference_date],
    )
    last = ibis.literal(period.last.first_day)
    stop = ibis.least(base.last_month.fill_null(last), last)
    months = ibis.greatest(stop.delta(base.first_month, unit="month") + 1, 0)
    with_base = base.select("period", "citizen", "first_month", stop=stop, months=months,
                            baseline="baseline", baseline_months="baseline_months")  # fmt: skip
    drawn = lines.join(
        with_base,
        [
            lines.citizen == with_base.citizen,
            lines.month >= with_base.first_month,
            lines.month <= with_base.stop,
        ],
    )
    since = method_sums(drawn.select("period", "method", "amount"), ("period",))
    per_period = with_base.group_by("period").aggregate(
        baseline=with_base.baseline.sum(),
        baseline_months=with_base.baseline_months.max(),
        since_months=with_base.months.max(),
    )
    joined = per_period.left_join(since, per_period.period == since.period)
    zero = ibis.literal(0).cast(MONEY)
    return joined.select(
        period=per_period.period,
        baseline=joined.baseline.fill_null(zero).cast(MONEY),
        baseline_months=joined.baseline_months.fill_null(0),
        since=joined.total.fill_null(zero).cast(MONEY),
        since_months=joined.since_months.fill_null(0),
    )
