"""What a page needs to know about the loaded data before it asks for figures: the span of the
postings, the years to choose between (and the year shown when none is chosen), an as-of date
chosen within the span, and the sector areas' Danish names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ibis.backends.duckdb import Backend

from tvaers.core.periods import parse_day
from tvaers.draw.attribution import data_span


@dataclass(frozen=True)
class DataSpan:
    """First and last posting date of the loaded data."""

    first: date
    last: date

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first.year, self.last.year + 1))

    @property
    def latest_full_year(self) -> int:
        """The last calendar year the data cover to its end (else the last year with data)."""
        year = self.last.year if (self.last.month, self.last.day) >= (12, 1) else self.last.year - 1
        return max(year, self.first.year)

    def choose_year(self, wanted: int | None) -> YearChoice:
        """``wanted`` when the data cover it, else :attr:`latest_full_year`."""
        return YearChoice(wanted if wanted in self.years else self.latest_full_year, self.years)


@dataclass(frozen=True)
class YearChoice:
    """The year shown and the years a page offers."""

    year: int
    years: tuple[int, ...]


@dataclass(frozen=True)
class AsOf:
    """An as-of date within the data's span, or the last day with data and why (``error``,
    Danish) when the wish is no date or lies outside the data."""

    day: date
    span: DataSpan
    error: str | None = None

    @property
    def first(self) -> date:
        return self.span.first

    @property
    def last(self) -> date:
        return self.span.last


def span(backend: Backend) -> DataSpan:
    """The loaded data's span (:class:`~tvaers.core.errors.NoData` without postings)."""
    return DataSpan(*data_span(backend))


def as_of(found: DataSpan, wanted: str | None) -> AsOf:
    """The as-of date a user asked for (``2025-03-01``, ``01-03-2025`` …) within the data's span.
    Without a wish the last day with data; a wish that is no date, or lies outside the data,
    gives the last day with the error to show (the page keeps what the user wrote)."""
    if not wanted or not wanted.strip():
        return AsOf(found.last, found)
    day = parse_day(wanted)
    shown = f"{found.first.strftime('%d-%m-%Y')} og {found.last.strftime('%d-%m-%Y')}"
    if day is None:
        error = (
            f"Skæringsdatoen '{wanted[:20]}' kunne ikke læses; skriv den som dd-mm-åååå "
            f"mellem {shown}."
        )
        return AsOf(found.last, found, error)
    if not found.first <= day <= found.last:
        return AsOf(found.last, found, f"Skæringsdatoen skal ligge mellem {shown} (data).")
    return AsOf(day, found)


def area_names(backend: Backend) -> dict[str, str]:
    """Sector area code -> its Danish name, as loaded."""
    names = backend.table("sector_areas").select("sector_area", "name")
    return {r["sector_area"]: r["name"] for r in names.to_pyarrow().to_pylist()}


def intervention_names(backend: Backend) -> dict[str, str]:
    """Intervention code -> its Danish name, as loaded."""
    names = backend.table("interventions").select("intervention", "name")
    return {r["intervention"]: r["name"] for r in names.to_pyarrow().to_pylist()}


def budget_holders(backend: Backend) -> dict[str, str]:
    """Sector area code -> who holds its budget (``budget_holder``), where the data say."""
    holders = backend.table("sector_areas").select("sector_area", "budget_holder")
    rows = holders.to_pyarrow().to_pylist()
    return {r["sector_area"]: r["budget_holder"] for r in rows if r["budget_holder"]}
