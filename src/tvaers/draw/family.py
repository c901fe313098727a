"""One family's draw: its members, the family's money per sector area, each member's draw per
area and month, and the members' activities.

Person-level: only for the casework purpose, a caseworker's role and a recorded basis. The
caller opens the view (:func:`opened`), which looks up the members, checks access and writes the
audit entry for them, and only then asks for the figures (:meth:`FamilyView.draw`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ibis.backends.duckdb import Backend

from tvaers.core.config import Settings
from tvaers.core.periods import Period
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import queries_family as qf
from tvaers.draw import service, session
from tvaers.draw.attribution import Attribution
from tvaers.draw.session import Analysis

MONEY = ("registered", "pooled", "priced", "attributed", "total")
ADULT_AGE = 18  # myndighedsalderen: a member of 18 or more is an adult
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DrawSums:
    """The family's money in one sector area, or in all (``sector_area`` is ``TOTAL_AREA``)."""

    sector_area: str
    name: str
    registered: Decimal = ZERO
    pooled: Decimal = ZERO
    priced: Decimal = ZERO
    attributed: Decimal = ZERO
    total: Decimal = ZERO


@dataclass(frozen=True)
class MemberMonth:
    """One member's draw in one sector area and month (``YYYY-MM``)."""

    citizen: str
    sector_area: str
    name: str
    month: str
    registered: Decimal
    pooled: Decimal
    priced: Decimal
    attributed: Decimal
    total: Decimal


@dataclass(frozen=True)
class Activity:
    """One member's activity; ``shown_end`` is its end, or for an ongoing one the data's last
    day (never before its start), so that a timeline can draw it."""

    citizen: str
    intervention: str
    name: str | None
    sector_area: str | None
    area: str | None  # the sector area's name (its code when it has none)
    start_date: date
    end_date: date | None
    caseworker: str | None
    decided_by: str | None
    shown_end: date

    @property
    def ongoing(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class FamilyDraw:
    """A family's draw in one year, with the years the data offer."""

    family: str
    year: int
    years: tuple[int, ...]
    period: Period
    members: tuple[str, ...]
    member_totals: Mapping[str, Decimal]  # every member, in the order of ``members``
    ages: Mapping[str, int | None]  # each member's age at the period's end (None: not known)
    holders: Mapping[str, str]  # sector area -> who holds its budget
    areas: tuple[DrawSums, ...]  # the largest total first
    total: DrawSums  # over the areas
    months: tuple[MemberMonth, ...]  # ordered by member, area and month
    activities: tuple[Activity, ...]  # ordered by member, start and intervention


@dataclass(frozen=True)
class FamilyView:
    """An open family: its members (none for an unknown family) on an open analytics session."""

    analysis: Analysis
    family: str
    members: tuple[str, ...]
    births: Mapping[str, date | None]

    def draw(self, year: int | None = None) -> FamilyDraw:
        """The draw in ``year`` (the latest full year when the data do not cover it). Call only
        after access to the members is checked and recorded."""
        span = self.analysis.span
        chosen = span.choose_year(year)
        attribution = self.analysis.draw(chosen.year)
        names = self.analysis.area_names
        months = _member_months(attribution, self.members, names)
        areas = _areas(attribution, self.family, names)
        totals = dict.fromkeys(self.members, ZERO)
        for row in months:
            totals[row.citizen] += row.total
        return FamilyDraw(
            family=self.family,
            year=chosen.year,
            years=chosen.years,
            period=attribution.period,
            members=self.members,
            member_totals=totals,
            ages={m: _age(self.births.get(m), attribution.period.last_day) for m in self.members},
            holders=self.analysis.budget_holders,
            areas=tuple(sorted(areas, key=lambda a: -a.total)),
            total=DrawSums(TOTAL_AREA, TOTAL_AREA, **_sums(vars(a) for a in areas)),
            months=months,
            activities=_activities(self.analysis.backend, self.members, names, span.last),
        )


@contextmanager
def opened(settings: Settings, family: str) -> Iterator[FamilyView]:
    """The family's view on a read-only analytics session, closed on leaving."""
    with session.opened(settings) as analysis:
        found = qf.members(analysis.table("citizens"), family).to_pyarrow().to_pylist()
        births = {r["citizen"]: r["birth_date"] for r in found}
        yield FamilyView(analysis, family, tuple(births), births)


def _age(born: date | None, on: date) -> int | None:
    """Whole years from ``born`` to ``on``."""
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _sums(rows: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """The money columns summed over ``rows``."""
    found = dict.fromkeys(MONEY, ZERO)
    for row in rows:
        for key in MONEY:
            found[key] += row[key]
    return found


def _member_months(
    attribution: Attribution, members: tuple[str, ...], names: Mapping[str, str]
) -> tuple[MemberMonth, ...]:
    rows = service.draw_rows(attribution, Unit.CITIZEN, only=members).to_pylist()
    return tuple(
        MemberMonth(
            citizen=r["citizen"],
            sector_area=r["sector_area"],
            name=names.get(r["sector_area"], r["sector_area"]),
            month=r["month"],
            **{key: r[key] for key in MONEY},
        )
        for r in rows
    )


def _areas(attribution: Attribution, family: str, names: Mapping[str, str]) -> list[DrawSums]:
    """The family's money per sector area, in the order the areas first occur."""
    per_area: dict[str, list[dict[str, Any]]] = {}
    for row in service.draw_rows(attribution, Unit.FAMILY, only=[family]).to_pylist():
        per_area.setdefault(row["sector_area"], []).append(row)  # a few areas x months
    return [DrawSums(area, names.get(area, area), **_sums(rows)) for area, rows in per_area.items()]


def _activities(
    backend: Backend, members: tuple[str, ...], names: Mapping[str, str], last: date
) -> tuple[Activity, ...]:
    expr = qf.activities(backend.table("activities"), backend.table("interventions"), members)
    return tuple(
        Activity(
            **r,
            area=names.get(r["sector_area"], r["sector_area"]),
            shown_end=r["end_date"] or max(last, r["start_date"]),
        )
        for r in expr.to_pyarrow().to_pylist()
    )
