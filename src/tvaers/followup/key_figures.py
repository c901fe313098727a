"""Key figures per organisational level (003 §3.1, issue 14): the figures of the monthly report,
each section a small function over one analysis session (set-based: one query per section over
all postings or activities, never a loop over citizens).

* **Totals and trend** (:func:`area_totals`, :func:`trend`): each sector area's operating
  expenditure from January to the report's month against the same months last year, and the
  municipality's total per month this year and last year — the finance system's own figures per
  area and month (:func:`tvaers.budget.actuals.area_month_actuals`, gross), shown unsuppressed
  as the budget pages show them: nothing in them is per citizen.
* **Cost per citizen** (:func:`cost_per_citizen`): the draw from January to the month per area
  (registered + attributed) divided by the citizens with a draw there — statistical: an area
  with fewer than five citizens is hidden, and so is one whose citizens differ by 1-4 from a set
  shown before (the report of another month), :mod:`tvaers.store.publications`.
* **Intake and outflow of cases** (:func:`intake_outflow`): per month the citizens who started
  and who ended an activity (and how many activities), suppressed the same way.

The report's month is a month of the data; by default the latest: the month of the last
posting (the books are kept per month, as :attr:`DataSpan.latest_full_year` counts a year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import ibis
import ibis.expr.types as ir
from ibis import _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.budget.actuals import NO_AREA, area_month_actuals
from tvaers.budget.state import Basis
from tvaers.core.errors import NoData
from tvaers.core.periods import DANISH_MONTHS, Month, Period
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import TOTAL, SuppressedTable, suppress_counts
from tvaers.draw.session import Analysis
from tvaers.engine.sketches import sketches
from tvaers.store.models import Enrolment
from tvaers.store.publications import Ledger

ZERO = Decimal("0.00")
KIND = "noegletal"  # the kind of the sets the report publishes (store.publications)


def latest_month(analysis: Analysis) -> Month:
    """The report's default month: the month of the data's last posting."""
    return Month.of(analysis.span.last)


def report_months(analysis: Analysis) -> list[Month]:
    """Every month the data cover, newest first (what a report may be made for)."""
    first, last = Month.of(analysis.span.first), Month.of(analysis.span.last)
    months, month = [], first
    while month <= last:  # the data's months: a few dozen
        months.append(month)
        month = month.next()
    return months[::-1]


def checked_month(analysis: Analysis, year: int | None, month: int | None) -> Month:
    """The month asked for (year and month both given), else the latest; :class:`NoData` in
    Danish when the data do not cover it."""
    if year is None or month is None:
        return latest_month(analysis)
    if not 1 <= month <= 12:
        raise NoData(f"Måned {month} findes ikke.", hint="Vælg en måned fra 1 til 12.")
    wanted = Month(year, month)
    if wanted not in report_months(analysis):
        span = analysis.span
        raise NoData(
            f"Data dækker ikke {wanted.danish()}.",
            hint=f"Vælg en måned fra {Month.of(span.first).danish()} til "
            f"{Month.of(span.last).danish()}.",
        )
    return wanted


def year_to(month: Month) -> Period:
    """January to the end of ``month``."""
    return Period.between(date(month.year, 1, 1), month.last_day)


# --- totals and trend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaTotal:
    """A sector area's expenditure from January to the month, and the same months last year
    (``None``: last year is not in the data)."""

    sector_area: str
    name: str
    actual: Decimal
    last_year: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.last_year is None else self.actual - self.last_year

    @property
    def change_share(self) -> float | None:
        if self.last_year is None or not self.last_year:
            return None
        return float((self.actual - self.last_year) / self.last_year)


def _monthly(analysis: Analysis, first: date, last: date) -> dict[tuple[str, Month], Decimal]:
    """(area, month) -> gross expenditure over the data's months between the days."""
    try:
        period = analysis.period(period=Period.between(first, last))
    except NoData:
        return {}
    rows = area_month_actuals(analysis, period, Basis.GROSS).to_pyarrow().to_pylist()
    return {(r["sector_area"], Month.of(r["month"])): r["actual"] or ZERO for r in rows}


