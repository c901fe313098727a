"""Months and fiscal years. The fiscal year is the calendar year."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tvaers.core.errors import CaseworkRefused, ErrorCode, TvaersError

DANISH_TIME = ZoneInfo("Europe/Copenhagen")

DANISH_MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, the unit of the resource draw and of follow-up."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"Måned skal være 1-12, ikke {self.month}")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2025-03`` to a month."""
        year, _, month = text.partition("-")
        return cls(int(year), int(month))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def danish(self) -> str:
        return f"{DANISH_MONTHS[self.month - 1]} {self.year}"


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A fiscal year (regnskabsår) = the calendar year."""

    year: int

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def months(self) -> list[Month]:
        return [Month(self.year, m) for m in range(1, 13)]


def months_between(first: date, last: date) -> list[Month]:
    """Every month touched by the inclusive period ``first``..``last``."""
    if last < first:
        return []
    months = []
    current = Month.of(first)
    end = Month.of(last)
    while current <= end:
        months.append(current)
        current = current.next()
    return months


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def today() -> date:
    """Today's date in Denmark (the server may run on UTC: 23:30 UTC is already tomorrow here)."""
    return datetime.now(DANISH_TIME).date()


def parse_day(text: object) -> date | None:
    """A date as a Dane writes it or a date field sends it: 2026-01-31, 31-01-2026, 31.01.2026
    or 31/1/2026. ``None`` when it is empty or no such date exists."""
    raw = str(text or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def danish_date(day: date) -> str:
    """``1. februar 2026``."""
    return f"{day.day}. {DANISH_MONTHS[day.month - 1]} {day.year}"


def local_time(moment: datetime) -> datetime:
    """A stored moment as Danish wall-clock time, without tzinfo (naive values are UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(DANISH_TIME).replace(tzinfo=None)


@dataclass(frozen=True)
class Period:
    """Whole months, ``first`` through ``last`` inclusive."""

    first: Month
    last: Month

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("Perioden slutter før den begynder")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(Month(year, 1), Month(year, 12))

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        return cls(Month.of(first), Month.of(last))

    @property
    def first_day(self) -> date:
        return self.first.first_day

    @property
    def last_day(self) -> date:
        return self.last.last_day

    def months(self) -> list[Month]:
        return months_between(self.first_day, self.last_day)

    def clip(self, first: date, last: date) -> Period | None:
        """The part of the period within the data's span (``None`` when they do not meet)."""
        start, end = max(self.first, Month.of(first)), min(self.last, Month.of(last))
        return Period(start, end) if start <= end else None

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"

    def danish(self) -> str:
        """«november 2025 – oktober 2026», «januar – december 2025», «marts 2026»."""
        first, last = self.first, self.last
        if first == last:
            return first.danish()
        if first.year == last.year:
            return f"{first.danish().rsplit(' ', 1)[0]} – {last.danish()}"
        return f"{first.danish()} – {last.danish()}"


def months_before(reference: date, count: int = 12) -> Period:
    """The ``count`` whole months before the month of ``reference`` (the baseline window)."""
    index = reference.year * 12 + reference.month - 1 - count
    first = Month(index // 12, index % 12 + 1)
    end = reference.year * 12 + reference.month - 2
    return Period(first, Month(end // 12, end % 12 + 1))


EARLIEST_DAY = date(2000, 1, 1)  # no cross-cutting solution records anything before this


def plausible(
    day: date, what: str, *, ahead_days: int = 366, refusal: type[TvaersError] = CaseworkRefused
) -> date:
    """Refuse (with ``refusal``) a date someone typed that must be a typing error: before 2000,
    or further ahead than ``ahead_days`` (0: not in the future). Records made with it — a
    decision, a basis — cannot be corrected once written."""
    latest = date.fromordinal(today().toordinal() + ahead_days)
    if day < EARLIEST_DAY:
        when = "før år 2000"
    elif day > latest and not ahead_days:
        when = "i fremtiden"
    elif day > latest:
        when = f"for langt ude i fremtiden (senest {danish_date(latest)})"
    else:
        return day
    raise refusal(
        f"{what} ({danish_date(day)}) ligger {when}.",
        code=ErrorCode.DATE_INVALID,
        hint="Tjek årstallet; en registrering kan ikke rettes bagefter.",
    )
