"""The pilot evaluation (issue 13; VIVE: test the model on a pilot before budgets change): a
solution's enrolled citizens' cost change from the 12 months before enrolment to the 12 months
from it, against a comparison group of citizens never enrolled in any solution, matched on
baseline cost, area combination and age at the same (pseudo-)enrolment date — the difference in
differences per sector area and in total, with a 95 % confidence interval
(:mod:`.pilot_model`), gross or net of the state (:mod:`.state`).

:func:`evaluate` is the computation over tables (all citizens at once, :mod:`.pilot_queries`);
its result holds sums, never a citizen. The comparison group is statistical: it is never listed,
never linked to casework, and its figures are published only through :func:`evaluation` /
:func:`published`, where every figure passes small-cell suppression and the rule across requests
(:mod:`.pilot_sets`). :func:`measured_effects` gives the investment case the published effects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tvaers.budget import pilot_queries as q
from tvaers.budget import state
from tvaers.budget.pilot_model import Method, Moments
from tvaers.core.errors import NoData
from tvaers.core.periods import Month, Period
from tvaers.draw import queries_economy as qe
from tvaers.draw.attribution import materialise
from tvaers.draw.session import Analysis
from tvaers.draw.solution_economy import Enrolled, plain
from tvaers.store.models import Enrolment

Basis = state.Basis


@dataclass(frozen=True)
class AreaSums:
    """One area's (or the total's) moments with the citizens behind them: treated and
    comparison citizens with cost in the area in either window (the total: all matched)."""

    moments: Moments
    treated: int
    comparison: int


@dataclass(frozen=True)
class Computed:
    """What :func:`evaluate` found: counts and sums, no citizen (``matched`` and ``area_rows``
    are the engine's tables, for the sets behind the figures)."""

    enrolled: int  # citizens enrolled (a family: each member)
    evaluable: int  # of them, with months of data before and after enrolment
    cohorts: Period | None  # the enrolment months evaluated
    total: AreaSums | None  # None: nobody matched
    areas: dict[str, AreaSums]
    balance: list[dict[str, Any]]  # group, weight, baseline, baseline2, age_weight, age, age2
    shares: list[dict[str, Any]]  # group, sector_area, weight (cost before in the area)
    matched: ir.Table | None  # citizen, cohort, treated, weight, level
    area_rows: ir.Table | None  # citizen, cohort, treated, sector_area, before, after
    levels: tuple[int, ...] = ()  # treated matched at each of the method's levels, finest first


def _count(table: ir.Table) -> int:
    return int(table.count().to_pyarrow().as_py())


def _moments(rows: dict[bool, dict[str, Any]], group: dict[bool, dict[str, Any]]) -> Moments | None:
    """Moments from the sums of treated (True) and comparison (False); ``group``: the whole
    matched group's rows and weights (an area's sums count only units with cost in it)."""
    t, c = rows.get(True, {}), rows.get(False, {})
    gt, gc = group.get(True), group.get(False)
    if gt is None or gc is None:
        return None
    return Moments(
        treated=int(gt["rows"]), treated_sum=float(t.get("sum_d") or 0.0),
        treated_squares=float(t.get("sum_d2") or 0.0), rows=int(gc["rows"]),
        weight=float(gc["weight"]), weighted_sum=float(c.get("sum_d") or 0.0),
        weight_squares=float(gc["sum_w2"]), weighted2_sum=float(c.get("sum_w2d") or 0.0),
        weighted2_squares=float(c.get("sum_w2d2") or 0.0),
    )  # fmt: skip


def evaluate(
    backend: Backend,
    lines: ir.Table,
    citizens: ir.Table,
    treated: ir.Table,
    excluded: ir.Table,
    period: Period,
    method: Method,
    value: str = "amount",
) -> Computed:
    """The evaluation over tables of ``backend``: the draw's ``lines`` (``citizen, sector_area,
    month`` and ``value``) of ``period`` (the months with data), ``citizens`` (``citizen,
    birth_date``), the ``treated`` (``citizen, enrolled_on``: the first enrolment) and the
    ``excluded`` citizens (``citizen``: ever enrolled in any solution)."""
    first, last = period.first_day, period.last.first_day
    enrolled = _count(treated)
    cohorts = materialise(backend, "pilot_cohorts", q.evaluable(q.cohorts(treated, first, last)))
    costs = materialise(backend, "pilot_costs", q.area_costs(q.monthly(lines, value), cohorts))
    units = q.units(treated, citizens, excluded, cohorts)
    profiled = materialise(backend, "pilot_profiles", q.profiles(units, costs, citizens))
    evaluable = _count(profiled.filter(profiled.treated))
    span = cohorts.aggregate(first=cohorts.cohort.min(), last=cohorts.cohort.max())
    bounds = span.to_pyarrow().to_pylist()[0]
    shown = Period.between(bounds["first"], bounds["last"]) if bounds["first"] else None
    match = q.match_nearest if method is Method.NEAREST else q.match_strata
    matched = materialise(backend, "pilot_matched", match(profiled))
    levels = _levels(matched, method)
    group = {r["treated"]: r for r in q.total_moments(matched, profiled).to_pyarrow().to_pylist()}
    base, shares = q.balance_sums(profiled, matched, costs)
    balance = base.to_pyarrow().to_pylist()
    share_rows = shares.to_pyarrow().to_pylist()
    total = _moments(group, group)
    if total is None:
        return Computed(enrolled, evaluable, shown, None, {}, balance, share_rows, None, None,
                        levels)  # fmt: skip
    area_rows = materialise(backend, "pilot_area_rows", matched.join(costs, ["citizen", "cohort"]))
    sums: dict[str, dict[bool, dict[str, Any]]] = {}
    for r in q.area_moments(matched, costs).to_pyarrow().to_pylist():  # areas x 2
        sums.setdefault(r["sector_area"], {})[r["treated"]] = r
    areas = {}
    for area, rows in sorted(sums.items()):  # the handful of sector areas
        moments = _moments(rows, group)
        if moments is not None:
            areas[area] = AreaSums(moments, _citizens(rows, True), _citizens(rows, False))
    whole = AreaSums(total, _citizens(group, True), _citizens(group, False))
    return Computed(
        enrolled, evaluable, shown, whole, areas, balance, share_rows, matched, area_rows, levels
    )


def _levels(matched: ir.Table, method: Method) -> tuple[int, ...]:
    """The treated matched at each of ``method``'s levels (the finest first)."""
    own = matched.filter(matched.treated)
    found = own.group_by("level").aggregate(n=own.count()).to_pyarrow().to_pylist()
    counts = {int(r["level"]): int(r["n"]) for r in found}
    levels = q.NEAREST_LEVELS if method is Method.NEAREST else q.STRATA_LEVELS
    return tuple(counts.get(i, 0) for i in range(len(levels)))


def _citizens(rows: dict[bool, dict[str, Any]], treated: bool) -> int:
    return int(rows.get(treated, {}).get("citizens") or 0)


# --- on the home's data -----------------------------------------------------------------------


def _rows(periods: Sequence[Enrolled]) -> list[tuple[int, str, str, date, date | None]]:
    return [(p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on) for p in periods]


def enrolments(
    session: Session, solution_id: int
) -> tuple[tuple[Enrolled, ...], tuple[Enrolled, ...]]:
    """The solution's enrolment periods, and every solution's (whose citizens are never in a
    comparison group), as plain values."""
    every = session.scalars(select(Enrolment).order_by(Enrolment.id)).all()
    return plain([e for e in every if e.solution_id == solution_id]), plain(every)


def compute(
    analysis: Analysis,
    own: Sequence[Enrolled],
    every: Sequence[Enrolled],
    method: Method,
    basis: state.Basis,
) -> Computed | None:
    """:func:`evaluate` on the analysis session's data; None when the data do not reach the
    enrolments (nothing before or after them)."""
    backend, people = analysis.backend, analysis.table("citizens")
    members = qe.enrolled_citizens(qe.periods_table(_rows(own)), people)
    treated = materialise(backend, "pilot_treated", members.group_by("citizen").aggregate(
        enrolled_on=members.enrolled_on.min()))  # fmt: skip
    others = qe.enrolled_citizens(qe.periods_table(_rows(every)), people)
    excluded = materialise(backend, "pilot_excluded", others.select("citizen").distinct())
    days = treated.aggregate(first=treated.enrolled_on.min(), last=treated.enrolled_on.max())
    span = days.to_pyarrow().to_pylist()[0]
    if span["first"] is None:
        return None
    start = Month.of(span["first"])
    wanted = Period(_shift(start, -12), _shift(Month.of(span["last"]), 11))
    try:
        period = analysis.period(None, wanted)
    except (NoData, ValueError):
        return None
    lines = analysis.attribution(period).lines
    value = "amount"
    if basis is state.Basis.NET:
        lines, value = state.net_lines(analysis, lines, period), "net"
    return evaluate(backend, lines, people, treated, excluded, period, method, value)


def _shift(month: Month, by: int) -> Month:
    index = month.year * 12 + month.month - 1 + by
    return Month(index // 12, index % 12 + 1)


def store_sessions(session: Session) -> Callable[[], Session]:
    """New sessions on ``session``'s database (for the ledger of what is published)."""
    return sessionmaker(session.get_bind(), expire_on_commit=False)
