"""Monthly deviations from the budget assumptions (003 §2.3, issue 14): as of a month end of
the year, per intervention type, the full-year persons and the average price year to date and
projected to the year, against the year's assumption (planned full-year persons Qb × planned
average price Pb, :mod:`tvaers.budget.assumptions`), and the deviation split into a volume and
a price effect (:func:`tvaers.budget.assumption_figures.decompose`, on
:func:`tvaers.budget.model.variance`: planned + variance = actual exactly, volume + price =
variance exactly).

The *window* is the draw's months of the year up to the chosen month (within the data's span),
W its days, N the year's days. Per type, from the same rules as the yearly view
(:mod:`tvaers.budget.assumption_queries`):

* year to date: full-year persons Qa = days ÷ N, spend S (the draw's lines of the type, gross or
  net), price Pa = S ÷ Qa; planned to date Qb × W ÷ N full-year persons at Pb, so the deviation
  to date is S − round(Qb × W ÷ N × Pb), split into volume and price;
* projected to the year: full-year persons days ÷ W (the persons on average in the window), the
  same price Pa, spend S × N ÷ W (to the øre), against Qb × Pb, split likewise.

The cases that explain the deviation to date are in
:mod:`tvaers.followup.deviation_cases` (person-level: casework). This module's
:func:`suppressed` and :func:`monthly_deviations` give the statistical view: a type's actual
figures are hidden when fewer than five citizens are behind them, or 1-4 citizens from a set
shown before — under the same kinds as the yearly view, so a month cannot be differenced
against the year or another month.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from typing import Any

import ibis.expr.types as ir
from sqlalchemy.orm import Session

from tvaers.budget import assumption_figures as af
from tvaers.budget import assumption_queries as aq
from tvaers.budget.assumptions import Planned, planned
from tvaers.budget.state import Basis, net_lines
from tvaers.core.config import Settings
from tvaers.core.errors import ErrorCode, NoData, TvaersError
from tvaers.core.money import round_to_ore
from tvaers.core.periods import Month, Period
from tvaers.core.suppression import TOTAL, hidden_note, suppress_counts
from tvaers.draw import cache
from tvaers.draw.cache import record_of
from tvaers.draw.session import Analysis, opened
from tvaers.followup import deviation_queries as dq
from tvaers.store.publications import Ledger, publishing

ZERO = Decimal("0.00")
E4 = Decimal("0.0001")
DEVIATIONS_KIND = "afvigelser"  # the cache entries' kind (tvaers.draw.cache)


class DeviationError(TvaersError):
    """A month that cannot be followed up as asked (Danish message)."""

    code = ErrorCode.CHOICE_INVALID


@dataclass(frozen=True)
class DeviationRow:
    """One intervention type (or the total) as of the month end. Actual figures are ``None``
    when hidden (``note`` says why); planned ones are the municipality's own and always shown."""

    intervention: str
    name: str
    citizens: int | None
    days: int | None
    planned_units: Decimal | None  # the year's assumption Qb
    planned_price: Decimal | None  # Pb
    planned: Decimal | None  # planned to date: round(Qb × W ÷ N × Pb)
    actual_units: Decimal | None  # to date: days ÷ N, four decimals
    actual_price: Decimal | None  # S ÷ Qa, to the øre
    actual: Decimal | None  # the spend to date S, exact
    variance: Decimal | None
    volume: Decimal | None
    price: Decimal | None
    projected_units: Decimal | None  # days ÷ W, four decimals
    projected: Decimal | None  # S × N ÷ W, to the øre
    projected_variance: Decimal | None  # against Qb × Pb
    projected_volume: Decimal | None
    projected_price: Decimal | None
    note: str | None = None


@dataclass(frozen=True)
class Deviations:
    year: int
    month: int  # the month end the figures are as of (the window's last month)
    basis: str
    window: Period
    window_days: int
    year_days: int
    rows: tuple[DeviationRow, ...]
    total: DeviationRow


