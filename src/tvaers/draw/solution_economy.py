"""A solution's economy (issue 11 #4): its enrolled citizens' baseline (the 12 months before each
one's first enrolment, :func:`tvaers.draw.service_baseline.baseline`) and their draw since
enrolment, per sector area and month, with each area's budget holder.

Statistical: every figure passes small-cell suppression and the rule across requests (the group
and the baseline's areas through :mod:`.baseline_sets`, the draw since enrolment through
:mod:`.economy_sets`). Per enrolment period (the enrolled list, casework) :func:`period_costs`
gives each period's baseline and draw since, unsuppressed: the caller checks access and logs.

Focus points 4-6 extend :class:`SolutionEconomy`; its rows carry codes and ``Decimal`` amounts,
the Danish labels are the page's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import product
from typing import Any, Protocol

import ibis
import pyarrow as pa
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.periods import Month, Period, months_before
from tvaers.core.suppression import (
    EARLIER_NOTE,
    SMALL_CELL,
    TOTAL,
    Key,
    SuppressedTable,
    hidden_note,
    suppress_counts,
)
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import cache
from tvaers.draw import queries_economy as qe
from tvaers.draw import service_baseline as sb
from tvaers.draw.attribution import materialise
from tvaers.draw.baseline_sets import group_shown_near
from tvaers.draw.economy_sets import SinceSets
from tvaers.draw.queries_summary import area_month_rows
from tvaers.draw.session import Analysis, opened
from tvaers.store.publications import Ledger, publishing

CENT = Decimal("0.01")
CACHE_KIND = "loesning-oekonomi"


class EnrolmentPeriod(Protocol):
    """An enrolment period as the store keeps it (:class:`tvaers.store.models.Enrolment`)."""

    @property
    def id(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def enrolled_on(self) -> date: ...
    @property
    def discharged_on(self) -> date | None: ...


@dataclass(frozen=True)
class AreaFigures:
    """One sector area (or all: ``TOTAL_AREA``): the baseline and the draw since enrolment, in
    all and per member-month; ``None`` where hidden (``note`` says why)."""

    sector_area: str
    name: str
    budget_holder: str | None
    baseline_units: int | None  # citizens with a baseline cost in the area
    baseline: Decimal | None
    baseline_per_month: Decimal | None  # per member-month of the baseline
    units: int | None  # citizens with a draw in the area since enrolment
    since: Decimal | None
    since_per_month: Decimal | None  # per member-month enrolled
    difference: Decimal | None  # since_per_month - baseline_per_month
    baseline_note: str | None  # why a baseline figure is hidden
    since_note: str | None  # why a figure since enrolment is hidden


@dataclass(frozen=True)
class MonthFigures:
    """The draw of one sector area (or all) in one month (``YYYY-MM``; ``TOTAL_AREA``: since
    enrolment) with the citizens enrolled that month."""

    sector_area: str
    name: str
    month: str
    members: int | None  # citizens enrolled in the month (hidden with the cell)
    units: int | None  # of them, with a draw in the area
    total: Decimal | None
    per_month: Decimal | None  # per member enrolled in the month
    reference: Decimal | None  # the area's baseline per member-month
    note: str | None


@dataclass(frozen=True)
class SolutionEconomy:
    """A solution's economy; ``members`` is ``None`` when the group is hidden (``note``)."""

    members: int | None
    note: str | None
    baseline_window: Period | None  # the months the baseline draws on
    baseline_months: int | None  # member-months of the baseline
    since_period: Period | None  # the months with data since the first enrolment
    since_months: int | None  # member-months enrolled in them
    areas: tuple[AreaFigures, ...]  # by area code, the total last
    months: tuple[MonthFigures, ...]  # by area and month, totals last

    @property
    def shown(self) -> bool:
        return self.members is not None


@dataclass(frozen=True)
class PeriodCost:
    """One enrolment period's baseline and draw since enrolment (casework)."""

    period: int
    baseline: Decimal
    baseline_months: int
    since: Decimal
    since_months: int


def _rows(periods: Sequence[EnrolmentPeriod]) -> list[tuple[int, str, str, date, date | None]]:
    return [(p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on) for p in periods]


@dataclass(frozen=True)
class Enrolled:
    """An enrolment period as plain values (safe to hand to another thread)."""

    id: int
    unit: str
    subject: str
    enrolled_on: date
    discharged_on: date | None


def plain(periods: Sequence[EnrolmentPeriod]) -> tuple[Enrolled, ...]:
    return tuple(Enrolled(*row) for row in _rows(periods))


