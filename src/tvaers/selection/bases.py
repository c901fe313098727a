"""The selection basis: the recorded basis (consent, legal basis or overriding interest) for
screening candidates for one solution (DOMAIN.md §3.7). Recorded and withdrawn here (logged);
looked up and checked by :mod:`tvaers.access`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tvaers import access
from tvaers.core.access import BASIS_KINDS, Purpose
from tvaers.core.errors import CaseworkRefused, ErrorCode, NotFound
from tvaers.selection.inputs import (
    actor_name,
    choices,
    free_text,
    solution_row,
)
from tvaers.store import audit
from tvaers.store.models import SelectionBasis, utcnow
from tvaers.store.rows import newest_first

BASIS_RECORDED = "udvaelgelsesgrundlag_registreret"
BASIS_WITHDRAWN = "udvaelgelsesgrundlag_tilbagekaldt"


# --- the basis for selection to a solution ---------------------------------------------------


def record_selection_basis(
    session: Session,
    solution_id: int,
    kind: str,
    reference: str,
    valid_from: date,
    actor: str,
    valid_to: date | None = None,
) -> SelectionBasis:
    """Record the basis for screening candidates for one solution (logged)."""
    solution_row(session, solution_id)
    actor = actor_name(actor)
    if kind not in BASIS_KINDS:
        raise CaseworkRefused(
            f"Ukendt type grundlag '{kind}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug en af: " + choices(BASIS_KINDS) + ".",
        )
    reference = free_text(reference, "Beskrivelsen af grundlaget") or ""
    if not reference:
        raise CaseworkRefused(
            "Beskriv grundlaget (fx 'Retssikkerhedslovens § 11 c' eller løsningens "
            "samtykkeproces med dato og journalnummer).",
            code=ErrorCode.VALUE_REQUIRED,
        )
    if valid_from is None:
        raise CaseworkRefused(
            "Angiv, fra hvilken dato grundlaget gælder.", code=ErrorCode.VALUE_REQUIRED
        )
    access.check_basis_period(valid_from, valid_to, CaseworkRefused)
    basis = SelectionBasis(
        solution_id=solution_id,
        kind=kind,
        reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=actor,
    )
    session.add(basis)
    session.flush()
    _audit(session, actor, BASIS_RECORDED, basis)
    return basis


def active_selection_basis(
    session: Session, solution_id: int, on: date | None = None
) -> SelectionBasis | None:
    """The newest basis for the solution in force on the day (today by default)."""
    return access.selection_basis(session, solution_id, on)


def selection_bases(session: Session, solution_id: int) -> list[SelectionBasis]:
    """Every basis recorded for the solution, newest first (withdrawn ones too)."""
    owner = SelectionBasis.solution_id == solution_id
    return newest_first(session, SelectionBasis, owner, SelectionBasis.id)


def withdraw_selection_basis(session: Session, basis_id: int, actor: str) -> SelectionBasis:
    """Withdraw a basis (logged); withdrawing it again changes nothing."""
    actor = actor_name(actor)
    basis = session.get(SelectionBasis, basis_id)
    if basis is None:
        raise NotFound(f"Grundlag nr. {basis_id} findes ikke.")
    if basis.withdrawn_at is not None:
        return basis
    basis.withdrawn_at = utcnow()
    session.flush()
    _audit(session, actor, BASIS_WITHDRAWN, basis)
    return basis


def _audit(session: Session, actor: str, action: str, basis: SelectionBasis) -> None:
    """The audit entry for recording or withdrawing a basis (casework purpose)."""
    detail = {"solution_id": basis.solution_id, "selection_basis_id": basis.id}
    audit.record(
        session, actor, action, purpose=Purpose.CASEWORK.value, basis=basis_text(basis),
        detail=detail,
    )  # fmt: skip


def basis_text(basis: SelectionBasis) -> str:
    """The basis as the audit log and the pages show it: 'Hjemmel i lovgivningen: …'."""
    return access.basis_text(basis)
