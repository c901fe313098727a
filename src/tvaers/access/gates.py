"""The one way to person-level data: check who, which purpose and which recorded basis, and write
the audit entry in the same call. Used by the web pages and the command line alike.

Every gate either raises :class:`~tvaers.core.errors.AccessRefused` (nothing is logged as shown;
the message says why in Danish) or writes exactly one audit entry naming the real user and
returns the basis that made the access lawful (DOMAIN.md §3.7). A list of people also writes one
entry per listed citizen (``paa_kandidatliste``), so each citizen's access extract shows it.

The rules, as in the README's matrix:

* a citizen (``person``): a role in ``CASEWORK_ROLES``, the casework purpose, and a basis in
  force for that citizen (``basis_id`` names one of them, else the newest);
* a family (``family``): the same, with a basis for at least one member;
* a solution's people (``solution``: candidates, the enrolled, their draw): the same role and
  purpose, and a selection basis in force for the solution;
* pseudonymised microdata of the whole population (``microdata``: ``tvaers draw --by citizen``
  for everybody, unsuppressed coverage): a role in ``MICRODATA_ROLES`` under the statistical
  purpose — pseudonyms only, never a CPR number or a name, one entry per extract with its size.
  Under the casework purpose a whole population is refused: no basis covers everybody.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, TypeVar, Unpack

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from tvaers.access.actors import Actor
from tvaers.core.access import (
    BASIS_KINDS,
    BASIS_RECORDERS,
    CASEWORK_ROLES,
    MICRODATA_ROLES,
    ROLE_LABELS,
    Role,
)
from tvaers.core.errors import AccessRefused
from tvaers.core.periods import today
from tvaers.store import audit
from tvaers.store.models import LegalBasis, RecordedBasis, SelectionBasis

LISTED = "paa_kandidatliste"
IN_FAMILY = "vist_i_familie"  # a member shown in a family view opened on another member's basis
AnyBasis = TypeVar("AnyBasis", LegalBasis, SelectionBasis)


# --- checks without logging -------------------------------------------------------------------


def require_role(actor: Actor, roles: Collection[Role], what: str) -> None:
    """Refuse unless the actor's role is one of ``roles``; ``what`` names the action."""
    if actor.role not in roles:
        allowed = ", ".join(ROLE_LABELS[r] for r in Role if r in roles)
        raise AccessRefused(
            f"{what} kræver en af rollerne: {allowed}. Din rolle er {ROLE_LABELS[actor.role]}.",
            reason="role",
        )


def require_casework(actor: Actor, solution_id: int | None = None) -> None:
    """Refuse unless the role allows casework and the casework purpose is chosen
    (``solution_id``: the solution whose people were asked for, for the refusal page)."""
    if actor.role not in CASEWORK_ROLES:
        raise AccessRefused(
            "Din rolle giver ikke adgang til oplysninger om enkelte borgere.",
            reason="role",
            solution_id=solution_id,
        )
    if not actor.casework:
        raise AccessRefused(
            "Oplysninger om enkelte borgere kræver sagsbehandlingsformål. Data brugt til "
            "statistik må aldrig bruges i sagsbehandling.",
            reason="purpose",
            solution_id=solution_id,
        )


def citizen_basis(
    session: Session, citizen: str, on: date | None = None, *, basis_id: int | None = None
) -> LegalBasis | None:
    """The newest basis for the citizen in force on the day (today by default); with
    ``basis_id``, that basis if it is one of them."""
    return _in_force(session, LegalBasis, LegalBasis.citizen == citizen, on, basis_id)


def selection_basis(
    session: Session, solution_id: int, on: date | None = None, *, basis_id: int | None = None
) -> SelectionBasis | None:
    """The newest basis for selecting people to the solution that is in force on the day;
    with ``basis_id``, that basis if it is one of them."""
    owner = SelectionBasis.solution_id == solution_id
    return _in_force(session, SelectionBasis, owner, on, basis_id)


def _in_force(
    session: Session,
    model: type[AnyBasis],
    owner: ColumnElement[bool],
    on: date | None,
    basis_id: int | None,
) -> AnyBasis | None:
    """The newest basis of ``model`` for ``owner`` (a citizen, a solution) that is in force on
    the day (today by default): not withdrawn, and the day within its validity. With
    ``basis_id`` only that basis is considered."""
    day = on or today()
    query = select(model).where(
        owner,
        model.withdrawn_at.is_(None),
        model.valid_from <= day,
        or_(model.valid_to.is_(None), model.valid_to >= day),
    )
    if basis_id is not None:
        query = query.where(model.id == basis_id)
    return session.scalars(query.order_by(model.id.desc())).first()


def basis_text(basis: RecordedBasis) -> str:
    """The basis as the audit log and the pages show it: 'Samtykke: j.nr. …'."""
    return f"{BASIS_KINDS.get(basis.kind, basis.kind)}: {basis.reference}"


def citizen_gate(
    session: Session, actor: Actor, citizen: str, basis_id: int | None = None
) -> LegalBasis:
    """The basis that allows the actor to see the citizen, or :class:`AccessRefused`."""
    require_casework(actor)
    basis = citizen_basis(session, citizen, basis_id=basis_id)
    if basis is None and basis_id is not None:
        raise AccessRefused(
            f"Grundlag nr. {basis_id} er ikke et gældende grundlag for denne borger.",
            hint="Se borgerens grundlag med: tvaers basis list --citizen …",
            reason="basis",
        )
    if basis is None:
        raise AccessRefused(
            "Der er ikke registreret et gyldigt grundlag (samtykke, hjemmel eller væsentlig "
            "interesse) for at se denne borger.",
            reason="basis",
            may_record_basis=actor.role in BASIS_RECORDERS,
        )
    return basis


