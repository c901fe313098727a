"""A grant's decisions after its proposal (:mod:`tvaers.principles.grants`): approval or
rejection of one requirement at a time, withdrawal, end — and the commitments an approved grant
becomes. The rules (four eyes, final decisions, one decision when two decide at once, every step
person-level and audited) are described in :mod:`tvaers.principles.grants`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.core.access import GRANT_PROPOSERS, Role
from tvaers.core.errors import ErrorCode
from tvaers.core.money import from_ore, to_ore
from tvaers.core.periods import danish_date, local_time
from tvaers.principles.model import (
    NEXT,
    STATUS_LABELS,
    GrantStatus,
    PrinciplesError,
    monthly_amounts,
    shares_of,
    split,
)
from tvaers.principles.service import checked_text
from tvaers.store.models import User
from tvaers.store.models_principles import Grant, GrantCommitment, GrantDecision


class GrantConflict(PrinciplesError):
    """Someone else decided the same thing first; nothing of this decision was saved."""

    code = ErrorCode.DECIDED_ELSEWHERE


def decision(
    session: Session,
    grant: Grant,
    kind: str,
    requirement: str | None,
    actor: Actor,
    reason: str | None,
) -> None:
    try:
        with session.begin_nested():
            session.add(
                GrantDecision(
                    grant_id=grant.id,
                    kind=kind,
                    requirement=requirement,
                    decided_by=actor.username,
                    role=actor.role.value,
                    reason=(reason or "").strip() or None,
                )
            )
    except IntegrityError:
        raise GrantConflict(_already(session, grant.id, requirement)) from None


def _already(session: Session, grant_id: int, requirement: str | None) -> str:
    found = session.scalars(
        select(GrantDecision)
        .where(GrantDecision.grant_id == grant_id, GrantDecision.requirement == requirement)
        .order_by(GrantDecision.id)
    ).first()
    if found is None:
        return "Bevillingen er netop blevet afgjort af en anden; intet er ændret. Se den igen."
    word = {"approval": "godkendt", "rejection": "afslået"}.get(found.kind, "afgjort")
    when = local_time(found.decided_at)
    return (
        f"Bevillingen er allerede {word} af {found.decided_by} {danish_date(when.date())} kl. "
        f"{when:%H.%M}; din afgørelse er ikke gemt. Se bevillingen igen."
    )


def audit(
    session: Session, actor: Actor, grant: Grant, action: str, extra: dict[str, Any] | None = None
) -> None:
    citizen = grant.subject if grant.unit == "citizen" else None
    detail = {
        "grant_id": grant.id,
        "status": grant.status,
        "unit": grant.unit,
        "intervention": grant.intervention,
        **(extra or {}),
    }
    if grant.unit == "family":
        detail["family"] = grant.subject
    access.solution(session, actor, grant.solution_id, action, citizen=citizen, detail=detail)


def locked(session: Session, grant_id: int) -> Grant:
    """The grant, its row locked for a decision and read afresh."""
    found = session.scalars(
        select(Grant)
        .where(Grant.id == grant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise PrinciplesError(f"Bevilling nr. {grant_id} findes ikke.")
    return found


def pending(session: Session, grant: Grant) -> list[dict[str, Any]]:
    """The grant's requirements not yet decided."""
    decided = set(
        session.scalars(
            select(GrantDecision.requirement).where(
                GrantDecision.grant_id == grant.id, GrantDecision.requirement.is_not(None)
            )
        )
    )
    return [r for r in grant.requirements if r["key"] not in decided]


def may_decide(actor: Actor, area: str | None, requirement: dict[str, Any]) -> bool:
    """Whether the actor's role (and, for a paying area's approval, their area) fits."""
    if actor.role.value not in requirement["roles"]:
        return False
    return requirement.get("area") is None or requirement["area"] == area


def actor_area(session: Session, actor: Actor) -> str | None:
    user = session.get(User, actor.user_id)
    return user.sector_area if user else None