# --- the window and the actuals -------------------------------------------------------------------


def parse_month(value: int | str | None) -> int | None:
    """A month 1-12 (``None``: the data's latest month of the year)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise DeviationError(f"Måneden «{text[:20]}» er ikke en måned.", hint="Skriv 1 til 12.")
    return int(text)


def default_year(session: Session, years: Sequence[int], basis: Basis) -> int | None:
    """The year a follow-up opens on when none is asked for: the latest year of the data with
    budget assumptions for the basis (a year without them has nothing to deviate from), else
    the data's latest year; ``None`` without data."""
    assumed = [y for y in years if planned(session, y, basis)]  # the data's handful of years
    return max(assumed or years, default=None)


def unplanned(found: Deviations) -> int:
    """How many of the types shown have no assumption for the year (their whole spend is the
    deviation, as in the yearly view)."""
    return sum(1 for r in found.rows if r.planned is None)


def window_of(analysis: Analysis, year: int, month: int | None) -> tuple[Period, Period]:
    """The year within the data and the window: its months up to ``month`` (all of them when
    ``None``). :class:`NoData` when the data have no postings in the year or before the month."""
    whole = analysis.period(year)
    if month is None:
        return whole, whole
    last = min(Month(year, month), whole.last)
    if last < whole.first:
        raise NoData(
            f"Data for {year} begynder først i {whole.first.danish()}.",
            hint=f"Vælg en måned fra {whole.first.month} til {whole.last.month}.",
        )
    return whole, Period(whole.first, last)


@dataclass(frozen=True)
class Actuals:
    """The window's intermediate tables (engine expressions) and per-type figures."""

    window: Period
    days: ir.Table  # citizen, intervention, days (activities in the window)
    spent: ir.Table  # citizen, intervention, amount (the chosen basis)
    members: ir.Table  # citizen, intervention: the citizens behind the figures
    figures: list[dict[str, Any]]  # intervention, days, spend, citizens
    names: dict[str, str]
    everyone: int


def actuals(analysis: Analysis, year: int, month: int | None, basis: Basis) -> Actuals:
    """Per type, the activity days and the spend to date, one query per step (all citizens)."""
    whole, window = window_of(analysis, year, month)
    gross = dq.lines_to(analysis.attribution(whole).lines, window.last.first_day)
    lines = net_lines(analysis, gross, window) if basis is Basis.NET else gross
    days = aq.activity_days(analysis.table("activities"), window)
    spent = aq.spend_lines(lines, basis is Basis.NET)
    who = analysis.materialised(
        "deviation_members", (window,), lambda: aq.members(days, aq.spend_lines(gross, False))
    )
    figures = aq.per_intervention(days, spent, who).to_pyarrow().to_pylist()
    itv = analysis.table("interventions").select("intervention", "name").to_pyarrow().to_pylist()
    names = {r["intervention"]: r["name"] or "" for r in itv}
    count = int(aq.everyone(who).count().to_pyarrow().as_py())
    return Actuals(window, days, spent, who, figures, names, count)


def days_of(period: Period) -> int:
    return (period.last_day - period.first_day).days + 1


# --- the decomposition of one type ------------------------------------------------------------


def to_date(planned_: Planned, window_days: int, days_in_year: int) -> Planned:
    """The year's assumption pro rata for the window: Qb × W ÷ N full-year persons at Pb
    (exact to 40 digits)."""
    with localcontext() as ctx:
        ctx.prec = 40
        units = planned_.units * Decimal(window_days) / Decimal(days_in_year)
    return Planned(units, planned_.price)


