"""Follow-up deadlines (opfølgningsfrister, memo 003; DOMAIN.md §3.6) as pure rules: no I/O.

A *case* is a citizen's granted intervention: an approved grant of focus point 4 or an imported
activity, from the day it started (*S*). The rule:

* **First follow-up**: within 3 calendar months of the start. The due date is *S* + 3 months,
  the same day of the month; where that month is shorter, its last day. So 31 May → 31 August,
  31 January → 30 April (29 April never: the month's last day), 31 August → 30 November,
  30 November 2027 → 29 February 2028 (a leap year), 30 November 2028 → 28 February 2029.
* **Then at least yearly**: once a follow-up is recorded, the next is due 12 calendar months after
  the latest one made (the day it was made, not the day it was due), by the same month-end rule:
  a follow-up on 29 February 2028 is next due 28 February 2029. A first follow-up made early
  (before the 3-month mark) starts the yearly rhythm from the day it was made.
* **Due and overdue**: a follow-up is *due* up to and including its due date and *overdue* from
  the day after. A missing first follow-up is overdue from the day after the 3-month due date.
* **No further deadline** when the case has ended: its end date lies before the as-of day, or the
  latest follow-up's outcome is ``stop``. A case that starts after the as-of day has none yet.
* **As of a day**: only follow-ups made on or before the as-of day count, so asking about a past
  day gives the answer that day would have given.

The engine computes the same set-based (:mod:`tvaers.followup.deadline_queries`: DuckDB's
``date + INTERVAL n MONTH`` clamps to the month's last day exactly as :func:`add_months` does);
this module is its reference and the tests'.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.core.periods import danish_date

FIRST_MONTHS = 3  # the first follow-up: within three months of the start
YEARLY_MONTHS = 12  # then at least yearly after the latest follow-up
SOON_DAYS = 30  # «due soon»: due within this many days of the as-of day (the page's default)


C = TypeVar("C", bound=StrEnum)


class FollowUpError(TvaersError):
    """A follow-up that cannot be recorded as given (Danish message)."""

    code = ErrorCode.CHOICE_INVALID


class Outcome(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    REDUCE = "reduce"
    STOP = "stop"


OUTCOME_LABELS = {
    Outcome.CONTINUE: "Fortsætter uændret",
    Outcome.ADJUST: "Justeres",
    Outcome.REDUCE: "Nedtrappes",
    Outcome.STOP: "Ophører",
}


class Form(StrEnum):
    """How the follow-up was made."""

    MEETING = "meeting"
    HOME_VISIT = "home_visit"
    PHONE = "phone"
    VIDEO = "video"
    WRITTEN = "written"


FORM_LABELS = {
    Form.MEETING: "Opfølgningsmøde",
    Form.HOME_VISIT: "Hjemmebesøg",
    Form.PHONE: "Telefonisk",
    Form.VIDEO: "Videomøde",
    Form.WRITTEN: "Skriftlig",
}


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months: the same day of the month, or the month's last
    day when it is shorter (31 May + 3 = 31 August; 30 November 2027 + 3 = 29 February 2028)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadline:
    """The next follow-up of a case: its due date, and whether it is the first (3-month) one."""

    due_on: date
    first: bool

    def overdue(self, on: date) -> bool:
        """Overdue from the day after the due date; due on the due date itself."""
        return on > self.due_on

    def days_overdue(self, on: date) -> int:
        """Days past the due date (0 on and before it)."""
        return max((on - self.due_on).days, 0)

    def due_within(self, on: date, days: int = SOON_DAYS) -> bool:
        """Not overdue, and due within ``days`` days of ``on`` (the due date included)."""
        return on <= self.due_on and (self.due_on - on).days <= days


def deadline(
    started_on: date,
    on: date,
    latest: date | None = None,
    stopped: bool = False,
    ended_on: date | None = None,
) -> Deadline | None:
    """The case's next follow-up as of the day ``on``: ``latest`` is the latest follow-up made on
    or before ``on`` (``None``: none yet), ``stopped`` whether its outcome was ``stop``,
    ``ended_on`` the case's end date. ``None`` when the case has no deadline (not started, ended
    before ``on``, or stopped)."""
    if started_on > on or stopped or (ended_on is not None and ended_on < on):
        return None
    if latest is None:
        return Deadline(add_months(started_on, FIRST_MONTHS), first=True)
    return Deadline(add_months(latest, YEARLY_MONTHS), first=False)


def check_followup(
    started_on: date, followed_up_on: date, today: date, form: str, outcome: str
) -> tuple[Form, Outcome]:
    """The form and outcome of a follow-up to record, or :class:`FollowUpError` in Danish: a
    date in the future or before the case started, an unknown form or outcome."""
    if followed_up_on > today:
        raise FollowUpError(
            f"Opfølgningen kan ikke være foretaget i fremtiden ({danish_date(followed_up_on)}).",
            code=ErrorCode.DATE_INVALID,
            hint=f"Registrér den, når den er foretaget; i dag er {danish_date(today)}.",
        )
    if followed_up_on < started_on:
        raise FollowUpError(
            f"Opfølgningen ({danish_date(followed_up_on)}) kan ikke ligge før indsatsen "
            f"startede ({danish_date(started_on)}).",
            code=ErrorCode.DATE_INVALID,
            hint="Kontrollér datoen for opfølgningen og indsatsens startdato.",
        )
    return form_of(form), outcome_of(outcome)


def form_of(text: str) -> Form:
    """The form named ``text`` (code or Danish label), or a Danish error listing them."""
    return _choice(text, FORM_LABELS, "en form for opfølgning", "Formen")


def outcome_of(text: str) -> Outcome:
    """The outcome named ``text`` (code or Danish label), or a Danish error listing them."""
    return _choice(text, OUTCOME_LABELS, "et udfald af en opfølgning", "Udfaldet")


def _choice(text: str, labels: dict[C, str], what: str, field: str) -> C:
    folded = (text or "").strip().lower()
    if not folded:
        raise FollowUpError(f"{field} mangler.", code=ErrorCode.VALUE_REQUIRED,
                            hint=_choices(labels))  # fmt: skip
    for choice, label in labels.items():
        if folded in (choice.value, label.lower()):
            return choice
    raise FollowUpError(f"«{text.strip()[:40]}» er ikke {what}.", hint=_choices(labels))


def _choices(labels: dict[C, str]) -> str:
    return "Vælg en af: " + ", ".join(f"{c.value} ({label.lower()})" for c, label in labels.items())
