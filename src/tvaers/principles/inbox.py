"""What each role looks at (read only): grants by solution and status, the approvals waiting
for an actor, what has been committed on an area's budget per month, and a grant's history.

Person-level lists (grants name a citizen or family) are for the casework purpose: the caller
checks and logs them through :mod:`tvaers.access`; the monthly sums are aggregates the caller
suppresses when shown under the statistical purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.principles.grant_decisions import actor_area, may_decide, pending
from tvaers.principles.model import GrantStatus
from tvaers.store.models import Solution
from tvaers.store.models_principles import Grant, GrantCommitment, GrantDecision


def grants(
    session: Session,
    solution_id: int | None = None,
    status: str | GrantStatus | None = None,
    area: str | None = None,
) -> list[Grant]:
    """Grants, newest first; ``area``: those with a commitment or a proposal on the area."""
    query = select(Grant).order_by(Grant.id.desc())
    if solution_id is not None:
        query = query.where(Grant.solution_id == solution_id)
    if status:
        query = query.where(Grant.status == str(status))
    found = list(session.scalars(query))
    if area is not None:
        found = [g for g in found if area in {a for a, _ in g.shares}]
    return found


def waiting_for(session: Session, actor: Actor) -> list[tuple[Grant, list[str]]]:
    """Proposed grants with a requirement the actor may decide (never their own), each with
    the requirements' keys the actor can decide."""
    area = actor_area(session, actor)
    found = []
    for grant in grants(session, status=GrantStatus.PROPOSED):  # the open proposals
        if grant.proposed_by == actor.username:
            continue
        mine = [r["key"] for r in pending(session, grant) if may_decide(actor, area, r)]
        if mine:
            found.append((grant, mine))
    return found


@dataclass(frozen=True)
class CommittedMonth:
    month: date
    solution_id: int
    solution: str
    sector_area: str
    amount_ore: int
    grants: int
    subjects: int  # citizens or families behind the amount


def committed(
    session: Session,
    area: str | None = None,
    solution_id: int | None = None,
    first: date | None = None,
) -> list[CommittedMonth]:
    """Approved grants' commitments per month, solution and paying area (ended grants keep the
    months they covered)."""
    query = (
        select(
            GrantCommitment.month,
            Grant.solution_id,
            Solution.name,
            GrantCommitment.sector_area,
            func.sum(GrantCommitment.amount_ore),
            func.count(func.distinct(Grant.id)),
            func.count(func.distinct(Grant.subject)),
        )
        .join(Grant, Grant.id == GrantCommitment.grant_id)
        .join(Solution, Solution.id == Grant.solution_id)
        .group_by(
            GrantCommitment.month, Grant.solution_id, Solution.name, GrantCommitment.sector_area
        )
        .order_by(GrantCommitment.month, Solution.name, GrantCommitment.sector_area)
    )
    if area is not None:
        query = query.where(GrantCommitment.sector_area == area)
    if solution_id is not None:
        query = query.where(Grant.solution_id == solution_id)
    if first is not None:
        query = query.where(GrantCommitment.month >= first)
    return [CommittedMonth(*row) for row in session.execute(query).all() if row[4] != 0]


def history(session: Session, grant_id: int) -> list[GrantDecision]:
    query = select(GrantDecision).where(GrantDecision.grant_id == grant_id)
    return list(session.scalars(query.order_by(GrantDecision.id)))


def over_ceiling(session: Session, area: str) -> list[Grant]:
    """Grants paid (in part) by the area that needed its chief's approval: above the agreed
    ceiling."""
    return [
        g for g in grants(session, area=area) if any(r.get("area") == area for r in g.requirements)
    ]