def _last_year_covered(analysis: Analysis, month: Month) -> bool:
    """Whether the data cover last year's same months (January to the month)."""
    return analysis.span.first <= date(month.year - 1, 1, 31)


def area_totals(analysis: Analysis, month: Month) -> list[AreaTotal]:
    """Every area with an expenditure this year or last, January to ``month``; all areas
    together last (``sector_area`` :data:`TOTAL`)."""
    found = _monthly(analysis, date(month.year - 1, 1, 1), month.last_day)
    covered = _last_year_covered(analysis, month)
    this: dict[str, Decimal] = {}
    last: dict[str, Decimal] = {}
    for (area, m), amount in found.items():  # areas x months: a few hundred
        if m.month > month.month:
            continue
        into = this if m.year == month.year else last
        into[area] = into.get(area, ZERO) + amount
    names = analysis.area_names
    codes = sorted(set(this) | set(last), key=lambda c: (c == NO_AREA, c))
    rows = [
        AreaTotal(code, names.get(code, code) if code != NO_AREA else "Uden sektorområde",
                  this.get(code, ZERO), last.get(code, ZERO) if covered else None)
        for code in codes
    ]  # fmt: skip
    total_last = sum(last.values(), ZERO) if covered else None
    rows.append(AreaTotal(TOTAL, TOTAL, sum(this.values(), ZERO), total_last))
    return rows


@dataclass(frozen=True)
class TrendRow:
    """One calendar month: the municipality's expenditure this year (``None`` after the
    report's month) and last year (``None`` where the data do not cover it)."""

    month: int
    name: str
    this_year: Decimal | None
    last_year: Decimal | None


def trend(analysis: Analysis, month: Month) -> list[TrendRow]:
    """January to December: this year's months up to ``month`` and all of last year's."""
    found = _monthly(analysis, date(month.year - 1, 1, 1), month.last_day)
    totals: dict[Month, Decimal] = {}
    for (_area, m), amount in found.items():
        totals[m] = totals.get(m, ZERO) + amount
    span = analysis.span
    rows = []
    for number in range(1, 13):
        this, last = Month(month.year, number), Month(month.year - 1, number)
        rows.append(TrendRow(
            number, DANISH_MONTHS[number - 1],
            totals.get(this, ZERO) if number <= month.month else None,
            totals.get(last, ZERO) if Month.of(span.first) <= last <= Month.of(span.last)
            else None,
        ))  # fmt: skip
    return rows


# --- cost per citizen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CitizenCost:
    """An area's draw from January to the month, its citizens with a draw and the draw per
    citizen; ``None`` and ``note`` where hidden."""

    sector_area: str
    name: str
    citizens: int | None
    draw: Decimal | None
    note: str | None = None

    @property
    def per_citizen(self) -> Decimal | None:
        if not self.citizens or self.draw is None:
            return None
        return (self.draw / self.citizens).quantize(Decimal("0.01"))


def _flags(table: ir.Table, column: str, values: Sequence[object]) -> ir.Table:
    """One row per citizen of ``table`` with a flag ``f{i}`` per value of ``column`` (whether
    the citizen has a row with it): the sets behind the figures, for their sketches."""
    return table.group_by("citizen").aggregate(
        **{f"f{i}": (table[column] == value).any() for i, value in enumerate(values)}
    )


def _sets(
    analysis: Analysis, per_citizen: ir.Table, keys: Sequence[str]
) -> dict[tuple[str, ...], Sketch]:
    conditions = {key: per_citizen[f"f{i}"] for i, key in enumerate(keys)}
    conditions[TOTAL] = per_citizen.citizen.notnull()
    found = sketches(analysis.backend, per_citizen, "citizen", conditions)
    return {(key,): sketch for key, sketch in found.items()}