def decide(
    session: Session,
    actor: Actor,
    grant_id: int,
    approve: bool,
    reason: str = "",
    requirement: str | None = None,
) -> Grant:
    """Approve or reject the grant for its pending requirements that the actor may decide —
    all of them at once (a paying area's chief who may also decide at the routed level gives
    one decision for both), or the one ``requirement`` names. A rejection ends the grant as
    rejected; the last approval makes it approved and writes its commitments."""
    grant = locked(session, grant_id)
    access.solution_gate(session, actor, grant.solution_id)
    if grant.status != GrantStatus.PROPOSED:
        raise GrantConflict(_status_text(session, grant))
    if grant.proposed_by == actor.username:
        raise PrinciplesError(
            "Du har selv indstillet bevillingen og kan ikke afgøre den (fire øjne)."
        )
    reason = checked_text(reason, "Begrundelsen")
    if not approve and not reason:
        raise PrinciplesError("Skriv begrundelsen for afslaget.")
    area = actor_area(session, actor)
    open_ = pending(session, grant)
    mine = [
        r
        for r in open_
        if may_decide(actor, area, r) and (requirement is None or r["key"] == requirement)
    ]
    if not mine:
        decided = {r["key"] for r in grant.requirements} - {r["key"] for r in open_}
        if requirement in decided:  # decided by someone else just before
            raise GrantConflict(_already(session, grant.id, requirement))
        raise PrinciplesError(_cannot_text(grant, open_, requirement))
    seen = grant.row_version
    for chosen in mine:  # the grant's requirements: one or two
        kind = "approval" if approve else "rejection"
        decision(session, grant, kind, chosen["key"], actor, reason)
    keys = [r["key"] for r in mine]
    rest = [r for r in open_ if r["key"] not in keys]
    status = (
        GrantStatus.REJECTED
        if not approve
        else GrantStatus.APPROVED
        if not rest
        else GrantStatus.PROPOSED
    )
    _advance(session, grant, seen, status, reason if not approve else None)
    if status is GrantStatus.APPROVED:
        _write_commitments(session, grant)
    action = "bevilling_godkendt" if approve else "bevilling_afslaaet"
    for key in keys:  # one audit entry per decision recorded
        audit(session, actor, grant, action, {"requirement": key, "reason": reason})
    return grant


