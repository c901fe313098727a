"""The actuals behind the budget assumptions (003 §2.1) as Ibis expressions, over all citizens
at once: full-year persons per intervention type counted from the activities, and the spend per
intervention type from the draw's lines (registered and attributed), gross and net of the state.

Full-year persons: each activity's days within the counted window (the draw's period of the
year: its first month through the data's last month in the year, both ends included) divided
by the number of days in the year. An open-ended activity runs to the end of the data's last
month, as does one that ends later (only the months the spend covers are counted, so that the
price is the spend of the same days). The days are kept as a whole number, so the full-year
persons are exact: days ÷ the year's days.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.periods import Period
from tvaers.draw.queries import FAR_FUTURE
from tvaers.draw.queries_money import MONEY


def activity_days(activities: ir.Table, window: Period) -> ir.Table:
    """One row per activity active in ``window``: its citizen, intervention and its days in the
    window (inclusive of both ends)."""
    first, last = window.first_day, window.last_day
    a = activities.select(
        "citizen", "intervention", "start_date", stop=_.end_date.fill_null(FAR_FUTURE)
    ).filter(_.start_date <= last, _.stop >= first, _.intervention.notnull())
    begin = ibis.greatest(a.start_date, ibis.literal(first))
    end = ibis.least(a.stop, ibis.literal(last))
    return a.select(
        "citizen", "intervention", days=(end.delta(begin, unit="day") + 1).cast("int64")
    )


def spend_lines(lines: ir.Table, net: bool) -> ir.Table:
    """The draw's lines that carry an intervention, with the amount on the chosen basis
    (``net``: the ``net`` column of :func:`tvaers.budget.state.net_lines`)."""
    amount = lines.net if net else lines.amount
    return lines.filter(lines.intervention.notnull()).select(
        "citizen", "intervention", amount=amount.cast(MONEY)
    )


def members(days: ir.Table, spent: ir.Table) -> ir.Table:
    """The citizens behind each intervention type's figures: with days in the window or a line
    of the type (one row per citizen and intervention)."""
    return (
        days.select("citizen", "intervention")
        .union(spent.select("citizen", "intervention"))
        .filter(_.citizen.notnull())
        .distinct()
    )


def per_intervention(days: ir.Table, spent: ir.Table, who: ir.Table) -> ir.Table:
    """Per intervention type: the activities' days in the window, the spend (MONEY, exact) and
    the number of distinct citizens behind them (``who``: :func:`members`)."""
    d = days.group_by("intervention").aggregate(days=_.days.sum().cast("int64"))
    s = spent.group_by("intervention").aggregate(spend=_.amount.sum().cast(MONEY))
    c = who.group_by("intervention").aggregate(citizens=_.citizen.nunique().cast("int64"))
    codes = (
        d.select("intervention")
        .union(s.select("intervention"))
        .union(c.select("intervention"))
        .distinct()
    )
    d = d.rename(d_code="intervention")
    s = s.rename(s_code="intervention")
    c = c.rename(c_code="intervention")
    joined = (
        codes.left_join(d, codes.intervention == d.d_code)
        .left_join(s, codes.intervention == s.s_code)
        .left_join(c, codes.intervention == c.c_code)
    )
    return joined.select(
        "intervention",
        days=joined.days.fill_null(0),
        spend=joined.spend.fill_null(ibis.literal(0).cast(MONEY)).cast(MONEY),
        citizens=joined.citizens.fill_null(0),
    ).order_by("intervention")


def everyone(who: ir.Table) -> ir.Table:
    """The distinct citizens behind all the figures (the total row)."""
    return who.select("citizen").distinct()