def row_of(
    code: str, name: str, citizens: int, days: int, spend: Decimal, planned_: Planned | None,
    window_days: int, days_in_year: int,
) -> DeviationRow:  # fmt: skip
    """A type's row: the deviation to date and projected to the year, each decomposed."""
    now = af.decompose(
        to_date(planned_, window_days, days_in_year) if planned_ else None, days, days_in_year,
        spend,
    )  # fmt: skip
    with localcontext() as ctx:
        ctx.prec = 40
        projected_spend = round_to_ore(spend * Decimal(days_in_year) / Decimal(window_days))
    ahead = af.decompose(planned_, days, window_days, projected_spend)
    priced = days > 0 and spend >= 0
    note = af.NO_ASSUMPTION if planned_ is None else (af.NO_PRICE if not priced and spend else None)
    return DeviationRow(
        code, name, citizens, days,
        planned_.units if planned_ else None, planned_.price if planned_ else None,
        now.planned if planned_ else None,
        af.units_of(days, days_in_year), round_to_ore(now.actual_price) if priced else None,
        now.actual, now.variance, now.volume, now.price,
        af.units_of(days, window_days), ahead.actual, ahead.variance, ahead.volume, ahead.price,
        note,
    )  # fmt: skip


def _rows(found: Actuals, planned_: Mapping[str, Planned], n: int) -> list[DeviationRow]:
    by_code = {r["intervention"]: r for r in found.figures}
    w = days_of(found.window)
    rows = []
    for code in sorted(set(by_code) | set(planned_)):  # the intervention types: dozens
        r = by_code.get(code, {})
        rows.append(row_of(code, found.names.get(code, ""), int(r.get("citizens") or 0),
                           int(r.get("days") or 0), r.get("spend") or ZERO, planned_.get(code),
                           w, n))  # fmt: skip
    return rows


def _sum(rows: list[DeviationRow], name: str) -> Decimal:
    return sum((getattr(r, name) or ZERO for r in rows), ZERO)


def _total(rows: list[DeviationRow], found: Actuals, n: int, hidden: bool) -> DeviationRow:
    """The total of the types: planned always; actual and effects only when no type is hidden
    (they would give the hidden types away)."""
    w = days_of(found.window)
    with_plan = [r for r in rows if r.planned is not None]
    units = sum((r.planned_units or Decimal(0) for r in with_plan), Decimal(0))
    planned_to_date, planned_year = _sum(with_plan, "planned"), ZERO
    for r in with_plan:  # dozens of types
        planned_year += round_to_ore((r.planned_units or ZERO) * (r.planned_price or ZERO))
    if hidden:
        return DeviationRow(TOTAL, TOTAL, None, None, units, None, planned_to_date, None, None,
                            None, None, None, None, None, None, None, None, None,
                            af.TOTAL_HIDDEN)  # fmt: skip
    days = sum(r.days or 0 for r in rows)
    actual, projected = _sum(rows, "actual"), _sum(rows, "projected")
    return DeviationRow(
        TOTAL, TOTAL, found.everyone, days, units, None, planned_to_date,
        af.units_of(days, n), None, actual, actual - planned_to_date,
        _sum(rows, "volume"), _sum(rows, "price"), af.units_of(days, w), projected,
        projected - planned_year, _sum(rows, "projected_volume"), _sum(rows, "projected_price"),
    )  # fmt: skip


def deviation_rows(
    analysis: Analysis, year: int, month: int | None, basis: Basis,
    planned_: Mapping[str, Planned],
) -> Deviations:  # fmt: skip
    """Every type's deviation as of the month end, unsuppressed (for the cases and tests; the
    caller checks access)."""
    found = actuals(analysis, year, month, basis)
    n = af.year_days(year)
    rows = _rows(found, planned_, n)
    total = _total(rows, found, n, False)
    return Deviations(year, found.window.last.month, basis.value, found.window,
                      days_of(found.window), n, tuple(rows), total)  # fmt: skip


# --- the statistical view -------------------------------------------------------------------------


