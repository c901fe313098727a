"""The attribution as Ibis expressions (``Table -> Table``): expenditure, activity months,
weights, pools, pooled and priced lines and what stays unattributed. Exact money arithmetic and
the largest-remainder split are in ``queries_money``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.core.periods import Period
from tvaers.draw.model import Method, Reason
from tvaers.draw.queries_money import (
    MONEY,
    from_ore,
    largest_remainder,
    round_half_even,
    to_ore,
)

FAR_FUTURE = date(9999, 12, 31)


def months_table(period: Period) -> ir.Table:
    """One row per month of the period: first day, last day, number of days."""
    months = period.months()
    return ibis.memtable(
        {
            "month": [m.first_day for m in months],
            "month_end": [m.last_day for m in months],
            "days": [m.days for m in months],
        },
        schema={"month": "date", "month_end": "date", "days": "int64"},
    )


def expenditure(
    postings: ir.Table, accounts: ir.Table, interventions: ir.Table, period: Period
) -> ir.Table:
    """Operating expenditure (dranst 1) of the period, each posting with its area and month.

    The area comes from the function code (the paying municipality's ``accounts``), else from
    the posting's intervention. ``municipality`` is the paying one: whose books the posting is in.
    Municipalities are compared null-safe (``identical_to``) here and below: rows written without
    one (an analytics file not yet migrated, hand-made tables) count as one municipality.
    """
    p = postings.filter(
        _.dranst == 1, _.posting_date.between(period.first_day, period.last_day)
    ).select("citizen", "intervention", "function_code", "posting_date", "amount", "municipality")
    acc = accounts.select(
        account_code="function_code", account_area="sector_area", account_books="municipality"
    )
    itv = interventions.select(itv_code="intervention", itv_area="sector_area")
    with_area = p.left_join(
        acc, [p.function_code == acc.account_code, p.municipality.identical_to(acc.account_books)]
    ).select(
        "citizen",
        "intervention",
        "function_code",
        "posting_date",
        "amount",
        "account_area",
        "municipality",
    )
    joined = with_area.left_join(itv, with_area.intervention == itv.itv_code)
    return joined.select(
        "citizen",
        "intervention",
        "function_code",
        "municipality",
        sector_area=ibis.coalesce(joined.account_area, joined.itv_area),
        # the first of the month as a DATE (DuckDB's date_trunc gives a TIMESTAMP)
        month=ibis.date(joined.posting_date.year(), joined.posting_date.month(), 1),
        amount=joined.amount,
    )


def expenditure_totals(exp: ir.Table) -> ir.Table:
    """Expenditure per paying municipality, area and month."""
    return exp.group_by("municipality", "sector_area", "month").aggregate(
        expenditure=_.amount.sum().cast(MONEY)
    )


def registered_lines(exp: ir.Table) -> ir.Table:
    """CPR-registered expenditure: the citizen's, in its month and area (method ``registered``)."""
    return (
        exp.filter(_.citizen.notnull())
        .group_by(
            "citizen", "sector_area", "month", "function_code", "intervention", "municipality"
        )
        .aggregate(amount=_.amount.sum().cast(MONEY))
        .mutate(method=ibis.literal(Method.REGISTERED.value))
    )


def pools(exp: ir.Table) -> ir.Table:
    """Unregistered expenditure per paying municipality, area, function code and month: what
    attribution splits (within the municipality's own books)."""
    return (
        exp.filter(_.citizen.isnull())
        .group_by("municipality", "sector_area", "function_code", "month")
        .aggregate(pool=_.amount.sum().cast(MONEY))
    )


# --- activities -------------------------------------------------------------------------------


def price_periods(unit_prices: ir.Table) -> ir.Table:
    """Each price with the day its successor takes over (``NULL``: still valid)."""
    return unit_prices.select(
        price_intervention="intervention",
        valid_from="valid_from",
        valid_to=_.valid_from.lead().over(group_by="intervention", order_by="valid_from"),
        price_ore=to_ore(_.price),
    )


def _active_spans(activities: ir.Table, interventions: ir.Table, months: ir.Table) -> ir.Table:
    """One row per activity and month it is active in: its first and last active day in the
    month, and the intervention's function code, unit and sector area."""
    a = activities.select(
        "citizen",
        "intervention",
        "municipality",
        "start_date",
        "units_per_month",
        stop=_.end_date.fill_null(FAR_FUTURE),
    )
    spans = a.join(months, [a.start_date <= months.month_end, a.stop >= months.month])
    spans = spans.select(
        "citizen",
        "intervention",
        "municipality",
        "units_per_month",
        "month",
        "days",
        first_active=ibis.greatest(spans.start_date, spans.month),
        last_active=ibis.least(spans.stop, spans.month_end),
    )
    itv = interventions.select(
        itv_code="intervention", function_code="function_code", unit="unit", area="sector_area"
    )
    return (
        spans.join(itv, spans.intervention == itv.itv_code)
        .select(
            "citizen",
            "intervention",
            "municipality",
            "units_per_month",
            "month",
            "days",
            "first_active",
            "last_active",
            "function_code",
            "unit",
            "area",
        )
        .view()
    )  # a fresh relation: Ibis cannot join on computed columns of a projection


def activity_months(
    activities: ir.Table, interventions: ir.Table, unit_prices: ir.Table, months: ir.Table
) -> ir.Table:
    """One row per activity and month of the period it is active in, priced in whole øre.

    Units by the data contract: ``units_per_month`` prorated by active days / days in month;
    else ``day`` = active days, ``week`` = active days / 7, ``month`` = active days / days in
    month; ``hour`` and ``piece`` need ``units_per_month``. The price is the one valid on the
    first active day of the month. ``cost_ore`` (units x price, rounded half to even) is NULL when
    there is no price or no units.
    """
    typed = _active_spans(activities, interventions, months)
    prices = price_periods(unit_prices)
    joined = typed.left_join(
        prices,
        [
            typed.intervention == prices.price_intervention,
            prices.valid_from <= typed.first_active,
            prices.valid_to.isnull() | (typed.first_active < prices.valid_to),
        ],
    )
    active = joined.last_active.delta(joined.first_active, unit="day") + 1
    given = joined.units_per_month.notnull()
    ten_thousandths = (joined.units_per_month * 10_000).cast("int64")
    numerator = (
        ibis.ifelse(given, ten_thousandths * joined.price_ore, joined.price_ore.cast("int64"))
        * active
    )
    denominator = (
        ibis.cases(
            (given, joined.days * 10_000),
            (joined.unit == "day", 1),
            (joined.unit == "week", 7),
            (joined.unit == "month", joined.days),
            else_=ibis.null("int64"),
        )
    ).cast("int64")
    fractions = joined.select(
        "citizen",
        "intervention",
        "function_code",
        "municipality",
        "month",
        sector_area=joined.area,
        active_days=active,
        _numerator=numerator,
        _denominator=denominator,
    ).view()  # a relation of its own: the rounding refers to the two columns, not their formulas
    return fractions.select(
        "citizen",
        "intervention",
        "function_code",
        "municipality",
        "month",
        "sector_area",
        "active_days",
        cost_ore=round_half_even(fractions._numerator, fractions._denominator),
    )


def weights(months_priced: ir.Table, exp: ir.Table, interventions: ir.Table) -> ir.Table:
    """Priced cost per citizen, intervention and month, without what is already registered.

    No krone twice: a citizen-month-intervention with CPR-registered postings for that
    intervention, or registered postings without an intervention on its function code, is left
    out. ``weight`` is NULL when none of the rows has a price.
    """
    registered = exp.filter(_.citizen.notnull())
    by_intervention = (
        registered.filter(_.intervention.notnull())
        .select(x_citizen="citizen", x_code="intervention", x_month="month")
        .distinct()
    )
    booked_on = interventions.filter(_.function_code.notnull()).select(b_code="function_code")
    by_function = (
        registered.filter(_.intervention.isnull())
        .semi_join(booked_on, _.function_code == booked_on.b_code)  # the rest cannot match
        .select(
            x_citizen="citizen", x_code="function_code", x_month="month", x_books="municipality"
        )
        .distinct()
    )
    m = months_priced.filter(_.function_code.notnull())
    kept = m.anti_join(
        by_intervention,
        [
            m.citizen == by_intervention.x_citizen,
            m.intervention == by_intervention.x_code,
            m.month == by_intervention.x_month,
        ],
    ).view()
    kept = kept.anti_join(
        by_function,
        [
            kept.citizen == by_function.x_citizen,
            kept.function_code == by_function.x_code,
            kept.month == by_function.x_month,
            kept.municipality.identical_to(by_function.x_books),
        ],
    )
    sums = kept.group_by("citizen", "intervention", "municipality", "month").aggregate(
        weight=_.cost_ore.sum()
    )
    itv = interventions.select(
        i_code="intervention", function_code="function_code", sector_area="sector_area"
    )
    joined = sums.join(itv, sums.intervention == itv.i_code)
    return joined.select(
        "citizen", "intervention", "function_code", "sector_area", "municipality", "month", "weight"
    )


# --- splitting and pricing --------------------------------------------------------------------


def pooled_lines(pool: ir.Table, weight: ir.Table, priced: Sequence[str]) -> ir.Table:
    """Each pooled function's unregistered expenditure split over the citizens active on its
    interventions in the month, by priced cost: the lines sum exactly to the pool.

    Each pool gets a number so that the split works on narrow rows with an integer key."""
    w = weight.filter(_.weight > 0)
    p = pool
    if priced:
        w = w.filter(~_.function_code.isin(list(priced)))
        p = p.filter(~_.function_code.isin(list(priced)))
    pl = p.select(
        pool_id=ibis.row_number().over(
            order_by=["municipality", "sector_area", "function_code", "month"]
        ),
        p_books="municipality",
        p_area="sector_area",
        p_code="function_code",
        p_month="month",
        pool_ore=to_ore(_.pool),
    ).view()
    rows = w.join(
        pl,
        [
            w.function_code == pl.p_code,
            w.month == pl.p_month,
            w.municipality.identical_to(pl.p_books),
        ],
    ).select("pool_id", "pool_ore", "citizen", "intervention", "weight")
    split = largest_remainder(
        rows,
        keys=("pool_id",),
        total="pool_ore",
        weight="weight",
        order=("citizen", "intervention"),
    ).select("pool_id", "citizen", "intervention", "part")
    named = split.join(pl, split.pool_id == pl.pool_id)
    return named.select(
        "citizen",
        sector_area=named.p_area,
        month=named.p_month,
        function_code=named.p_code,
        intervention=named.intervention,
        municipality=named.p_books,
        method=ibis.literal(Method.POOLED.value),
        amount=from_ore(named.part),
    )


def priced_lines(weight: ir.Table, accounts: ir.Table, priced: Sequence[str]) -> ir.Table:
    """Priced functions: each citizen gets units x price, in the function code's area."""
    w = weight.filter(_.function_code.isin(list(priced)), _.weight.notnull())
    acc = accounts.select(a_code="function_code", a_area="sector_area", a_books="municipality")
    joined = w.left_join(
        acc, [w.function_code == acc.a_code, w.municipality.identical_to(acc.a_books)]
    )
    return joined.select(
        "citizen",
        sector_area=ibis.coalesce(joined.a_area, joined.sector_area),
        month="month",
        function_code="function_code",
        intervention="intervention",
        municipality="municipality",
        method=ibis.literal(Method.PRICED.value),
        amount=from_ore(joined.weight),
    )


def unattributed(
    pool: ir.Table,
    weight: ir.Table,
    interventions: ir.Table,
    priced_line: ir.Table | None,
    priced: Sequence[str],
) -> ir.Table:
    """What stays unattributed per area, function code and month, with the reason."""
    booked_on = (
        interventions.filter(_.function_code.notnull())
        .select(b_code="function_code", b_books="municipality")
        .distinct()
        .mutate(has_interventions=True)
    )
    activity = weight.group_by(
        w_code="function_code", w_month="month", w_books="municipality"
    ).aggregate(active=_.count(), priced_weight=(_.weight.fill_null(0) > 0).any())
    p = pool
    if priced:
        p = p.filter(~_.function_code.isin(list(priced)))
    booked = p.left_join(
        booked_on,
        [p.function_code == booked_on.b_code, p.municipality.identical_to(booked_on.b_books)],
    ).select("municipality", "sector_area", "function_code", "month", "pool", "has_interventions")
    joined = booked.left_join(
        activity,
        [
            booked.function_code == activity.w_code,
            booked.month == activity.w_month,
            booked.municipality.identical_to(activity.w_books),
        ],
    )
    reason = ibis.cases(
        (joined.has_interventions.isnull(), Reason.NO_POOL.value),
        (joined.active.isnull(), Reason.NO_ACTIVITY.value),
        (~joined.priced_weight, Reason.NO_PRICE.value),
        else_=ibis.null("string"),
    )
    keys = ("municipality", "sector_area", "function_code", "month")  # municipality: paying
    pooled = joined.select(*keys, reason=reason, amount=joined.pool).filter(_.reason.notnull())
    if not priced or priced_line is None:
        return pooled
    books = pool.filter(_.function_code.isin(list(priced))).select(*keys, amount="pool")
    calculated = priced_line.select(*keys, amount=-_.amount)
    difference = (
        books.union(calculated)
        .group_by(*keys)
        .aggregate(amount=_.amount.sum().cast(MONEY))
        .mutate(reason=ibis.literal(Reason.PRICED_DIFFERENCE.value))
        .filter(_.amount != 0)
    )
    return pooled.union(difference.select(*keys, "reason", "amount"))


def lines(parts: Sequence[ir.Table]) -> ir.Table:
    """The attributed and registered amounts as one table, one method per row; ``municipality``
    is the paying one (whose books), so a municipality's draw is its rows."""
    shaped = [
        t.select(
            citizen=t.citizen.cast("string"),
            sector_area=t.sector_area.cast("string"),
            month=t.month.cast("date"),
            function_code=t.function_code.cast("string"),
            intervention=t.intervention.cast("string"),
            municipality=t.municipality.cast("string"),
            method=t.method.cast("string"),
            amount=t.amount.cast(MONEY),
        )
        for t in parts
    ]
    return ibis.union(*shaped).filter(_.amount != 0)
