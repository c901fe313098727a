"""Commitments at CPR level per month (DOMAIN.md §3.6): what is committed for each citizen, from
two sources, as one set-based Ibis expression.

* ``import`` — the imported ``commitments`` table (docs/data-contract.md): a row's monthly amount,
  or its units per month × the intervention's unit price valid on the row's first day in the
  month, for every month from its start month to its end month (no end: to the period's end). A
  month covered only in part gets its share of the month's days, rounded to the øre half to even
  (the rule of the grants' commitments, :func:`tvaers.principles.model.monthly_amounts`, and of
  the activities' pricing). The sector area is the intervention's.
* ``grant`` — the approved grants' commitments in the operational store
  (:class:`~tvaers.store.models_principles.GrantCommitment`): per grant, month and paying area
  the sum of what was recorded (an early end's negative differences included; a month that sums
  to zero is left out). A family grant's commitment is the family's: ``citizen`` is NULL and
  ``family`` holds the family code (a grant of a citizen: ``family`` NULL). It is not split on the
  members: the grant did not say how.

Columns: ``citizen`` (pseudonym or NULL), ``family`` (code or NULL), ``sector_area``,
``intervention``, ``month`` (the first day, DATE), ``amount`` (DECIMAL(18,2)), ``start_date``
(the commitment's or grant's first day, DATE) and ``source`` (``import``/``grant``).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tvaers.core.periods import Period
from tvaers.draw.queries import months_table, price_periods
from tvaers.draw.queries_money import MONEY, from_ore, round_half_even, to_ore
from tvaers.draw.session import Analysis
from tvaers.engine.connection import raw
from tvaers.store.models_principles import Grant, GrantCommitment

IMPORT, GRANT = "import", "grant"
COLUMNS = (
    "citizen", "family", "sector_area", "intervention", "month", "amount", "start_date", "source",
)  # fmt: skip
_GRANT_SCHEMA = pa.schema(
    [
        ("citizen", pa.string()),
        ("family", pa.string()),
        ("sector_area", pa.string()),
        ("intervention", pa.string()),
        ("month", pa.date32()),
        ("amount_ore", pa.int64()),
        ("start_date", pa.date32()),
    ]
)

_NO_COMMITMENTS = pa.schema(
    [
        ("citizen", pa.string()),
        ("intervention", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("monthly_amount", pa.decimal128(18, 2)),
        ("units_per_month", pa.decimal128(18, 4)),
    ]
).empty_table()


def committed_months(
    analysis: Analysis,
    session: Session,
    period: Period,
    citizens: ir.Table | None = None,
    known_by: date | None = None,
) -> ir.Table:
    """The committed amount per commitment and month of ``period``, both sources in one table
    (columns: the module's docstring). ``citizens`` (a table with a column ``citizen``) keeps the
    commitments of those citizens and the family grants of their families; ``known_by`` keeps
    only commitments that had started by that day (a back-test as of a past date)."""
    imported = imported_months(analysis, period, known_by)
    granted = grant_months(session, period, known_by)
    if citizens is not None:
        people = citizens.select(wanted="citizen").distinct()
        families = (
            analysis.table("citizens")
            .semi_join(people, _.citizen == people.wanted)
            .filter(_.family.notnull())
            .select(wanted_family="family")
            .distinct()
        )
        imported = imported.semi_join(people, imported.citizen == people.wanted)
        granted = granted.filter(
            granted.citizen.isin(people.wanted) | granted.family.isin(families.wanted_family)
        )
    return imported.union(granted, distinct=False)


def imported_months(analysis: Analysis, period: Period, known_by: date | None = None) -> ir.Table:
    """The imported ``commitments`` table per month of ``period`` (source ``import``). Data
    imported before the table was in the contract have none: no rows."""
    found = (
        raw(analysis.backend)
        .execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'commitments'")
        .fetchall()
    )  # every row fetched: the connection is free for the next query
    if found and found[0][0]:
        commitments = analysis.table("commitments")
    else:
        commitments = ibis.memtable(_NO_COMMITMENTS)
    if known_by is not None:
        commitments = commitments.filter(_.start_date <= known_by)
    months = months_table(period)
    c = commitments.select(
        "citizen",
        "intervention",
        "start_date",
        "monthly_amount",
        "units_per_month",
        stop=_.end_date.fill_null(period.last_day),
    )
    spans = c.join(months, [c.start_date <= months.month_end, c.stop >= months.month])
    spans = spans.select(
        "citizen",
        "intervention",
        "start_date",
        "monthly_amount",
        "units_per_month",
        "month",
        "days",
        first_active=ibis.greatest(spans.start_date, spans.month),
        last_active=ibis.least(spans.stop, spans.month_end),
    ).view()
    itv = analysis.table("interventions").select(itv_code="intervention", area="sector_area")
    prices = price_periods(analysis.table("unit_prices"))
    joined = spans.join(itv, spans.intervention == itv.itv_code).left_join(
        prices,
        [
            spans.intervention == prices.price_intervention,
            prices.valid_from <= spans.first_active,
            prices.valid_to.isnull() | (spans.first_active < prices.valid_to),
        ],
    )
    active = joined.last_active.delta(joined.first_active, unit="day") + 1
    by_amount = joined.monthly_amount.notnull()
    ten_thousandths = (joined.units_per_month * 10_000).cast("int64")
    fractions = joined.select(
        "citizen",
        "intervention",
        "start_date",
        "month",
        sector_area=joined.area,
        _numerator=ibis.ifelse(
            by_amount, to_ore(joined.monthly_amount), ten_thousandths * joined.price_ore
        ).cast("int64")
        * active,
        _denominator=ibis.ifelse(by_amount, joined.days, joined.days * 10_000).cast("int64"),
    ).view()  # a relation of its own: the rounding refers to the two columns, not their formulas
    priced = fractions.filter(fractions._numerator.notnull())  # units without a price: none
    return priced.select(
        "citizen",
        family=ibis.null("string"),
        sector_area="sector_area",
        intervention="intervention",
        month="month",
        amount=from_ore(round_half_even(priced._numerator, priced._denominator)).cast(MONEY),
        start_date="start_date",
        source=ibis.literal(IMPORT),
    )


def grant_months(session: Session, period: Period, known_by: date | None = None) -> ir.Table:
    """The grants' recorded commitments per grant, paying area and month of ``period``, read
    from the store once into a memory table (source ``grant``)."""
    query = (
        select(
            Grant.unit,
            Grant.subject,
            GrantCommitment.sector_area,
            Grant.intervention,
            GrantCommitment.month,
            func.sum(GrantCommitment.amount_ore),
            Grant.start_date,
        )
        .join(Grant, Grant.id == GrantCommitment.grant_id)
        .where(GrantCommitment.month >= period.first_day, GrantCommitment.month <= period.last_day)
        .group_by(
            Grant.id,
            Grant.unit,
            Grant.subject,
            GrantCommitment.sector_area,
            Grant.intervention,
            GrantCommitment.month,
            Grant.start_date,
        )
        .having(func.sum(GrantCommitment.amount_ore) != 0)
    )
    if known_by is not None:
        query = query.where(Grant.start_date <= known_by)
    rows = session.execute(query).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    unit, subject = (pa.array(c, pa.string()) for c in columns[:2])
    is_family = pc.equal(unit, "family")
    nothing = pa.scalar(None, pa.string())
    table = pa.table(
        [
            pc.if_else(is_family, nothing, subject),
            pc.if_else(is_family, subject, nothing),
            pa.array(columns[2], pa.string()),
            pa.array(columns[3], pa.string()),
            pa.array(columns[4], pa.date32()),
            pa.array(columns[5]).cast(pa.int64()),  # PostgreSQL's sum is a NUMERIC
            pa.array(columns[6], pa.date32()),
        ],
        schema=_GRANT_SCHEMA,
    )
    grants = ibis.memtable(table)
    return grants.select(
        "citizen",
        "family",
        "sector_area",
        "intervention",
        "month",
        amount=from_ore(grants.amount_ore).cast(MONEY),
        start_date="start_date",
        source=ibis.literal(GRANT),
    )
