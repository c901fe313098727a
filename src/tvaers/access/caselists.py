"""A person-level list drawn from many citizens' cases (the overdue follow-ups), gated citizen by
citizen: the casework role and purpose for the list, and for each citizen listed a recorded basis
in force — the citizen's own (consent, legal basis, overriding interest) or, for a case of a
solution's grant, the solution's selection basis. Citizens without one are left out of the list
(only their number is told); a list whose every citizen lacks one is refused.

The bases are the store's few rows, read once (:func:`listing_bases`) so that the list can be
drawn set-based in the engine; :func:`log_listing` then writes one entry for the list and one per
citizen shown, with the basis that made it lawful, so each citizen's access extract lists it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tvaers.access.actors import Actor
from tvaers.access.gates import LISTED, basis_text, record, require_casework
from tvaers.core.access import BASIS_RECORDERS
from tvaers.core.errors import AccessRefused
from tvaers.core.periods import today
from tvaers.store import audit
from tvaers.store.models import LegalBasis, SelectionBasis


def listing_bases(
    session: Session, actor: Actor, on: date | None = None
) -> tuple[dict[str, str], dict[int, str]]:
    """After the casework check: the citizens with a basis in force on the day (today by
    default) and the solutions with a selection basis in force, each with its basis as the
    audit log shows it (the newest, when there are several)."""
    require_casework(actor)
    day = on or today()
    citizens: dict[str, str] = {}
    for basis in session.scalars(_in_force(LegalBasis, day).order_by(LegalBasis.id)):
        citizens[basis.citizen] = basis_text(basis)
    solutions: dict[int, str] = {}
    for found in session.scalars(_in_force(SelectionBasis, day).order_by(SelectionBasis.id)):
        solutions[found.solution_id] = basis_text(found)
    return citizens, solutions


def _in_force(model: type[LegalBasis] | type[SelectionBasis], day: date) -> Any:
    return select(model).where(
        model.withdrawn_at.is_(None),
        model.valid_from <= day,
        or_(model.valid_to.is_(None), model.valid_to >= day),
    )


def log_listing(
    session: Session,
    actor: Actor,
    action: str,
    shown: Mapping[str, str],
    withheld: Collection[str],
    detail: dict[str, Any],
    *,
    refuse_empty: bool = True,
) -> None:
    """Log a list that shows the citizens of ``shown`` (citizen -> basis text) — one entry for
    the list, one per citizen — or (``refuse_empty``) refuse it when citizens were asked for
    (``withheld``: those without a basis) and none of them may be shown. Nothing is logged when
    refused."""
    if withheld and not shown and refuse_empty:
        raise AccessRefused(
            f"Der er ikke registreret et gyldigt grundlag (samtykke, hjemmel eller væsentlig "
            f"interesse) for nogen af de {len(set(withheld))} borgere, listen omfatter.",
            hint="Registrér grundlaget for den enkelte borger, eller løsningens grundlag for "
            "udvælgelse, før sagerne kan vises.",
            reason="basis",
            may_record_basis=actor.role in BASIS_RECORDERS,
        )
    full = {**detail, "shown": len(shown), "withheld": len(set(withheld))}
    record(session, actor, action, detail=full)
    by_basis: dict[str, list[str]] = {}
    for citizen, text in shown.items():  # the listed citizens, not the population
        by_basis.setdefault(text, []).append(citizen)
    for text, citizens in by_basis.items():
        audit.record_listed(
            session, actor.username, LISTED, citizens, purpose=actor.purpose.value, basis=text,
            detail={"list": action, **detail},
        )  # fmt: skip
