"""Budget against actual per sector area and month (issue 13): the area's whole operating
expenditure per month from the loaded postings (Ibis, set-based: one query over all postings),
gross or net of the state (:func:`tvaers.budget.state.area_month_refunds`), against the area's
budget in force; with the year to date, the budget to date (the budget's months so far) and a
run-rate year end (the year to date ÷ the months with data × 12), so an overspend is visible
before the year ends.

The actuals are the finance system's own figures per area and month — the area chief's books,
not figures about citizens — and are shown unsuppressed, as the finance system shows them;
nothing here is per citizen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import ibis.expr.types as ir

from tvaers.budget.budgets import Imported
from tvaers.budget.state import Basis, area_month_refunds
from tvaers.core.errors import NoData
from tvaers.core.money import TWO_PLACES
from tvaers.core.periods import Month, Period
from tvaers.draw.session import Analysis

ZERO = Decimal("0.00")
NO_AREA = ""  # postings whose function code and intervention name no sector area


def imported_budgets(analysis: Analysis) -> list[Imported]:
    """The loaded ``budgets`` table (a few rows per area and year)."""
    table = analysis.table("budgets")
    rows = table.select("year", "sector_area", "amount", "solution").to_pyarrow().to_pylist()
    return [
        Imported(int(r["year"]), str(r["sector_area"]), Decimal(r["amount"]).quantize(TWO_PLACES),
                 (r["solution"] or "").strip() or None)
        for r in rows
    ]  # fmt: skip


def area_month_actuals(analysis: Analysis, period: Period, basis: Basis) -> ir.Table:
    """Per sector area and month of ``period``: ``actual``, the operating expenditure gross or
    net of the state's refunds (MONEY)."""
    totals = area_month_refunds(analysis, period)
    chosen = totals.net if basis is Basis.NET else totals.gross
    return totals.select(
        sector_area=totals.sector_area.fill_null(NO_AREA), month=totals.month, actual=chosen
    )


def round_ore(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class AreaYear:
    """One sector area's year: its budget (``None``: none set), the actual per month (January
    first; ``None`` for months the data do not cover), the year to date, the budget to date, the
    run-rate year end and the expected deviation (positive: an overspend)."""

    sector_area: str
    name: str
    budget_holder: str | None
    budget: Decimal | None
    months: tuple[Decimal | None, ...]
    actual_ytd: Decimal
    budget_ytd: Decimal | None
    year_end: Decimal | None
    covered: int  # months of the year with data

    @property
    def deviation(self) -> Decimal | None:
        if self.budget is None or self.year_end is None:
            return None
        return self.year_end - self.budget

    @property
    def overspend(self) -> bool:
        return self.deviation is not None and self.deviation > 0

    @property
    def used_share(self) -> float | None:
        """The year to date as a share of the year's budget."""
        return float(self.actual_ytd / self.budget) if self.budget else None


@dataclass(frozen=True)
class BudgetYear:
    year: int
    basis: Basis
    covered: Period | None  # the year's months with data
    areas: tuple[AreaYear, ...]
    total: AreaYear

    def area(self, code: str) -> AreaYear | None:
        return next((a for a in self.areas if a.sector_area == code), None)


def _covered(analysis: Analysis, year: int) -> Period | None:
    try:
        return analysis.period(year)
    except NoData:
        return None


def _area_year(
    code: str,
    names: Mapping[str, str],
    holders: Mapping[str, str],
    budget: Decimal | None,
    months: dict[int, Decimal],
    covered: Period | None,
) -> AreaYear:
    shown = {m.month for m in covered.months()} if covered else set()
    monthly = tuple(months.get(m, ZERO) if m in shown else None for m in range(1, 13))
    ytd = sum((v for v in monthly if v is not None), ZERO)
    count = len(shown)
    year_end = round_ore(ytd * 12 / count) if count else None
    budget_ytd = round_ore(budget * count / 12) if budget is not None and count else None
    name = names.get(code, code) if code != NO_AREA else "Uden sektorområde"
    return AreaYear(code, name, holders.get(code), budget, monthly, ytd, budget_ytd, year_end,
                    count)  # fmt: skip


def budget_vs_actual(
    analysis: Analysis, year: int, budgets: Mapping[str, Decimal], basis: Basis = Basis.GROSS
) -> BudgetYear:
    """Every area with a budget or an expenditure in the year, and all areas together."""
    covered = _covered(analysis, year)
    found: dict[str, dict[int, Decimal]] = {}
    if covered is not None:
        rows = area_month_actuals(analysis, covered, basis).to_pyarrow().to_pylist()
        for r in rows:  # areas x months
            found.setdefault(r["sector_area"], {})[r["month"].month] = r["actual"] or ZERO
    names, holders = analysis.area_names, analysis.budget_holders
    codes = sorted(set(budgets) | set(found), key=lambda c: (c == NO_AREA, c))
    areas = tuple(_area_year(c, names, holders, budgets.get(c), found.get(c, {}), covered)
                  for c in codes)  # fmt: skip
    all_months: dict[int, Decimal] = {}
    for months in found.values():
        for m, v in months.items():
            all_months[m] = all_months.get(m, ZERO) + v
    total_budget = sum(budgets.values(), ZERO) if budgets else None
    total = _area_year("", {}, {}, total_budget, all_months, covered)
    total = AreaYear("", "I alt", None, *[getattr(total, f) for f in (
        "budget", "months", "actual_ytd", "budget_ytd", "year_end", "covered")])  # fmt: skip
    return BudgetYear(year, basis, covered, areas, total)


def month_labels(year: int) -> list[str]:
    return [str(Month(year, m)) for m in range(1, 13)]