def _advance(
    session: Session, grant: Grant, seen: int, status: GrantStatus, reason: str | None
) -> None:
    """Move the grant on, if nobody else did since it was read (``row_version``)."""
    values: dict[str, Any] = {"row_version": seen + 1, "status": status.value}
    if status is not GrantStatus.PROPOSED:
        values.update(decided_at=func.now(), status_reason=reason)
    done = session.execute(
        update(Grant)
        .where(Grant.id == grant.id, Grant.row_version == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise GrantConflict(_already(session, grant.id, None))
    session.refresh(grant)


def _status_text(session: Session, grant: Grant) -> str:
    last = session.scalars(
        select(GrantDecision)
        .where(GrantDecision.grant_id == grant.id)
        .order_by(GrantDecision.id.desc())
    ).first()
    who = f" af {last.decided_by}" if last else ""
    return (
        f"Bevillingen er allerede {STATUS_LABELS[GrantStatus(grant.status)].lower()}{who} og "
        "kan ikke afgøres igen; din afgørelse er ikke gemt. En ændring er en ny bevilling."
    )


def _cannot_text(grant: Grant, open_: list[dict[str, Any]], requirement: str | None) -> str:
    if requirement is not None and requirement not in {r["key"] for r in grant.requirements}:
        return f"Bevillingen har intet krav «{requirement}»."
    if requirement is not None and requirement not in {r["key"] for r in open_}:
        return "Det krav er allerede afgjort."
    waiting = "; ".join(r["label"] for r in open_) or "ingen"
    return f"Du kan ikke afgøre denne bevilling. Den venter på: {waiting}."


def approve_by_rule(session: Session, grant: Grant, actor: Actor, reason: str) -> None:
    decision(session, grant, "approval", "rule:increase", actor, reason)
    _advance(session, grant, grant.row_version, GrantStatus.APPROVED, None)
    _write_commitments(session, grant)
    audit(session, actor, grant, "bevilling_godkendt",
          {"requirement": "rule:increase", "reason": reason})  # fmt: skip


def commitment_parts(grant: Grant, end: date | None = None) -> dict[tuple[date, str], int]:
    """The grant's monthly amounts to ``end`` (default: its expected end), split on its paying
    areas: ``(month's first day, area) -> øre``."""
    shares = shares_of([(a, t) for a, t in grant.shares])
    stop = end if end is not None else grant.end_date
    if stop < grant.start_date:
        return {}
    found: dict[tuple[date, str], int] = {}
    for month, amount in monthly_amounts(grant.start_date, stop, from_ore(grant.monthly_ore)):
        for part in split(amount, shares):  # one grant's months × its paying areas
            found[(month.first_day, part.sector_area)] = to_ore(part.amount)
    return found


def _write_commitments(
    session: Session, grant: Grant, parts: dict[tuple[date, str], int] | None = None
) -> None:
    texts = dict((a, t) for a, t in grant.shares)
    for (month, area), ore in sorted((commitment_parts(grant) if parts is None else parts).items()):
        session.add(
            GrantCommitment(
                grant_id=grant.id,
                month=month,
                sector_area=area,
                amount_ore=ore,
                share=texts.get(area, "100%"),
                key_version_id=grant.key_version_id,
            )
        )
    session.flush()


def withdraw(session: Session, actor: Actor, grant_id: int, reason: str) -> Grant:
    """The proposer (or a solution leader) takes back a grant not yet decided."""
    grant = locked(session, grant_id)
    access.solution_gate(session, actor, grant.solution_id)
    reason = checked_text(reason, "Begrundelsen")
    if actor.username != grant.proposed_by and actor.role is not Role.SOLUTION_LEADER:
        raise PrinciplesError(
            "Kun den, der indstillede, eller løsningens leder kan trække bevillingen tilbage."
        )
    _check_next(session, grant, GrantStatus.WITHDRAWN)
    seen = grant.row_version
    decision(session, grant, "withdrawal", None, actor, reason)
    _advance(session, grant, seen, GrantStatus.WITHDRAWN, reason)
    audit(session, actor, grant, "bevilling_trukket_tilbage", {"reason": reason})
    return grant


def end(session: Session, actor: Actor, grant_id: int, ended_on: date, reason: str) -> Grant:
    """End an approved grant on ``ended_on``; the months it no longer covers are taken out of
    its commitments by new, negative records (the old ones stay)."""
    grant = locked(session, grant_id)
    access.require_role(actor, GRANT_PROPOSERS, "At afslutte en bevilling")
    access.solution_gate(session, actor, grant.solution_id)
    _check_next(session, grant, GrantStatus.ENDED)
    if ended_on > grant.end_date:
        raise PrinciplesError(
            "En bevilling kan ikke afsluttes efter sin slutdato; en forlængelse er en ny bevilling."
        )
    reason = checked_text(reason, "Begrundelsen")
    if not reason:
        raise PrinciplesError("Skriv hvorfor bevillingen afsluttes.")
    seen = grant.row_version
    before, after = commitment_parts(grant), commitment_parts(grant, ended_on)
    change = {k: after.get(k, 0) - v for k, v in before.items() if after.get(k, 0) != v}
    decision(session, grant, "end", None, actor, reason)
    _advance(session, grant, seen, GrantStatus.ENDED, reason)
    session.execute(update(Grant).where(Grant.id == grant.id).values(ended_on=ended_on))
    session.refresh(grant)
    _write_commitments(session, grant, change)
    audit(
        session, actor, grant, "bevilling_afsluttet", {"ended_on": str(ended_on), "reason": reason}
    )
    return grant


def _check_next(session: Session, grant: Grant, status: GrantStatus) -> None:
    if status not in NEXT[GrantStatus(grant.status)]:
        raise GrantConflict(_status_text(session, grant))


def money(ore: int | None) -> Decimal | None:
    return None if ore is None else from_ore(ore)