def published(
    settings: Settings,
    sessions: Callable[[], Session],
    periods: Sequence[EnrolmentPeriod],
    context: str,
    user: str | None,
) -> SolutionEconomy:
    """:func:`economy` on the home's data, the sets it shows remembered in the store; from the
    cache when the loaded data, the enrolments and the configuration are those of an earlier
    computation. :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    with opened(settings) as analysis:

        def compute() -> cache.Document:
            found = publishing(
                sessions, context, user, lambda ledger: economy(analysis, periods, ledger)
            )
            return _document(found)

        parts = _parts(analysis, periods)
        return _economy_of(cache.cached(settings, analysis.loaded, CACHE_KIND, parts, compute))


def cached_economy(
    settings: Settings, periods: Sequence[EnrolmentPeriod]
) -> SolutionEconomy | None:
    """The economy if it is cached (``None`` if it must be computed; nothing is computed)."""
    with opened(settings) as analysis:
        found = cache.peek(settings, analysis.loaded, CACHE_KIND, _parts(analysis, periods))
    return _economy_of(found) if found is not None else None


def _parts(analysis: Analysis, periods: Sequence[EnrolmentPeriod]) -> list[Any]:
    config = analysis.config
    rows = sorted(
        [i, unit, subject, str(on), str(off)] for i, unit, subject, on, off in _rows(periods)
    )
    return [rows, cache.config_fingerprint(config.attribution, config.overlaps)]


def _document(found: SolutionEconomy) -> cache.Document:
    return {
        **cache.shallow(found),
        "areas": [cache.shallow(a) for a in found.areas],
        "months": [cache.shallow(m) for m in found.months],
    }


def _economy_of(found: cache.Document) -> SolutionEconomy:
    return SolutionEconomy(**{
        **found,
        "areas": tuple(AreaFigures(**a) for a in found["areas"]),
        "months": tuple(MonthFigures(**m) for m in found["months"]),
    })  # fmt: skip


def economy(
    analysis: Analysis, periods: Sequence[EnrolmentPeriod], ledger: Ledger
) -> SolutionEconomy:
    """The economy of the citizens of ``periods`` (every member of an enrolled family)."""
    backend = analysis.backend
    found = qe.enrolled_citizens(qe.periods_table(_rows(periods)), backend.table("citizens"))
    members = materialise(backend, "economy_members", found)
    group = qe.baseline_members(members).to_pyarrow()
    count = group.num_rows
    if not count:
        return SolutionEconomy(0, None, None, None, None, None, (), ())
    try:
        base: sb.Baseline | None = sb.baseline(analysis, group, Unit.CITIZEN, None, True, ledger)
    except NoData:  # no data before the enrolments: the group passes the rule all the same
        base = None
    if _hidden(base, count, ledger, analysis, group):
        note = EARLIER_NOTE if count >= SMALL_CELL else hidden_note("i gruppen")
        return SolutionEconomy(None, note, None, None, None, None, (), ())
    since = _Since.of(analysis, members, ledger)
    return _assembled(analysis, count, base, since)


def _hidden(
    base: sb.Baseline | None, count: int, ledger: Ledger, analysis: Analysis, group: pa.Table
) -> bool:
    """Whether the whole group is hidden: fewer than five, or 1-4 from a group shown before."""
    if count < SMALL_CELL:
        return True
    if base is not None:
        total = next(r for r in base.by_area if r["sector_area"] == TOTAL_AREA)
        return total["units"] is None and total["note"] == EARLIER_NOTE
    return group_shown_near(ledger, analysis.backend, ibis.memtable(group).select("unit"))


@dataclass(frozen=True)
class _Since:
    """The draw since enrolment, suppressed: ``table`` keyed (area, month) with totals."""

    period: Period | None
    table: SuppressedTable | None
    members: dict[str, int]  # month -> citizens enrolled; TOTAL -> member-months

    @classmethod
    def of(cls, analysis: Analysis, members: Any, ledger: Ledger) -> _Since:
        backend, span = analysis.backend, analysis.span
        first = members.first_month.min().to_pyarrow().as_py()
        if first is None or first > span.last:
            return cls(None, None, {})
        period = analysis.period(None, Period.between(first, span.last))
        attribution = analysis.attribution(period)
        months = materialise(backend, "economy_months",
                             qe.enrolled_months(members, qe.calendar(period)))  # fmt: skip
        lines = materialise(backend, "economy_lines", qe.since_lines(attribution.lines, months))
        enrolled = {
            r["month"].strftime("%Y-%m"): int(r["members"])
            for r in qe.members_per_month(months).to_pyarrow().to_pylist()
        }
        enrolled[TOTAL] = sum(enrolled.values())
        table = _suppressed(backend, lines, ledger, [m.first_day for m in period.months()])
        return cls(period, table, enrolled)


def _suppressed(
    backend: Any, lines: Any, ledger: Ledger, days: list[date]
) -> SuppressedTable | None:
    """The draw per area and month with totals, suppressed (distinct citizens in the totals)."""
    cells = area_month_rows(lines).to_pyarrow().to_pylist()
    if not cells:
        return None
    areas = sorted({r["sector_area"] for r in cells})
    months = [d.strftime("%Y-%m") for d in days]
    counts = dict.fromkeys(product(areas, months), 0)
    money = dict.fromkeys(product(areas, months), Decimal(0))
    for r in cells:  # one row per area and month: the figures, not the citizens
        counts[(r["sector_area"], r["month"])] = int(r["citizens"])
        money[(r["sector_area"], r["month"])] = Decimal(r["total"])
    totals: dict[Key, int] = {
        (str(r["sector_area"]), TOTAL): int(r["citizens"]) for r in _distinct(lines, "sector_area")
    }
    for r in _distinct(lines, "month"):  # one row per month
        totals[(TOTAL, r["month"].strftime("%Y-%m"))] = int(r["citizens"])
    totals[(TOTAL, TOTAL)] = int(qe.distinct_citizens(lines).to_pyarrow().column(0)[0].as_py())
    sets = SinceSets.of(ledger, backend, lines, days)
    table = suppress_counts(counts, measures={"total": money}, unit="borgere",
                            earlier=sets.earlier(), totals=totals)  # fmt: skip
    sets.publish(table)
    return table


def _distinct(lines: Any, key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = qe.distinct_citizens(lines, key).to_pyarrow().to_pylist()
    return found


def _per(amount: Decimal | None, months: int | None) -> Decimal | None:
    if amount is None or not months:
        return None
    return (amount / months).quantize(CENT)


def _assembled(
    analysis: Analysis, count: int, base: sb.Baseline | None, since: _Since
) -> SolutionEconomy:
    names, holders = analysis.area_names, analysis.budget_holders
    baseline = {r["sector_area"]: r for r in (base.by_area if base else [])}
    base_months = _baseline_months(base)
    cells = since.table.cells if since.table else {}
    member_months = since.members.get(TOTAL)
    codes = sorted({a for a in baseline if a != TOTAL_AREA} | {a for a, m in cells if a != TOTAL})
    areas, reference = [], {}
    for code in [*codes, TOTAL_AREA]:  # the handful of sector areas
        b = baseline.get(code, {})
        cell = cells.get((TOTAL if code == TOTAL_AREA else code, TOTAL))
        b_pm = _per(b.get("total"), base_months)
        s_total = cell.measures["total"] if cell and cell.measures else None
        s_pm = _per(s_total, member_months)
        reference[code] = b_pm
        areas.append(AreaFigures(
            sector_area=code, name=names.get(code, code), budget_holder=holders.get(code),
            baseline_units=b.get("units"), baseline=b.get("total"), baseline_per_month=b_pm,
            units=cell.count if cell else None, since=s_total, since_per_month=s_pm,
            difference=s_pm - b_pm if s_pm is not None and b_pm is not None else None,
            baseline_note=b.get("note"), since_note=cell.note if cell else None,
        ))  # fmt: skip
    return SolutionEconomy(
        members=count,
        note=None,
        baseline_window=base.reference_window if base else None,
        baseline_months=base_months,
        since_period=since.period,
        since_months=member_months,
        areas=tuple(areas),
        months=_months(since, names, reference),
    )


def _baseline_months(base: sb.Baseline | None) -> int | None:
    """The baseline's member-months: each member's months within the data, added up."""
    if base is None or not base.rows.num_rows:
        return None
    per_member = base.rows.group_by("unit").aggregate([("months", "max")])
    return int(sum(per_member.column("months_max").to_pylist()))


def _months(
    since: _Since, names: dict[str, str], reference: dict[str, Decimal | None]
) -> tuple[MonthFigures, ...]:
    if since.table is None:
        return ()
    rows = []
    for (area, month), cell in since.table.cells.items():  # areas x months: the figures
        code = TOTAL_AREA if area == TOTAL else area
        enrolled = since.members.get(month, 0)
        total = cell.measures["total"] if cell.measures else None
        rows.append(MonthFigures(
            sector_area=code, name=names.get(code, code),
            month=TOTAL_AREA if month == TOTAL else month,
            members=enrolled if cell.published else None, units=cell.count, total=total,
            per_month=_per(total, enrolled), reference=reference.get(code), note=cell.note,
        ))  # fmt: skip
    return tuple(rows)


def period_costs(analysis: Analysis, periods: Sequence[EnrolmentPeriod]) -> dict[int, PeriodCost]:
    """Per enrolment period its baseline and draw since enrolment, person-level (casework: the
    caller checks and logs). Empty when the data do not reach the periods."""
    backend = analysis.backend
    found = qe.enrolled_citizens(qe.periods_table(_rows(periods)), backend.table("citizens"))
    members = materialise(backend, "period_members", found)
    first = members.first_month.min().to_pyarrow().as_py()
    if first is None:
        return {}
    try:  # from the baseline's first month (12 before the first enrolment) to the data's last
        period = analysis.period(
            None, Period(months_before(first).first, Month.of(analysis.span.last))
        )
    except NoData:
        return {}
    attribution = analysis.attribution(period)
    rows = qe.period_costs(attribution.lines, backend.table("citizens"), members, period)
    return {
        r["period"]: PeriodCost(
            r["period"],
            Decimal(r["baseline"]),
            int(r["baseline_months"] or 0),
            Decimal(r["since"]),
            int(r["since_months"] or 0),
        )
        for r in rows.to_pyarrow().to_pylist()
    }


def member_costs(settings: Settings, periods: Sequence[EnrolmentPeriod]) -> dict[int, PeriodCost]:
    """:func:`period_costs` on the home's data; empty when nothing is loaded."""
    if not periods:
        return {}
    try:
        with opened(settings) as analysis:
            return period_costs(analysis, periods)
    except NoData:
        return {}
