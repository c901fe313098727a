"""Result goals and progression of a solution's citizens in a year (Furesø, issue 14; DOMAIN
§3.6): per goal how many reached its statuses (first time per citizen, in their part of the
year), the share of the solution's citizens, against the target, and month by month cumulative
(Furesø's figure II); Furesø's three steps and the intervention staircase at the start and the
end of each citizen's part of the year, as level-to-level flows and up/down/steady.

*The solution's citizens in the year*: every citizen enrolled some day of it (an enrolled family:
each member, :mod:`tvaers.draw.queries_economy`), each from the later of their first enrolment
and 1 January to the earlier of their last discharge and the data's last month in the year
(:mod:`.results_queries`; rules in :mod:`.results_model`).

Statistical: :func:`suppressed` hides the whole year when its group has fewer than five citizens
or is 1-4 from a group shown before; a goal's count (year to date and each month) when 1-4
citizens reached it or 1-4 did not, or when its set is 1-4 from one shown before of the same
year, whatever the goal (two goals of overlapping statuses would otherwise give their difference
away; the months are checked from the newest back, so the year to date is shown first);
the flows' cells and the up/down/steady counts together, so that neither gives the other's
hidden cells away (:mod:`.results_flows`). :func:`citizen_rows` is the person-level list
(casework: the caller checks and logs). :func:`goal_attainment` is the one call for the demo
and the monthly report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.periods import Period
from tvaers.core.suppression import (
    EARLIER_NOTE,
    SMALL_CELL,
    SuppressedTable,
    differs_little,
    hidden_note,
)
from tvaers.draw import cache
from tvaers.draw import queries_economy as qe
from tvaers.draw.attribution import materialise
from tvaers.draw.baseline_sets import group_shown_near
from tvaers.draw.session import Analysis, opened
from tvaers.draw.solution_economy import EnrolmentPeriod, plain
from tvaers.engine.sketches import sketches
from tvaers.followup import results_flows
from tvaers.followup import results_queries as rq
from tvaers.followup.results_model import STEP_LABELS, Direction, Target, direction, share_e4
from tvaers.store.publications import Ledger, publishing

COMPLEMENT_NOTE = f"Skjult: færre end {SMALL_CELL} borgere nåede ikke målet"
STAIRCASE, STEPS = "trappe", "trin"
RESULTS_KIND = "resultater"  # the cache entries' kind (tvaers.draw.cache)


@dataclass(frozen=True)
class GoalSpec:
    """A goal as the computation needs it (from :class:`~tvaers.store.models_followup.
    ResultGoal`)."""

    goal: str
    name: str
    statuses: tuple[str, ...]
    target: Target


@dataclass(frozen=True)
class GoalFigures:
    goal: str
    name: str
    statuses: tuple[str, ...]
    target_count: int | None
    target_share: Decimal | None  # per cent
    needed: int | None  # citizens needed to reach the target (hidden with the group)
    reached: int | None
    share: Decimal | None  # per cent, two decimals
    attained: bool | None
    note: str | None = None


@dataclass(frozen=True)
class MonthReached:
    goal: str
    month: str  # YYYY-MM
    reached: int | None  # cumulative from the start of the year
    note: str | None = None


@dataclass(frozen=True)
class Flow:
    """Citizens by their level (or step) at the start and at the end; ``TOTAL`` margins."""

    kind: str  # STAIRCASE or STEPS
    start: str  # the level as text, or TOTAL
    end: str
    citizens: int | None
    note: str | None = None


@dataclass(frozen=True)
class Movement:
    kind: str
    direction: str  # Direction's value
    citizens: int | None
    note: str | None = None


@dataclass(frozen=True)
class Results:
    year: int
    window: Period | None  # the months of the year the data cover
    citizens: int | None  # the solution's citizens in the year; None: hidden (note)
    note: str | None
    goals: tuple[GoalFigures, ...] = ()
    months: tuple[MonthReached, ...] = ()
    flows: tuple[Flow, ...] = ()
    movements: tuple[Movement, ...] = ()

    @property
    def shown(self) -> bool:
        return self.citizens is not None


def spec_of(row: Any) -> GoalSpec:
    """A stored goal (``ResultGoal``) as a :class:`GoalSpec`."""
    target = Target(count=row.target_count, share_e4=row.target_share_e4)
    return GoalSpec(row.goal, row.name, tuple(row.statuses), target)


# --- the sets, person-level ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Sets:
    window: Period
    members: ir.Table  # citizen, start, stop
    reached: ir.Table  # goal, citizen, reached_on
    moves: ir.Table  # citizen, start, stop, step_start, step_end, level_start, level_end


def _sets(
    analysis: Analysis, periods: Sequence[EnrolmentPeriod], goals: Sequence[GoalSpec], year: int
) -> _Sets | None:
    window = analysis.period(year)
    rows = [(p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on) for p in plain(periods)]
    table = qe.periods_table(rows)
    enrolled = qe.enrolled_citizens(table, analysis.table("citizens"))
    backend = analysis.backend
    members = materialise(
        backend, "result_members",
        rq.year_members(enrolled, table, window.first_day, window.last_day),
    )  # fmt: skip
    if not members.count().to_pyarrow().as_py():
        return None
    outcomes = analysis.table("outcomes")
    wanted = {g.goal: g.statuses for g in goals}
    reached = materialise(backend, "result_reached", rq.first_reached(members, outcomes, wanted))
    steps = rq.statuses_with_steps(outcomes)
    acts, levels = analysis.table("activities"), analysis.table("interventions")
    moved = rq.movements(members, rq.step_on(members, steps, "start"),
                         rq.step_on(members, steps, "stop"), "step")  # fmt: skip
    staircase = rq.movements(members, rq.level_on(members, acts, levels, "start"),
                             rq.level_on(members, acts, levels, "stop"), "level")  # fmt: skip
    ends = staircase.select(m_citizen="citizen", level_start="level_start",
                            level_end="level_end")  # fmt: skip
    both = moved.join(ends, moved.citizen == ends.m_citizen).drop("m_citizen")
    moves = materialise(backend, "result_moves", both)
    return _Sets(window, members, reached, moves)


def citizen_rows(
    analysis: Analysis, periods: Sequence[EnrolmentPeriod], goals: Sequence[GoalSpec], year: int
) -> list[dict[str, Any]]:
    """Per citizen (pseudonym) of the year: start, stop, step and staircase level at both ends,
    the directions, and the day each goal was first reached. Person-level, unsuppressed:
    casework only, the caller checks access and logs."""
    found = _sets(analysis, periods, goals, year)
    if found is None:
        return []
    moves: list[dict[str, Any]] = found.moves.order_by("citizen").to_pyarrow().to_pylist()
    reached: dict[tuple[str, str], date] = {
        (r["citizen"], r["goal"]): r["reached_on"] for r in found.reached.to_pyarrow().to_pylist()
    }
    for row in moves:  # the solution's citizens, already computed: labels only
        row["step_direction"] = direction(row["step_start"], row["step_end"]).value
        row["level_direction"] = direction(row["level_start"], row["level_end"]).value
        row["reached"] = {g.goal: reached.get((row["citizen"], g.goal)) for g in goals}
    return moves


# --- the statistical view -----------------------------------------------------------------------


def _hidden_year(year: int, window: Period | None, note: str) -> Results:
    return Results(year, window, None, note)


def suppressed(
    analysis: Analysis, periods: Sequence[EnrolmentPeriod], goals: Sequence[GoalSpec], year: int,
    ledger: Ledger,
) -> Results:  # fmt: skip
    """The statistical view (see the module's docstring)."""
    found = _sets(analysis, periods, goals, year)
    if found is None:  # nobody enrolled in the year: every goal at 0 (0 says nothing of anyone)
        none = tuple(GoalFigures(g.goal, g.name, g.statuses, g.target.count, g.target.share,
                                 g.target.needed(0), 0, None, g.target.reached(0, 0))
                     for g in goals)  # fmt: skip
        return Results(year, analysis.period(year), 0, None, none)
    backend = analysis.backend
    count = int(found.members.count().to_pyarrow().as_py())
    if count < SMALL_CELL:
        return _hidden_year(year, found.window, hidden_note("borgere i løsningen i året"))
    if group_shown_near(ledger, backend, found.members.select(unit="citizen")):
        return _hidden_year(year, found.window, EARLIER_NOTE)
    figures, months = _goals(analysis, found, goals, year, count, ledger)
    flows: list[Flow] = []
    movements: list[Movement] = []
    for kind, start, end in ((STEPS, "step_start", "step_end"),
                             (STAIRCASE, "level_start", "level_end")):  # fmt: skip
        levels = list(STEP_LABELS) if kind == STEPS else []
        table, ways = results_flows.flows(analysis.backend, found.moves, kind, start, end, levels,
                                          f"citizen:{kind}:{year}", ledger)  # fmt: skip
        flows += [Flow(kind, k[0], k[1], c.count, c.note) for k, c in table.cells.items()]
        movements += _movements(kind, ways)
    return Results(year, found.window, count, None, tuple(figures), tuple(months), tuple(flows),
                   tuple(movements))  # fmt: skip


def _goals(
    analysis: Analysis, found: _Sets, goals: Sequence[GoalSpec], year: int, count: int,
    ledger: Ledger,
) -> tuple[list[GoalFigures], list[MonthReached]]:  # fmt: skip
    """Each goal's year to date and month by month cumulative, checked newest first."""
    ends = {str(m): m.last_day for m in found.window.months()}
    reached = found.reached
    conditions = {f"{g.goal}\t{m}": (reached.goal == g.goal) & (reached.reached_on <= day)
                  for g in goals for m, day in ends.items()}  # fmt: skip
    sets = sketches(analysis.backend, reached, "citizen", conditions)
    figures, months = [], []
    kind = f"citizen:resultat:{year}"  # every goal's sets, compared with each other's
    for goal in goals:  # a handful of goals × twelve months
        shown: dict[str, tuple[int | None, str | None]] = {}
        for month in reversed(list(ends)):
            sketch = sets[f"{goal.goal}\t{month}"]
            shown[month] = _checked(sketch.size, count, kind, sketch, ledger)
        months += [MonthReached(goal.goal, m, *shown[m]) for m in ends]
        ytd, note = shown[list(ends)[-1]]
        share = None if ytd is None else share_e4(ytd, count)
        figures.append(GoalFigures(
            goal.goal, goal.name, goal.statuses, goal.target.count, goal.target.share,
            goal.target.needed(count), ytd,
            None if share is None else (Decimal(share) / 100).quantize(Decimal("0.01")),
            None if ytd is None else goal.target.reached(ytd, count), note,
        ))  # fmt: skip
    return figures, months


def _checked(
    reached: int, count: int, kind: str, sketch: Any, ledger: Ledger
) -> tuple[int | None, str | None]:
    """A goal's count as published: hidden when 1-4 reached it or 1-4 did not, or when its set
    is 1-4 from one of its kind (any goal of the year) shown before; remembered when shown."""
    if differs_little(reached):
        return None, hidden_note("borgere")
    if differs_little(count - reached):
        return None, COMPLEMENT_NOTE
    if ledger.close(kind, sketch):
        return None, EARLIER_NOTE
    ledger.publish(kind, sketch)
    return reached, None


def _movements(kind: str, ways: SuppressedTable) -> list[Movement]:
    return [Movement(kind, d.value, ways.cell(d.value).count, ways.cell(d.value).note)
            for d in Direction]  # fmt: skip


# --- on the home's data -------------------------------------------------------------------------


def published(
    settings: Settings, sessions: Callable[[], Session], periods: Sequence[EnrolmentPeriod],
    goals: Sequence[GoalSpec], year: int, context: str, user: str | None,
) -> Results:  # fmt: skip
    """:func:`suppressed` on the home's data, the sets it shows remembered in the store; cached
    on disk by the loaded data, the enrolment periods, the goals and the year (the published
    figures only). :class:`~tvaers.core.errors.NoData` when nothing is loaded or the year has no
    data."""
    enrolled = plain(periods)
    with opened(settings) as analysis:

        def compute() -> cache.Document:
            return cache.document_of(publishing(
                sessions, context, user,
                lambda ledger: suppressed(analysis, enrolled, goals, year, ledger),
            ))  # fmt: skip

        parts = [
            year,
            sorted([p.id, p.unit, p.subject, str(p.enrolled_on), str(p.discharged_on)]
                   for p in enrolled),
            [[g.goal, g.name, list(g.statuses), g.target.count, g.target.share_e4]
             for g in goals],
        ]  # fmt: skip
        document = cache.cached(settings, analysis.loaded, RESULTS_KIND, parts, compute)
    return cache.record_of(Results, document)


def goal_attainment(
    settings: Settings, sessions: Callable[[], Session], solution_id: int, year: int,
    user: str | None = None,
) -> Results:  # fmt: skip
    """The published (suppressed) result goals and progression of a solution's citizens in a
    year, with the goals in force in the store: the one call for the demo (Furesø's figure II)
    and the monthly report. :class:`NoData` when nothing is loaded or the year has no data."""
    from tvaers.followup import goals as goal_store
    from tvaers.selection import decisions

    with sessions() as session:
        periods = plain(decisions.enrolments(session, solution_id))
        specs = [spec_of(r) for r in goal_store.current(session, solution_id, year)]
    if not periods:
        raise NoData("Løsningen har ingen indskrevne borgere.")
    return published(settings, sessions, periods, specs, year,
                     f"løsning {solution_id} resultater {year}", user)  # fmt: skip


def known_statuses(settings: Settings) -> set[str] | None:
    """The statuses of the loaded outcomes (``None`` when nothing is loaded: then any status is
    taken, as a goal may be laid before the data arrive)."""
    try:
        with opened(settings) as analysis:
            found = analysis.table("outcomes").select("status").distinct().to_pyarrow()
    except NoData:
        return None
    return {str(s) for s in found.column(0).to_pylist() if s} or None


def citizens_of(
    settings: Settings, periods: Sequence[EnrolmentPeriod], goals: Sequence[GoalSpec], year: int
) -> list[dict[str, Any]]:
    """:func:`citizen_rows` on the home's data (casework: the caller checks access and logs)."""
    enrolled = plain(periods)
    with opened(settings) as analysis:
        return citizen_rows(analysis, enrolled, goals, year)


def year_choice(settings: Settings, wanted: int | None) -> tuple[int, tuple[int, ...]] | None:
    """The year to show (``wanted`` when the data cover it, else the latest year with data:
    results are followed during the year) and the years the data cover; ``None`` when nothing
    is loaded."""
    try:
        with opened(settings) as analysis:
            span = analysis.span
    except NoData:
        return None
    return (wanted if wanted in span.years else span.last.year), span.years
