"""What each budget page shows, computed once (issue 13): the overview of all areas (budget,
actual, expected year end, frames and their flags), the area chief's view («hvad jeg betaler, og
hvad jeg får»: the area's budget, actual per month, what each solution draws on it, its part of
each solution's efficiency requirement and the settlements) and a solution's own budget next to
what it draws on the sector budgets.

What a solution draws is its "who pays" draw (:mod:`tvaers.principles.who_pays`): its enrolled
citizens' draw since enrolment, routed to the paying areas by the approved distribution keys —
statistical and suppressed (a year's sum is shown only when none of its months is hidden).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from tvaers.budget import budgets
from tvaers.budget.actuals import BudgetYear, budget_vs_actual
from tvaers.budget.frames import Position, Steered, steered
from tvaers.budget.state import Basis
from tvaers.core.config import Settings
from tvaers.core.units import TOTAL_AREA
from tvaers.draw.session import opened
from tvaers.principles import solution_figures, who_pays
from tvaers.principles.model import SOLUTION_BUDGET, SOLUTION_BUDGET_NAME
from tvaers.store.models import Solution
from tvaers.store.models_budget import BudgetVersion

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Overview:
    """All areas for a year on a basis, and the frames' steering of them."""

    year: BudgetYear
    steered: Steered


def positions(found: BudgetYear) -> dict[str, Position]:
    """Each area with a budget and an expected year end."""
    return {a.sector_area: Position(a.sector_area, a.budget, a.year_end) for a in found.areas
            if a.budget is not None and a.year_end is not None}  # fmt: skip


