"""Gross and net of the state (issue 13): the municipality's budget bears the draw net of the
state's refunds, so a saving on sickness benefit is not counted at its gross value.

*Gross* is the operating expenditure (``dranst`` 1), as the draw counts it. The *refund* is what
the state pays back, booked as ``dranst`` 2 postings (negative amounts) on the same function
code. *Net* = gross − refund.

On the draw's lines (:func:`net_lines`) a function's refunds booked in a calendar year are split
on that year's lines of the function, exact to the øre (largest remainder):

* only the share of the function's expenditure that the lines carry goes to them (the rest
  belongs to what stays unattributed): refund to lines = refund × lines ÷ expenditure, rounded
  half to even;
* for the employment benefits of the refund staircase (``presets/refund_staircase.yaml``) each
  citizen's line weighs its amount × the staircase's percent for the month of the citizen's
  unbroken spell (months in a row with a registered posting on the function; a line without a
  spell, e.g. an attributed one, weighs as a long spell); other functions weigh by amount;
* where a staircase function has no refund booked in the year, the refund is estimated as the
  line's amount × the staircase's percent (rounded half to even);
* lines with a negative amount (repayments) get no refund.

Per area and month (:func:`area_month_refunds`) the refunds are the ``dranst`` 2 postings of the
month, on the area of their function code (as the draw places expenditure).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import ibis
import ibis.expr.types as ir
import yaml
from ibis import _

from tvaers.budget.model import BASIS_HINTS as BASIS_HINTS
from tvaers.budget.model import BASIS_LABELS as BASIS_LABELS
from tvaers.budget.model import Basis as Basis
from tvaers.core.periods import Period
from tvaers.draw.queries_money import (
    MONEY,
    WIDE,
    from_ore,
    largest_remainder,
    round_half_even,
    to_ore,
)
from tvaers.draw.session import Analysis


@dataclass(frozen=True)
class Staircase:
    functions: tuple[str, ...]
    steps: tuple[tuple[int, int], ...]  # (from month of the spell, 1-based; percent), ascending


@cache
def staircase() -> Staircase:
    """The refund staircase of employment benefits (the package's preset)."""
    text = resources.files("tvaers.budget").joinpath("presets/refund_staircase.yaml").read_text()
    data = yaml.safe_load(text)
    steps = sorted((int(s["from_month"]), int(s["percent"])) for s in data["steps"])
    return Staircase(tuple(str(f) for f in data["functions"]), tuple(steps))


def _percent(month_of_spell: ir.IntegerValue, stairs: Staircase) -> ir.IntegerValue:
    """The staircase's percent for the (1-based) month of the spell."""
    value: ir.IntegerValue = ibis.literal(stairs.steps[0][1])
    for start, percent in stairs.steps[1:]:
        value = ibis.ifelse(month_of_spell >= start, percent, value)
    return value


def _month(date_value: ir.DateValue) -> ir.DateValue:
    return ibis.date(date_value.year(), date_value.month(), 1)


def spell_months(postings: ir.Table, stairs: Staircase) -> ir.Table:
    """Per citizen, staircase function and month with a registered payment: the month's number
    in the citizen's unbroken spell on the function (1 = the spell's first month), over all
    loaded history (a spell may have begun before the period)."""
    paid = (
        postings.filter(
            _.dranst == 1,
            _.citizen.notnull(),
            _.function_code.isin(list(stairs.functions)),
            _.amount > 0,
        )
        .select("citizen", "function_code", month=_month(_.posting_date))
        .distinct()
    )
    indexed = paid.mutate(month_index=paid.month.year() * 12 + paid.month.month())
    island = indexed.mutate(
        island=indexed.month_index
        - ibis.row_number().over(
            group_by=[indexed.citizen, indexed.function_code], order_by=indexed.month_index
        )
    )
    return island.select(
        "citizen",
        "function_code",
        "month",
        spell_month=ibis.row_number().over(
            group_by=[island.citizen, island.function_code, island.island],
            order_by=island.month_index,
        )
        + 1,
    )


def _refunds_by_function_year(postings: ir.Table, period: Period) -> ir.Table:
    booked = postings.filter(
        _.dranst == 2, _.posting_date.between(period.first_day, period.last_day)
    )
    return booked.group_by(
        "function_code", year=booked.posting_date.year().cast("int64")
    ).aggregate(refund_ore=to_ore(-booked.amount.sum()))


def _expenditure_by_function_year(postings: ir.Table, period: Period) -> ir.Table:
    spent = postings.filter(
        _.dranst == 1, _.posting_date.between(period.first_day, period.last_day)
    )
    return spent.group_by("function_code", year=spent.posting_date.year().cast("int64")).aggregate(
        spent_ore=to_ore(spent.amount.sum())
    )


def net_lines(analysis: Analysis, lines: ir.Table, period: Period) -> ir.Table:
    """``lines`` (the draw's: citizen, sector_area, month, function_code, intervention, method,
    amount) with ``refund`` and ``net`` (MONEY), as the module's docstring describes."""
    stairs = staircase()
    postings = analysis.table("postings")
    spells = spell_months(postings, stairs).rename(s_citizen="citizen", s_function="function_code",
                                                   s_month="month")  # fmt: skip
    numbered = lines.mutate(
        _row=ibis.row_number(), _year=lines.month.year().cast("int64"), _ore=to_ore(lines.amount)
    )
    joined = numbered.left_join(
        spells,
        [
            numbered.citizen == spells.s_citizen,
            numbered.function_code == spells.s_function,
            numbered.month == spells.s_month,
        ],
    )
    on_stairs = joined.function_code.isin(list(stairs.functions))
    percent = ibis.ifelse(
        on_stairs,
        _percent(joined.spell_month.fill_null(stairs.steps[-1][0]), stairs),
        ibis.literal(100),
    )
    weighted = joined.select(
        *[c for c in numbered.columns],
        _percent=percent,
        _weight=ibis.ifelse(joined._ore > 0, joined._ore.cast(WIDE) * percent, 0),
    )
    return _with_refund(weighted, postings, period, on_stairs_codes=stairs.functions)


def _with_refund(
    weighted: ir.Table, postings: ir.Table, period: Period, on_stairs_codes: tuple[str, ...]
) -> ir.Table:
    """Split each function's booked refund for the lines on them by ``_weight``; estimate it
    for staircase functions without a booked refund."""
    booked = _refunds_by_function_year(postings, period)
    spent = _expenditure_by_function_year(postings, period)
    carried = weighted.group_by("function_code", "_year").aggregate(
        _lines_ore=weighted._ore.sum(), _weights=weighted._weight.sum()
    )
    pools = (
        carried.join(
            booked, [carried.function_code == booked.function_code, carried._year == booked.year]
        )
        .join(spent, [_.function_code == spent.function_code, _._year == spent.year])
        .filter(_._weights > 0, _.spent_ore > 0)
    )
    pools = pools.select(
        p_function="function_code",
        p_year="_year",
        # the share of the refund that the lines carry, rounded half to even
        _pool=round_half_even(
            pools.refund_ore.cast(WIDE) * pools._lines_ore.cast(WIDE), pools.spent_ore
        ).cast("int64"),
    )
    with_pool = weighted.left_join(
        pools, [weighted.function_code == pools.p_function, weighted._year == pools.p_year]
    )
    has_pool = with_pool.filter(with_pool._pool.notnull(), with_pool._weight > 0)
    split = largest_remainder(has_pool, ["function_code", "_year"], "_pool", "_weight", ["_row"])
    parts = split.select(r_row="_row", r_part="part")
    out = with_pool.left_join(parts, with_pool._row == parts.r_row)
    estimated = ibis.ifelse(
        out.function_code.isin(list(on_stairs_codes)) & out._pool.isnull() & (out._ore > 0),
        round_half_even(out._ore.cast(WIDE) * out._percent, ibis.literal(100)).cast("int64"),
        0,
    )
    refund_ore = ibis.coalesce(out.r_part, estimated)
    keep = [c for c in weighted.columns if not c.startswith("_")]
    return out.select(
        *keep,
        refund=from_ore(refund_ore).cast(MONEY),
        net=(out.amount - from_ore(refund_ore)).cast(MONEY),
    )


def area_month_refunds(analysis: Analysis, period: Period) -> ir.Table:
    """Per sector area and month: the whole operating expenditure (``gross``), the state's
    refunds booked in the month (``refund``) and ``net`` = gross − refund, MONEY each."""
    postings = analysis.table("postings").filter(
        _.dranst.isin([1, 2]), _.posting_date.between(period.first_day, period.last_day)
    )
    accounts = analysis.table("accounts").select(a_code="function_code", a_area="sector_area")
    interventions = analysis.table("interventions").select(
        i_code="intervention", i_area="sector_area"
    )
    placed = postings.left_join(accounts, postings.function_code == accounts.a_code)
    placed = placed.left_join(interventions, placed.intervention == interventions.i_code)
    rows = placed.select(
        sector_area=ibis.coalesce(placed.a_area, placed.i_area),
        month=_month(placed.posting_date),
        gross=ibis.ifelse(placed.dranst == 1, placed.amount, 0),
        refund=ibis.ifelse(placed.dranst == 2, -placed.amount, 0),
    )
    totals = rows.group_by("sector_area", "month").aggregate(
        gross=rows.gross.sum().cast(MONEY), refund=rows.refund.sum().cast(MONEY)
    )
    return totals.mutate(net=(totals.gross - totals.refund).cast(MONEY))
