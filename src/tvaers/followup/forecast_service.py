"""The year-end forecast and its back-test (issue 14; Furesø's figure 6.2; 003 §2.4).

A forecast is made for a whole area (``solution`` ``None``: the areas' expenditure, ``dranst``
1 — the municipality's own books, shown as the finance system shows them) or for a solution's
citizens (everyone enrolled on or before the as-of date: their whole draw, registered +
attributed, this year and last). Each intervention type (area + intervention code) is
forecast by the method chosen for it (:mod:`.forecast_methods`), or by the method asked for;
every method's year end is kept so the page can show them side by side. The engine computes
all types and as-of months in one query (:mod:`.forecast_queries`); the rows that come out are
intervention types, a few hundred at most, turned into figures here.

A solution's figures are statistical: a type's figures are hidden when fewer than five
citizens are behind them or when they are 1-4 citizens from a set shown before
(:mod:`.forecast_figures`). The back-test's errors (:func:`backtest_of`) are means over a
year's month ends, exact fractions until shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import ibis.expr.types as ir

from tvaers.core.money import from_ore
from tvaers.core.periods import Month
from tvaers.draw import queries_economy as qe
from tvaers.draw.attribution import materialise
from tvaers.draw.session import Analysis
from tvaers.followup import forecast_queries as fq
from tvaers.followup.model import (
    BACKTEST_MONTHS,
    DEFAULT_METHOD,
    METHODS,
    Method,
    months_elapsed,
    percentage_error,
)

TypeKey = tuple[str, str]
Periods = Sequence[tuple[int, str, str, date, date | None]]  # enrolment periods, as rows


@dataclass(frozen=True)
class Scope:
    """What is forecast: a whole area's books (``periods`` ``None``) or a solution's citizens."""

    periods: Periods | None = None
    name: str = ""

    @property
    def solution(self) -> bool:
        return self.periods is not None


@dataclass(frozen=True)
class ForecastRow:
    """One intervention type's forecast (``intervention`` ``""``: postings without one; the
    total: ``sector_area`` ``""``). ``year_ends``: every method's year end. ``None``: hidden."""

    sector_area: str
    intervention: str
    method: str
    realised: Decimal | None
    forecast_rest: Decimal | None
    year_end: Decimal | None
    last_year: Decimal | None
    committed_rest: Decimal | None
    year_ends: Mapping[str, Decimal] | None
    citizens: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class MonthPoint:
    """One month of the chart: this year's amount (``None`` after the as-of month), last
    year's, and the commitments of the month."""

    month: int
    current: Decimal | None
    last: Decimal
    committed: Decimal


@dataclass(frozen=True)
class Forecast:
    as_of: date
    year: int
    months_elapsed: int
    scope: str
    rows: tuple[ForecastRow, ...]
    total: ForecastRow
    months: tuple[MonthPoint, ...]
    members: int | None = None  # a solution's citizens (``None`` for an area, or hidden)
    note: str | None = None


@dataclass(frozen=True)
class ErrorRow:
    """One intervention type's back-test: the actual year end and each method's mean absolute
    percentage error over the month ends (``None``: no error, the actual is 0, or hidden)."""

    sector_area: str
    intervention: str
    actual: Decimal | None
    errors: Mapping[str, Fraction | None] | None
    chosen: str
    best: str | None
    note: str | None = None


@dataclass(frozen=True)
class Backtest:
    year: int
    scope: str
    rows: tuple[ErrorRow, ...]
    total: ErrorRow


# --- the engine's steps ------------------------------------------------------------------------


def members(analysis: Analysis, periods: Periods, as_of: date) -> ir.Table:
    """The citizens enrolled in the solution on or before ``as_of`` (one row each)."""
    rows = tuple(periods)
    people = analysis.materialised(
        "forecast_members",
        rows,
        lambda: qe.enrolled_citizens(qe.periods_table(list(rows)), analysis.table("citizens")),
    )
    return people.filter(people.enrolled_on <= as_of).select("citizen").distinct()


def amounts(analysis: Analysis, scope: Scope, year: int, as_of: date) -> ir.Table:
    """Step 1: the monthly amounts of ``year`` and the year before in ``scope``."""
    if scope.periods is None:
        return analysis.materialised(
            "forecast_area",
            year,
            lambda: fq.area_amounts(
                analysis.table("postings"),
                analysis.table("accounts"),
                analysis.table("interventions"),
                year,
            ),
        )
    who = members(analysis, scope.periods, as_of)
    lines = analysis.attribution(analysis.period(period=fq.two_years(year))).lines
    return fq.solution_amounts(lines, who)


def _money(ore: Any) -> Decimal:
    return from_ore(int(ore or 0))


def _row(found: Mapping[str, Any], method: Method) -> ForecastRow:
    return ForecastRow(
        sector_area=found["sector_area"],
        intervention=found["intervention"],
        method=method.value,
        realised=_money(found["realised"]),
        forecast_rest=_money(found[f"rest_{method.value}"]),
        year_end=_money(found[f"year_end_{method.value}"]),
        last_year=_money(found["last_full"]),
        committed_rest=_money(found["committed_rest"]),
        year_ends={m.value: _money(found[f"year_end_{m.value}"]) for m in METHODS},
    )


def method_for(key: TypeKey, chosen: Mapping[TypeKey, Method], wanted: Method | None) -> Method:
    """The method asked for, else the one chosen for the type, else the default."""
    return wanted or chosen.get(key) or DEFAULT_METHOD


