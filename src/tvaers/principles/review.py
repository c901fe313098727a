"""The twice-yearly review of postings (003, issue 12): caseworkers and a finance consultant go
through a solution's cases (each enrolled citizen or family) for a half-year, and tick off
every posting booked on the case's citizens and every amount the case's approved grants have
committed.

Person-level throughout: the caller checks access and logs it through
:func:`tvaers.access.solution` (one entry, and one per listed citizen: :attr:`Review.citizens`).

A *posting of a case* is an operating expenditure posting (dranst 1, as the draw counts) booked
on one of the case's citizens (CPR-registered) in the half-year and in a month the citizen was
enrolled with the case (the enrolment month through the discharge month); its sector area is the
function code's, else the intervention's (as the draw assigns it). A citizen enrolled in two
cases at once (alone and with the family) has the posting under each. One set-based query over
all the cases (:func:`case_postings`); the commitments are read from the store in one query
(:func:`solution_commitments`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.money import from_ore
from tvaers.core.periods import Month, Period
from tvaers.draw import queries_economy as qe
from tvaers.draw.session import Analysis, opened
from tvaers.draw.solution_economy import Enrolled, plain
from tvaers.selection import decisions
from tvaers.store.models_principles import Grant, GrantCommitment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Half:
    """A half-year: ``2025-1`` is January-June 2025, ``2025-2`` July-December."""

    year: int
    half: int

    @classmethod
    def of(cls, day: date) -> Half:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, text: str | None) -> Half | None:
        """``2025-2`` (or ``None`` when it is not a half-year)."""
        year, _, half = (text or "").partition("-")
        if not (year.isdigit() and len(year) == 4 and half in ("1", "2")):
            return None
        return cls(int(year), int(half))

    @property
    def code(self) -> str:
        return f"{self.year}-{self.half}"

    @property
    def period(self) -> Period:
        first = 1 if self.half == 1 else 7
        return Period(Month(self.year, first), Month(self.year, first + 5))

    def previous(self) -> Half:
        return Half(self.year, 1) if self.half == 2 else Half(self.year - 1, 2)


def halves(first: date, last: date) -> list[Half]:
    """The half-years from ``first`` to ``last``, newest first."""
    found, half = [], Half.of(last)
    while (half.year, half.half) >= (first.year, 1 if first.month <= 6 else 2):
        found.append(half)
        half = half.previous()
    return found


# --- the queries ------------------------------------------------------------------------------


def case_members(periods: Sequence[Enrolled], citizens: ir.Table) -> ir.Table:
    """Per enrolment period (a case) its citizens: ``unit, subject, citizen, first_month,
    last_month`` (``last_month`` null while enrolled; a family: each member)."""
    rows = [(p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on) for p in periods]
    cases = qe.periods_table(rows)
    members = qe.enrolled_citizens(cases, citizens)
    keyed = cases.select(c_period="period", unit="unit", subject="subject")
    joined = members.join(keyed, members.period == keyed.c_period)
    return joined.select("unit", "subject", "citizen", "first_month", "last_month")


def case_postings(
    postings: ir.Table,
    accounts: ir.Table,
    interventions: ir.Table,
    members: ir.Table,
    period: Period,
) -> ir.Table:
    """The postings of the cases in ``period`` (see the module's docstring): ``unit, subject,
    citizen, posting_id, posting_date, month, sector_area, function_code, intervention, text,
    amount``."""
    p = postings.filter(
        postings.dranst == 1,
        postings.citizen.notnull(),
        postings.posting_date.between(period.first_day, period.last_day),
    )
    p = p.mutate(month=ibis.date(p.posting_date.year(), p.posting_date.month(), 1))
    m = members.select(m_citizen="citizen", unit="unit", subject="subject",
                       first_month="first_month", last_month="last_month")  # fmt: skip
    cased = p.join(
        m,
        [
            p.citizen == m.m_citizen,
            p.month >= m.first_month,
            m.last_month.isnull() | (p.month <= m.last_month),
        ],
    )
    acc = accounts.select(a_code="function_code", a_area="sector_area")
    itv = interventions.select(i_code="intervention", i_area="sector_area")
    with_area = cased.left_join(acc, cased.function_code == acc.a_code)
    with_area = with_area.left_join(itv, with_area.intervention == itv.i_code)
    return with_area.select(
        "unit", "subject", "citizen", "posting_id", "posting_date", "month",
        sector_area=ibis.coalesce(with_area.a_area, with_area.i_area),
        function_code="function_code", intervention="intervention", text="text",
        amount="amount",
    ).order_by("unit", "subject", "posting_date", "posting_id", "citizen")  # fmt: skip


def solution_commitments(
    session: Session, solution_id: int, period: Period | None = None
) -> list[tuple[GrantCommitment, Grant]]:
    """The commitments of the solution's grants (with the grant), in ``period`` if given, in
    month order: what the review ticks off and the "who pays" draw adds up
    (:func:`tvaers.principles.who_pays.plain_commitments`)."""
    query = (
        select(GrantCommitment, Grant)
        .join(Grant, Grant.id == GrantCommitment.grant_id)
        .where(Grant.solution_id == solution_id)
        .order_by(Grant.unit, Grant.subject, GrantCommitment.month, Grant.id, GrantCommitment.id)
    )
    if period is not None:
        query = query.where(
            GrantCommitment.month >= period.first_day, GrantCommitment.month <= period.last_day
        )
    return [(c, g) for c, g in session.execute(query).all()]


# --- the review -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """The review of one half-year (``half`` ``None``: no data loaded); ``citizens``: every
    citizen listed (each one an audit entry of its own)."""

    half: Half | None
    halves: tuple[Half, ...]
    cases: list[dict[str, Any]]
    postings: list[dict[str, Any]]
    commitments: list[dict[str, Any]]
    citizens: tuple[str, ...]


def _commitment_rows(pairs: Sequence[tuple[GrantCommitment, Grant]]) -> list[dict[str, Any]]:
    return [
        {"unit": g.unit, "subject": g.subject, "grant": g.id, "intervention": g.intervention_name,
         "month": c.month.strftime("%Y-%m"), "sector_area": c.sector_area,
         "amount": from_ore(c.amount_ore), "reconciled": False}
        for c, g in pairs
    ]  # fmt: skip


def _cases(
    periods: Sequence[Enrolled],
    postings: list[dict[str, Any]],
    commitments: list[dict[str, Any]],
    period: Period,
) -> list[dict[str, Any]]:
    """Per case enrolled at some time in the half-year: its postings and commitments summed."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for p in periods:  # the solution's enrolment periods: a few hundred at most
        ends = p.discharged_on or period.last_day
        if p.enrolled_on > period.last_day or ends < period.first_day:
            continue
        case = found.setdefault((p.unit, p.subject), {
            "unit": p.unit, "subject": p.subject, "enrolled_on": p.enrolled_on,
            "discharged_on": p.discharged_on, "postings": 0, "posted": ZERO, "committed": ZERO,
        })  # fmt: skip
        case["enrolled_on"] = min(case["enrolled_on"], p.enrolled_on)
    for row in postings:  # the case's postings, already filtered by the engine
        if (hit := found.get((row["unit"], row["subject"]))) is not None:
            hit["postings"] += 1
            hit["posted"] += row["amount"]
    for row in commitments:
        if (hit := found.get((row["unit"], row["subject"]))) is not None:
            hit["committed"] += row["amount"]
    for case in found.values():
        case["difference"] = case["posted"] - case["committed"]
    return sorted(found.values(), key=lambda c: (c["unit"], c["subject"]))


def review(
    settings: Settings, session: Session, solution_id: int, wanted: str | None = None
) -> Review:
    """The review of the half-year ``wanted`` (``2025-2``; else the newest with data) for the
    solution's cases. Person-level: the caller has checked access and logs the view."""
    periods = plain(decisions.enrolments(session, solution_id))
    try:
        with opened(settings) as analysis:
            return _review(analysis, session, solution_id, periods, wanted)
    except NoData:
        return Review(None, (), [], [], [], ())


def _review(
    analysis: Analysis,
    session: Session,
    solution_id: int,
    periods: Sequence[Enrolled],
    wanted: str | None,
) -> Review:
    span = analysis.span
    choices = tuple(halves(span.first, span.last))
    half = Half.parse(wanted)
    if half not in choices:
        half = choices[0]
    period = half.period
    postings: list[dict[str, Any]] = []
    listed: set[str] = set()
    if periods:
        members = case_members(periods, analysis.table("citizens"))
        found = case_postings(
            analysis.table("postings"), analysis.table("accounts"),
            analysis.table("interventions"), members, period,
        )  # fmt: skip
        postings = found.to_pyarrow().to_pylist()
        for row in postings:
            row["month"] = row["month"].strftime("%Y-%m")
            row["reconciled"] = False
        listed = set(_members_in(members, period))
    commitments = _commitment_rows(solution_commitments(session, solution_id, period))
    cases = _cases(periods, postings, commitments, period)
    names = analysis.area_names
    for row in (*postings, *commitments):
        row["area_name"] = names.get(row["sector_area"], row["sector_area"])
    return Review(half, choices, cases, postings, commitments, tuple(sorted(listed)))


def _members_in(members: ir.Table, period: Period) -> list[str]:
    """The citizens of the cases enrolled at some time in ``period``."""
    inside = members.filter(
        members.first_month <= period.last.first_day,
        members.last_month.isnull() | (members.last_month >= period.first.first_day),
    )
    return list(inside.select("citizen").distinct().to_pyarrow().column(0).to_pylist())