def overview(settings: Settings, session: Session, year: int, basis: Basis) -> Overview:
    """Budget against actual for every area, and the frames' flags (the imported budgets taken
    over first). :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    budgets.synchronised(settings, session)
    areas = budgets.area_budgets(session, year)
    with opened(settings) as analysis:
        found = budget_vs_actual(analysis, year, areas, basis)
    return Overview(found, steered(session, year, positions(found)))


# --- what a solution draws --------------------------------------------------------------------


@dataclass(frozen=True)
class AreaDraw:
    """What a solution draws on one paying area (``SOLUTION_BUDGET``: its own budget): paid
    after the keys in the year and since enrolment, committed by its grants in the year;
    ``None`` where hidden (``note``)."""

    solution_id: int
    solution: str
    sector_area: str
    name: str
    citizens: int | None
    paid_year: Decimal | None
    paid_since: Decimal | None
    committed_year: Decimal | None
    note: str | None


@dataclass(frozen=True)
class SolutionDraw:
    solution_id: int
    solution: str
    members: int | None  # None: the group is hidden (``note``)
    note: str | None
    areas: tuple[AreaDraw, ...]

    def on(self, area: str) -> AreaDraw | None:
        return next((a for a in self.areas if a.sector_area == area), None)


def _year_sum(values: Sequence[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _within(figures: who_pays.WhoPays, year: int) -> bool:
    """Whether every month the view shows lies in ``year`` (then its totals are the year's)."""
    period = figures.period
    return period is not None and period.first.year == period.last.year == year


YEAR_HIDDEN = (
    "Betalt og disponeret i {year} vises ikke, fordi en af årets måneder er skjult ({why}). "
    "Borgere og betalt siden indskrivning gælder hele forløbet og vises."
)


def _year_figures(
    total: who_pays.PayFigures, months: Sequence[who_pays.PayFigures],
    others: Sequence[who_pays.PayFigures], year: int,
) -> tuple[Decimal | None, Decimal | None, str | None]:  # fmt: skip
    """The year's paid and committed and the note: the sums of the year's months; when one of
    them is hidden but every month outside the year is shown, the shown total less those months
    (already derivable from what is published); else hidden, the note saying which and why."""
    if total.note:  # the area hidden as a whole
        return None, None, total.note
    hidden = next((r.note for r in months if r.note), None)
    if not hidden:
        return _year_sum([r.paid for r in months]), _year_sum([r.committed for r in months]), None
    if all(r.note is None and r.paid is not None and r.committed is not None for r in others):
        paid = None if total.paid is None else total.paid - _year_sum([r.paid for r in others])
        committed = None if total.committed is None else total.committed - _year_sum(
            [r.committed for r in others])  # fmt: skip
        return paid, committed, None
    why = hidden.removeprefix("Skjult: ").removeprefix("Skjult ")
    return None, None, YEAR_HIDDEN.format(year=year, why=why)


def _area_draws(solution: Solution, figures: who_pays.WhoPays, year: int) -> tuple[AreaDraw, ...]:
    """Per paying area: the year's figures (:func:`_year_figures`), or its published totals
    when every month shown is in the year."""
    prefix, found, whole = f"{year}-", [], _within(figures, year)
    totals = {r.sector_area: r for r in figures.rows if r.month == TOTAL_AREA}
    for code, total in totals.items():  # the paying areas: a handful
        if code == TOTAL_AREA:
            continue
        rows = [r for r in figures.rows if r.sector_area == code and r.month != TOTAL_AREA]
        if whole:
            paid, committed, note = total.paid, total.committed, total.note
        else:
            paid, committed, note = _year_figures(
                total, [r for r in rows if r.month.startswith(prefix)],
                [r for r in rows if not r.month.startswith(prefix)], year,
            )  # fmt: skip
        found.append(AreaDraw(
            solution_id=solution.id, solution=solution.name, sector_area=code, name=total.name,
            citizens=total.citizens, paid_year=paid, paid_since=total.paid,
            committed_year=committed, note=note,
        ))  # fmt: skip
    return tuple(found)


def solution_draw(
    settings: Settings,
    sessions: Callable[[], Session],
    session: Session,
    solution: Solution,
    year: int,
    user: str | None,
) -> SolutionDraw:
    """What the solution draws on each paying area in ``year`` (statistical, suppressed)."""
    found = solution_figures.inputs(session, solution.id)
    if not found.periods:
        return SolutionDraw(solution.id, solution.name, 0, None, ())
    figures = who_pays.published(
        settings,
        sessions,
        found.periods,
        found.keys,
        found.commitments,
        f"budget løsning {solution.id}",
        user,
    )
    if not figures.shown:
        return SolutionDraw(solution.id, solution.name, None, figures.note, ())
    return SolutionDraw(solution.id, solution.name, figures.members, None,
                        _area_draws(solution, figures, year))  # fmt: skip


def enrolled_solutions(session: Session) -> list[Solution]:
    """The solutions with citizens or families enrolled at some time."""
    from tvaers.anchoring.service import all_solutions
    from tvaers.selection import decisions

    return [s for s in all_solutions(session) if decisions.enrolments(session, s.id)]


# --- a solution's own budget ------------------------------------------------------------------


@dataclass(frozen=True)
class OwnRow:
    """Its own budget (``SOLUTION_BUDGET``: the lines inside the unit or moved to it) or its
    cost items outside the unit on a sector area, against what it draws there in the year."""

    sector_area: str
    name: str
    budget: Decimal
    drawn: Decimal | None
    note: str | None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.drawn is None else self.budget - self.drawn


def own_budget(
    lines: Sequence[BudgetVersion], draw: SolutionDraw, names: dict[str, str]
) -> list[OwnRow]:
    """The solution's own budget against its draw: the lines inside the unit (or without an
    item: budget moved to the solution) against what its own budget pays; each area's lines
    outside the unit against what that area pays for the solution."""
    planned: dict[str, Decimal] = {SOLUTION_BUDGET: ZERO}
    for v in lines:  # the solution's lines: a handful
        code = v.sector_area if v.inside is False else SOLUTION_BUDGET
        planned[code] = planned.get(code, ZERO) + budgets.amount_of(v)
    for a in draw.areas:
        planned.setdefault(a.sector_area, ZERO)
    rows = []
    all_names = {**names, SOLUTION_BUDGET: SOLUTION_BUDGET_NAME}
    for code in sorted(planned, key=lambda c: (c != SOLUTION_BUDGET, c)):
        drawn = draw.on(code)
        rows.append(OwnRow(code, all_names.get(code, code), planned[code],
                           drawn.paid_year if drawn else (ZERO if draw.members else None),
                           drawn.note if drawn else draw.note))  # fmt: skip
    return rows


# --- the area chief's view --------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFigures:
    """The computed part of an area's page: the overview of the year (the area's row, its frame
    and flag are in it) and what each enrolled solution draws on the area."""

    overview: Overview
    draws: tuple[SolutionDraw, ...]


def area_figures(
    settings: Settings,
    sessions: Callable[[], Session],
    area: str,
    year: int,
    basis: Basis,
    user: str | None,
) -> AreaFigures:
    """The overview and every enrolled solution's draw on ``area`` (each solution's draw only
    on this area is kept)."""
    with sessions() as session:
        found = overview(settings, session, year, basis)
        draws = []
        for solution in enrolled_solutions(session):  # the municipality's handful of solutions
            drawn = solution_draw(settings, sessions, session, solution, year, user)
            kept = tuple(a for a in drawn.areas if a.sector_area == area)
            draws.append(SolutionDraw(drawn.solution_id, drawn.solution, drawn.members,
                                      drawn.note, kept))  # fmt: skip
    return AreaFigures(found, tuple(draws))


def known_area(settings: Settings, session: Session, area: str) -> str | None:
    """The area's Danish name when the loaded data or the budgets know it, else ``None``."""
    from tvaers.core.errors import NoData

    try:
        with opened(settings) as analysis:
            names = analysis.area_names
    except NoData:
        names = {}
    if area in names:
        return names[area]
    return area if any(v.sector_area == area for v in budgets.versions(session)) else None