def _suppressed(
    counts: Mapping[str, int],
    measures: Mapping[str, Mapping[str, Decimal]],
    everyone: int,
    sets: Mapping[tuple[str, ...], Sketch],
    ledger: Ledger,
    kind: str,
) -> SuppressedTable:
    """A 1-D table with its total suppressed: small cells, and cells whose set differs by 1-4
    from one published before (any month's report); the sets of the cells shown published."""
    earlier = [key for key, s in sets.items() if ledger.close(f"{kind}:{key[0]}", s)]
    table = suppress_counts(
        {(key,): count for key, count in counts.items()},
        measures={name: {(k,): v for k, v in values.items()} for name, values in measures.items()},
        earlier=earlier, totals={(TOTAL,): everyone},
    )  # fmt: skip
    for key, cell in table.cells.items():
        if cell.published and key in sets:
            ledger.publish(f"{kind}:{key[0]}", sets[key])
    return table


def cost_per_citizen(analysis: Analysis, month: Month, ledger: Ledger) -> list[CitizenCost]:
    """Per area and in all (:data:`TOTAL` last), January to ``month`` (see the module)."""
    lines = analysis.attribution(analysis.period(period=year_to(month))).lines
    rows = (
        lines.group_by("sector_area")
        .aggregate(citizens=_.citizen.nunique(), draw=_.amount.sum())
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        return []
    codes = sorted(str(r["sector_area"]) for r in rows)
    everyone = int(lines.citizen.nunique().to_pyarrow().as_py() or 0)
    sets = _sets(analysis, _flags(lines, "sector_area", codes), codes)
    table = _suppressed(
        {str(r["sector_area"]): int(r["citizens"]) for r in rows},
        {"draw": {str(r["sector_area"]): Decimal(r["draw"] or 0) for r in rows}},
        everyone, sets, ledger, f"{KIND}:traek:{month.year}",
    )  # fmt: skip
    names = analysis.area_names
    found = []
    for code in [*codes, TOTAL]:
        cell = table.cell(code)
        draw = cell.measures["draw"].quantize(Decimal("0.01")) if cell.measures else None
        found.append(CitizenCost(code, names.get(code, code), cell.count, draw, cell.note))
    return found


# --- intake and outflow of cases -----------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """One month (``TOTAL``: January to the report's month): the citizens who started an
    activity and how many activities started, likewise ended; ``None`` and a note where hidden."""

    month: str
    started_citizens: int | None
    started: int | None
    ended_citizens: int | None
    ended: int | None
    started_note: str | None = None
    ended_note: str | None = None


def _events(activities: ir.Table, column: str, period: Period) -> ir.Table:
    """The activities whose ``column`` (start or end date) lies in the period: citizen and the
    month as ``YYYY-MM``."""
    day = activities[column]
    found = activities.filter(day.notnull(), day.between(period.first_day, period.last_day))
    return found.select("citizen", month=found[column].strftime("%Y-%m"))


def _flow_table(
    analysis: Analysis, events: ir.Table, months: list[str], ledger: Ledger, kind: str
) -> SuppressedTable:
    rows = events.group_by("month").aggregate(
        citizens=_.citizen.nunique(), activities=_.count()
    ).to_pyarrow().to_pylist()  # fmt: skip
    counts = {m: 0 for m in months} | {r["month"]: int(r["citizens"]) for r in rows}
    activities = {r["month"]: Decimal(r["activities"]) for r in rows}
    everyone = int(events.citizen.nunique().to_pyarrow().as_py() or 0)
    sets = _sets(analysis, _flags(events, "month", months), months)
    return _suppressed(counts, {"activities": activities}, everyone, sets, ledger, kind)


def intake_outflow(analysis: Analysis, month: Month, ledger: Ledger) -> list[Flow]:
    """January to ``month``, month by month and in all (see the module)."""
    period = year_to(month)
    activities = analysis.table("activities")
    months = [str(Month(month.year, m)) for m in range(1, month.month + 1)]
    kind = f"{KIND}:{{}}:{month.year}"
    started = _flow_table(analysis, _events(activities, "start_date", period), months, ledger,
                          kind.format("start"))  # fmt: skip
    ended = _flow_table(analysis, _events(activities, "end_date", period), months, ledger,
                        kind.format("slut"))  # fmt: skip
    return _flows(months, started, ended)


def _flows(months: list[str], started: SuppressedTable, ended: SuppressedTable) -> list[Flow]:
    found = []
    for key in [*months, TOTAL]:
        s, e = started.cell(key), ended.cell(key)
        found.append(Flow(
            key, s.count, int(s.measures["activities"]) if s.measures else None,
            e.count, int(e.measures["activities"]) if e.measures else None, s.note, e.note,
        ))  # fmt: skip
    return found


def _store_flow(
    events: list[tuple[str, str]], months: list[str], ledger: Ledger, kind: str
) -> SuppressedTable:
    """Like :func:`_flow_table` for (subject, ``YYYY-MM``) events read from the store."""
    subjects: dict[str, set[str]] = {m: set() for m in months}
    periods = {m: Decimal(0) for m in months}
    for subject, month in events:  # the year's enrolments and discharges: the store's few
        subjects[month].add(subject)
        periods[month] += 1
    everyone = {subject for subject, _month in events}
    sets: dict[tuple[str, ...], Sketch] = {(m,): Sketch.of_keys(f) for m, f in subjects.items()}
    sets[(TOTAL,)] = Sketch.of_keys(everyone)
    counts = {m: len(found) for m, found in subjects.items()}
    return _suppressed(counts, {"activities": periods}, len(everyone), sets, ledger, kind)


def enrolment_flow(session: Session, month: Month, ledger: Ledger) -> list[Flow]:
    """Per month of the year to ``month`` the citizens or families enrolled in a cross-cutting
    solution and those discharged (``started``/``ended``: the enrolment periods), suppressed
    as :func:`intake_outflow`."""
    period = year_to(month)
    within = Enrolment.enrolled_on.between(period.first_day, period.last_day) | (
        Enrolment.discharged_on.between(period.first_day, period.last_day))  # fmt: skip
    rows = session.execute(
        select(Enrolment.unit, Enrolment.subject, Enrolment.enrolled_on,
               Enrolment.discharged_on).where(within)
    ).all()  # fmt: skip
    months = [str(Month(month.year, m)) for m in range(1, month.month + 1)]

    def events(on: list[tuple[str, date | None]]) -> list[tuple[str, str]]:
        return [(who, str(Month.of(day))) for who, day in on
                if day is not None and period.first_day <= day <= period.last_day]  # fmt: skip

    enrolled = events([(f"{r.unit}:{r.subject}", r.enrolled_on) for r in rows])
    discharged = events([(f"{r.unit}:{r.subject}", r.discharged_on) for r in rows])
    kind = f"{KIND}:{{}}:{month.year}"
    return _flows(months, _store_flow(enrolled, months, ledger, kind.format("indskrevet")),
                  _store_flow(discharged, months, ledger, kind.format("udskrevet")))  # fmt: skip


def open_per_month(activities: ir.Table, month: Month) -> ir.Table:
    """Per month of the year to ``month`` (``YYYY-MM``): the activities open in it (started by
    its end, not ended before its first day)."""
    months = ibis.memtable(
        {"m_first": [Month(month.year, m).first_day for m in range(1, month.month + 1)],
         "m_last": [Month(month.year, m).last_day for m in range(1, month.month + 1)]},
        schema={"m_first": "date", "m_last": "date"},
    )  # fmt: skip
    joined = activities.cross_join(months)
    open_ = joined.filter(
        joined.start_date <= joined.m_last,
        joined.end_date.isnull() | (joined.end_date >= joined.m_first),
    )
    return (
        open_.group_by(month=open_.m_first.strftime("%Y-%m"))
        .aggregate(open=_.count())
        .order_by("month")
    )
