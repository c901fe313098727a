"""Use cases for solutions and reflection answers: the only place that writes them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tvaers.anchoring.model import SolutionData, changes, question
from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.store.models import ReflectionAnswer, Solution, SolutionVersion, utcnow
from tvaers.store.rows import newest_first


class NotFound(TvaersError):
    code = ErrorCode.NOT_FOUND


def create(session: Session, data: SolutionData, actor: str, *, example: bool = False) -> Solution:
    stored = data.stored()
    solution = Solution(name=data.name, version=1, data=stored, example=example)
    session.add(solution)
    session.flush()
    session.add(
        SolutionVersion(
            solution_id=solution.id,
            version=1,
            data=stored,
            changes=changes(None, stored),
            changed_by=actor,
        )
    )
    session.flush()
    return solution


def update(session: Session, solution_id: int, data: SolutionData, actor: str) -> Solution:
    """Save a new version when something changed; nothing happens when nothing did.

    A value marked as inferred stays marked while it is unchanged (the form does not carry the
    marks); a changed value is the user's own and loses the mark."""
    solution = get(session, solution_id)
    stored = _keep_inferred(solution.data, data).stored()
    diff = changes(solution.data, stored)
    if not diff:
        return solution
    solution.version += 1
    solution.data, solution.name, solution.updated_at = stored, data.name, utcnow()
    session.add(
        SolutionVersion(
            solution_id=solution.id,
            version=solution.version,
            data=stored,
            changes=diff,
            changed_by=actor,
        )
    )
    session.flush()
    return solution


def _keep_inferred(old: dict[str, Any], data: SolutionData) -> SolutionData:
    if data.inferred or not old.get("inferred"):
        return data
    new = data.stored()
    kept = [key for key in old["inferred"] if key in new and new[key] == old.get(key)]
    return data.model_copy(update={"inferred": kept})


def get(session: Session, solution_id: int) -> Solution:
    solution = session.get(Solution, solution_id)
    if solution is None:
        raise NotFound(f"Løsning nr. {solution_id} findes ikke")
    return solution


def find(session: Session, text: str) -> Solution:
    """The solution named by its number or its name (case does not matter)."""
    wanted = text.strip()
    found = session.get(Solution, int(wanted)) if wanted.isdigit() else None
    if found is None and wanted:
        query = select(Solution).where(func.lower(Solution.name) == wanted.lower())
        found = session.scalars(query.order_by(Solution.id)).first()
    if found is None:
        raise NotFound(
            f"Løsningen '{text}' findes ikke.",
            hint="Angiv løsningens nummer eller præcise navn (se: tvaers solution list).",
        )
    return found


def all_solutions(session: Session) -> list[Solution]:
    return list(session.scalars(select(Solution).order_by(Solution.name)))


def versions(session: Session, solution_id: int) -> list[SolutionVersion]:
    of_solution = SolutionVersion.solution_id == solution_id
    return newest_first(session, SolutionVersion, of_solution, SolutionVersion.version)


def answer(
    session: Session, solution_id: int, key: str, text: str, actor: str
) -> ReflectionAnswer | None:
    """Record an answer; a new version only when it differs from the current one."""
    get(session, solution_id)
    if question(key) is None:
        raise NotFound(f"Spørgsmålet '{key}' findes ikke")
    text = text.strip()
    if current_answers(session, solution_id).get(key, "") == text:
        return None
    entry = ReflectionAnswer(solution_id=solution_id, question=key, answer=text, answered_by=actor)
    session.add(entry)
    session.flush()
    return entry


def current_answers(session: Session, solution_id: int) -> dict[str, str]:
    newest = (
        select(ReflectionAnswer.question, func.max(ReflectionAnswer.id).label("id"))
        .where(ReflectionAnswer.solution_id == solution_id)
        .group_by(ReflectionAnswer.question)
        .subquery()
    )
    rows = session.execute(
        select(ReflectionAnswer.question, ReflectionAnswer.answer).join(
            newest, ReflectionAnswer.id == newest.c.id
        )
    )
    return {key: text for key, text in rows}


def answer_history(session: Session, solution_id: int) -> list[ReflectionAnswer]:
    of_solution = ReflectionAnswer.solution_id == solution_id
    return newest_first(session, ReflectionAnswer, of_solution, ReflectionAnswer.id)


def as_data(solution: Solution) -> SolutionData:
    return SolutionData.model_validate(solution.data)


def field_values(solution: Solution) -> dict[str, Any]:
    return dict(solution.data)