def in_force(basis: RecordedBasis, on: date | None = None) -> bool:
    day = on or today()
    return (
        basis.withdrawn_at is None
        and basis.valid_from <= day
        and (basis.valid_to is None or basis.valid_to >= day)
    )


def solution_gate(
    session: Session, actor: Actor, solution_id: int, basis_id: int | None = None
) -> SelectionBasis:
    """The selection basis that allows the actor to see the solution's people (candidates,
    the enrolled) and to decide on them, or :class:`AccessRefused`."""
    require_casework(actor, solution_id)
    basis = selection_basis(session, solution_id, basis_id=basis_id)
    if basis is None and basis_id is not None:
        raise AccessRefused(
            f"Grundlag nr. {basis_id} er ikke et gældende grundlag for udvælgelse til "
            "denne løsning.",
            hint="Se løsningens grundlag med: tvaers basis list --solution …",
            reason="basis",
            solution_id=solution_id,
        )
    if basis is None:
        raise AccessRefused(
            "Der er ikke registreret et gældende grundlag for at udvælge kandidater til "
            "løsningen. Intet er vist, og intet er logget som visning.",
            reason="basis",
            solution_id=solution_id,
            may_record_basis=actor.role in BASIS_RECORDERS,
        )
    return basis


# --- checks that log --------------------------------------------------------------------------


def person(
    session: Session,
    actor: Actor,
    citizen: str,
    action: str,
    detail: dict[str, Any] | None = None,
    basis_id: int | None = None,
) -> LegalBasis:
    """Allow and log one person-level access to a citizen, or refuse it with the reason."""
    basis = citizen_gate(session, actor, citizen, basis_id)
    record(session, actor, action, citizen=citizen, basis=basis_text(basis), detail=detail)
    return basis


def family(
    session: Session,
    actor: Actor,
    members: Sequence[str],
    action: str,
    detail: dict[str, Any] | None = None,
) -> tuple[LegalBasis, str]:
    """Allow and log access to a family: a basis for at least one member. The entry for the view
    names that member; every other member shown gets an entry of their own
    (``vist_i_familie``), so each member's access extract lists the view. Returns the basis and
    the member it was recorded for."""
    require_casework(actor)
    holder = next((m for m in members if citizen_basis(session, m)), None)
    basis = person(session, actor, holder or (members[0] if members else ""), action, detail)
    audit.record_listed(
        session, actor.username, IN_FAMILY, [m for m in members if m != holder],
        purpose=actor.purpose.value, basis=basis_text(basis),
        detail={"view": action, **(detail or {})},
    )  # fmt: skip
    return basis, holder or members[0]


def solution(
    session: Session,
    actor: Actor,
    solution_id: int,
    action: str,
    *,
    citizen: str | None = None,
    listed: Sequence[str] = (),
    detail: dict[str, Any] | None = None,
    basis_id: int | None = None,
) -> SelectionBasis:
    """Allow and log a person-level view of a solution's people — one entry (naming
    ``citizen`` when one citizen is shown), plus one per ``listed`` citizen — or refuse it."""
    basis = solution_gate(session, actor, solution_id, basis_id)
    text = basis_text(basis)
    full = {**(detail or {}), "solution_id": solution_id, "selection_basis_id": basis.id}
    record(session, actor, action, citizen=citizen, basis=text, detail=full)
    audit.record_listed(
        session, actor.username, LISTED, listed, purpose=actor.purpose.value, basis=text,
        detail={"list": action, **full},
    )  # fmt: skip
    return basis


def microdata(session: Session, actor: Actor, action: str, detail: dict[str, Any]) -> None:
    """Allow and log an extract of pseudonymised person-level rows for the whole population
    (statistics), or refuse it (:func:`microdata_gate`)."""
    microdata_gate(actor)
    record(session, actor, action, detail={**detail, "mikrodata": True})


def microdata_gate(actor: Actor) -> None:
    """Refuse pseudonymised person-level rows for the whole population unless the role may
    have microdata and works under the statistical purpose. Under the casework purpose they
    are refused: no basis covers everybody; a caseworker gets a solution's people instead."""
    if actor.casework:
        raise AccessRefused(
            "Rækker pr. person for hele kommunen gives ikke under sagsbehandlingsformål: intet "
            "grundlag dækker alle borgere.",
            hint="Angiv --solution for en løsnings indskrevne (kræver løsningens grundlag), "
            "eller udelad --by for den samlede, anonyme opgørelse.",
            reason="basis",
        )
    if actor.role not in MICRODATA_ROLES:
        allowed = " og ".join(ROLE_LABELS[r].lower() for r in Role if r in MICRODATA_ROLES)
        raise AccessRefused(
            "Pseudonymiserede rækker pr. person (mikrodata til statistik) kan kun udtrækkes af "
            f"{allowed}.",
            hint="Udelad --by for den samlede, anonyme opgørelse, hvor små celler er skjult.",
            reason="role",
        )


def record(
    session: Session, actor: Actor, action: str, **fields: Unpack[audit.EntryFields]
) -> None:
    """An audit entry for something the actor did (a decision, a record, a refusal to log):
    the user's real name in the store and the purpose they worked under."""
    audit.record(session, actor.username, action, purpose=actor.purpose.value, **fields)