def hidden(row: DeviationRow, note: str | None) -> DeviationRow:
    """The row with its actual figures hidden (the planned ones are the municipality's own)."""
    return replace(row, citizens=None, days=None, actual_units=None, actual_price=None,
                   actual=None, variance=None, volume=None, price=None, projected_units=None,
                   projected=None, projected_variance=None, projected_volume=None,
                   projected_price=None, note=note)  # fmt: skip


def suppressed(
    analysis: Analysis, year: int, month: int | None, basis: Basis,
    planned_: Mapping[str, Planned], ledger: Ledger,
) -> Deviations:  # fmt: skip
    """The statistical view (see the module's docstring); the sets shown go to ``ledger``
    under the yearly view's kinds (:func:`tvaers.budget.assumption_figures.kind`)."""
    found = actuals(analysis, year, month, basis)
    n = af.year_days(year)
    rows = _rows(found, planned_, n)
    codes = [r.intervention for r in rows]
    sets = af.type_sets(analysis, found.members, codes)
    earlier = [k for k, s in sets.items() if ledger.close(af.kind(year, k[0]), s)]
    table = suppress_counts(
        {(r.intervention,): r.citizens or 0 for r in rows},
        measures={"days": {(r.intervention,): Decimal(r.days or 0) for r in rows},
                  "spend": {(r.intervention,): r.actual or ZERO for r in rows}},
        unit="borgere", earlier=earlier, totals={(TOTAL,): found.everyone},
    )  # fmt: skip
    for key, cell in table.cells.items():
        if cell.published and key in sets:
            ledger.publish(af.kind(year, key[0]), sets[key])
    cells = {r.intervention: table.cell(r.intervention) for r in rows}
    shown = [r if cells[r.intervention].published else hidden(r, cells[r.intervention].note)
             for r in rows]  # fmt: skip
    whole = table.cell(TOTAL)
    any_hidden = any(not c.published for c in cells.values())
    total = _total(rows, found, n, any_hidden)
    if not whole.published:
        total = hidden(total, whole.note or hidden_note("borgere"))
    return Deviations(year, found.window.last.month, basis.value, found.window,
                      days_of(found.window), n, tuple(shown), total)  # fmt: skip


def monthly_deviations(
    analysis: Analysis,
    sessions: Callable[[], Session],
    year: int,
    month: int | None,
    basis: Basis,
    *,
    context: str,
    user: str | None,
    settings: Settings | None = None,
) -> Deviations:
    """The published monthly deviations (statistical: small cells hidden, the sets shown
    remembered in the store against differencing across requests) with the assumptions in force
    for the year and basis — for the page, the command and the monthly report per level.
    ``month`` ``None``: the data's latest month of the year. With ``settings``, cached on disk
    by the loaded data, the year, the month, the basis, the assumptions in force and the draw's
    configuration (the published figures only)."""
    with sessions() as session:
        wanted = planned(session, year, basis)

    def compute() -> cache.Document:
        return cache.document_of(publishing(
            sessions, context, user,
            lambda ledger: suppressed(analysis, year, month, basis, wanted, ledger),
        ))  # fmt: skip

    if settings is None:
        return record_of(Deviations, compute())
    config = analysis.config
    parts = [
        year, month, basis.value,
        sorted([code, str(p.units), str(p.price)] for code, p in wanted.items()),
        cache.config_fingerprint(config.attribution, config.overlaps),
    ]  # fmt: skip
    document = cache.cached(settings, analysis.loaded, DEVIATIONS_KIND, parts, compute)
    return record_of(Deviations, document)


def published(
    settings: Settings,
    sessions: Callable[[], Session],
    year: int,
    month: int | None,
    basis: Basis,
    context: str,
    user: str | None,
) -> Deviations:
    """:func:`monthly_deviations` on the home's data (:class:`NoData` when nothing is loaded
    or the year has no postings)."""
    with opened(settings) as analysis:
        return monthly_deviations(analysis, sessions, year, month, basis, context=context,
                                  user=user, settings=settings)  # fmt: skip
