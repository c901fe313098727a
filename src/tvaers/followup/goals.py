"""A solution's result goals per year (Furesø: 15 % in job or education, 50 in internship, 15 in
job or education), kept as versions in the store (``result_goals``): set by
``SOLUTION_EDITORS``, a change is a new version of (solution, year, goal), the newest in force,
each change one audit entry naming the real user. The figures against them are
:mod:`tvaers.followup.results`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget.budgets import checked_note
from tvaers.budget.versions import add_version, newest_per, next_version
from tvaers.core.access import SOLUTION_EDITORS
from tvaers.followup.results_model import (
    MAX_NAME,
    PRESETS,
    GoalError,
    Target,
    parse_goal_code,
    parse_statuses,
    parse_target,
)
from tvaers.store.models_followup import ResultGoal

ACTION = "resultatmaal_sat"
FIRST_YEAR, LAST_YEAR = 1990, 2100


def target_of(row: ResultGoal) -> Target:
    return Target(count=row.target_count, share_e4=row.target_share_e4)


def parse_year(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise GoalError(
            f"Året «{text[:20]}» er ikke et år.",
            hint=f"Skriv et år mellem {FIRST_YEAR} og {LAST_YEAR}.",
        )
    return int(text)


def current(session: Session, solution_id: int, year: int) -> list[ResultGoal]:
    """The goals in force for the solution and year (the newest version of each), by code."""
    rows = newest_per(session, ResultGoal, ("solution_id", "year", "goal"),
                      ResultGoal.solution_id == solution_id, ResultGoal.year == year)  # fmt: skip
    return sorted(rows, key=lambda r: r.goal)


def versions(session: Session, solution_id: int, year: int) -> list[ResultGoal]:
    """Every version of the solution's goals for the year (newest first per goal)."""
    query = select(ResultGoal).where(ResultGoal.solution_id == solution_id,
                                     ResultGoal.year == year)  # fmt: skip
    return list(session.scalars(query.order_by(ResultGoal.goal, ResultGoal.version.desc())))


def years(session: Session, solution_id: int) -> list[int]:
    query = select(ResultGoal.year).where(ResultGoal.solution_id == solution_id).distinct()
    return sorted(session.scalars(query))


@dataclass(frozen=True)
class Saved:
    row: ResultGoal
    changed: bool  # False: the same as the version in force, nothing saved


def set_goal(
    session: Session,
    actor: Actor,
    solution_id: int,
    year: int | str,
    goal: str,
    name: str,
    statuses: str | list[str] | tuple[str, ...],
    count: str | int | None = None,
    share: str | None = None,
    note: str | None = None,
    known: set[str] | None = None,
) -> Saved:
    """Set a goal of the solution for the year (a new version; the same goal as in force saves
    nothing). ``known``: the statuses of the loaded outcomes (None: any)."""
    access.require_role(actor, SOLUTION_EDITORS, "At sætte resultatmål")
    year_, code = parse_year(year), parse_goal_code(goal)
    title = checked_note(name, "Målets navn", MAX_NAME)  # shown to analysts: no CPR number
    if not title:
        raise GoalError(f"Angiv målets navn (højst {MAX_NAME} tegn).",
                        hint="Fx «50 i praktik».")  # fmt: skip
    wanted, target = parse_statuses(statuses, known), parse_target(count, share)
    remark = checked_note(note, "Bemærkningen")
    before = next((r for r in current(session, solution_id, year_) if r.goal == code), None)
    same = before is not None and (before.name, tuple(before.statuses), target_of(before)) == (
        title, wanted, target)  # fmt: skip
    if before is not None and same:
        return Saved(before, False)
    row = ResultGoal(
        solution_id=solution_id, year=year_, goal=code, name=title, statuses=list(wanted),
        target_count=target.count, target_share_e4=target.share_e4,
        version=next_version(session, ResultGoal, solution_id=solution_id, year=year_, goal=code),
        changed_by=actor.username, note=remark,
    )  # fmt: skip
    add_version(session, row, f"resultatmålet «{title}»")
    access.record(session, actor, ACTION, detail={
        "solution_id": solution_id, "year": year_, "goal": code, "version": row.version,
        "statuses": list(wanted), "target_count": target.count,
        "target_share_e4": target.share_e4,
    })  # fmt: skip
    return Saved(row, True)


def set_presets(session: Session, actor: Actor, solution_id: int, year: int | str) -> list[Saved]:
    """Furesø's goals (:data:`PRESETS`) for the solution and year."""
    return [
        set_goal(session, actor, solution_id, year, p.goal, p.name, p.statuses,
                 p.target.count, None if p.target.share is None else str(p.target.share),
                 "Furesøs mål (VIVE 2018, figur II)")
        for p in PRESETS
    ]  # fmt: skip