def total_of(rows: Sequence[ForecastRow]) -> ForecastRow:
    """The rows added up (the total's method: the one they share, else ``chosen``)."""
    methods = {r.method for r in rows}

    def add(name: str) -> Decimal:
        return sum((getattr(r, name) or Decimal("0.00") for r in rows), Decimal("0.00"))

    ends = {m.value: sum(((r.year_ends or {}).get(m.value, Decimal("0.00")) for r in rows),
                         Decimal("0.00")) for m in METHODS}  # fmt: skip
    return ForecastRow(
        sector_area="", intervention="",
        method=methods.pop() if len(methods) == 1 else "chosen",
        realised=add("realised"), forecast_rest=add("forecast_rest"), year_end=add("year_end"),
        last_year=add("last_year"), committed_rest=add("committed_rest"), year_ends=ends,
    )  # fmt: skip


def month_points(hist: ir.Table, m: int) -> tuple[MonthPoint, ...]:
    """The chart's months: the scope's amounts per month, all areas together."""
    totals = fq.monthly_totals(hist)
    found = totals.group_by("kind", "month_no").aggregate(ore=totals.ore.sum())
    sums = {(r["kind"], r["month_no"]): r["ore"] for r in found.to_pyarrow().to_pylist()}
    return tuple(
        MonthPoint(
            month=month,
            current=_money(sums.get((fq.CURRENT, month))) if month <= m else None,
            last=_money(sums.get((fq.LAST, month))),
            committed=_money(sums.get((fq.COMMITTED, month))),
        )
        for month in range(1, 13)
    )


def compute(
    analysis: Analysis,
    scope: Scope,
    as_of: date,
    committed: ir.Table | None,
    chosen: Mapping[TypeKey, Method],
    wanted: Method | None = None,
) -> tuple[Forecast, ir.Table]:
    """The forecast of every intervention type in ``scope`` as of ``as_of`` (a month end),
    unsuppressed, and the step-1 amounts (for suppression). ``committed``: the commitments'
    monthly amounts (``sector_area, intervention, month, amount, start_date``)."""
    m = months_elapsed(as_of)
    year = as_of.year
    spent = amounts(analysis, scope, year, as_of)
    hist = materialise(analysis.backend, "forecast_history", fq.history(spent, committed, year))
    result = fq.forecasts(hist, fq.as_of_table(year, [m]), known_by_start=False)
    found = result.order_by(*fq.KEYS).to_pyarrow().to_pylist()
    rows = tuple(
        _row(r, method_for((r["sector_area"], r["intervention"]), chosen, wanted)) for r in found
    )
    forecast = Forecast(
        as_of=as_of, year=year, months_elapsed=m, scope=scope.name, rows=rows,
        total=total_of(rows), months=month_points(hist, m),
    )  # fmt: skip
    return forecast, spent


def backtest_errors(
    analysis: Analysis,
    scope: Scope,
    year: int,
    committed: ir.Table | None,
    chosen: Mapping[TypeKey, Method],
) -> tuple[Backtest, ir.Table]:
    """Each method's error on ``year`` (a past, complete year) per intervention type, and the
    step-1 amounts: one query for every type and month end 1-11."""
    as_of = Month(year, 12).last_day
    spent = amounts(analysis, scope, year, as_of)
    hist = materialise(analysis.backend, "forecast_backtest", fq.history(spent, committed, year))
    result = fq.forecasts(hist, fq.as_of_table(year, BACKTEST_MONTHS), known_by_start=True)
    columns = [*fq.KEYS, "m", "actual", *(f"year_end_{m.value}" for m in METHODS)]
    found = result.select(*columns).order_by(*fq.KEYS, "m").to_pyarrow().to_pylist()
    per_type: dict[TypeKey, list[dict[str, Any]]] = {}
    for r in found:
        per_type.setdefault((r["sector_area"], r["intervention"]), []).append(r)
    rows = tuple(_error_row(key, points, chosen) for key, points in per_type.items())
    total_points = _summed([p for points in per_type.values() for p in points])
    total = _error_row(("", ""), total_points, chosen)
    return Backtest(year=year, scope=scope.name, rows=rows, total=total), spent


def _summed(points: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The types' points added up per month end (the total's back-test)."""
    names = ["actual", *(f"year_end_{m.value}" for m in METHODS)]
    out: dict[int, dict[str, Any]] = {}
    for p in points:
        into = out.setdefault(p["m"], {"m": p["m"], **dict.fromkeys(names, 0)})
        for name in names:
            into[name] += int(p[name] or 0)
    return [out[m] for m in sorted(out)]


def _error_row(
    key: TypeKey, points: Sequence[Mapping[str, Any]], chosen: Mapping[TypeKey, Method]
) -> ErrorRow:
    actual = int(points[0]["actual"] or 0) if points else 0
    errors: dict[str, Fraction | None] = {}
    for method in METHODS:
        found = [percentage_error(int(p[f"year_end_{method.value}"] or 0), actual)
                 for p in points]  # fmt: skip
        kept = [e for e in found if e is not None]
        errors[method.value] = sum(kept, Fraction(0)) / len(points) if kept else None
    known = {k: v for k, v in errors.items() if v is not None}
    best = (
        min(known, key=lambda k: (known[k], [m.value for m in METHODS].index(k))) if known else None
    )
    return ErrorRow(
        sector_area=key[0], intervention=key[1], actual=from_ore(actual), errors=errors,
        chosen=method_for(key, chosen, None).value, best=best,
    )  # fmt: skip
