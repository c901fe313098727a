"""Revealing who a pseudonym is: the clear CPR number and name from the encrypted identity store
(:mod:`tvaers.store.identities`), only to a casework role under the casework purpose with a basis
in force for that citizen — or the selection basis of the solution whose list shows them — and
one audit entry per revealed citizen. Never for statistics, never cached, never logged in clear.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from tvaers.access.actors import Actor
from tvaers.access.gates import LISTED, basis_text, citizen_gate, record, solution_gate
from tvaers.core.config import Settings
from tvaers.store import audit
from tvaers.store.identities import Identity, identities

REVEALED = "cpr_vist"


def reveal(
    session: Session, settings: Settings, actor: Actor, citizen: str, basis_id: int | None = None
) -> Identity | None:
    """The citizen's identity (``None`` when the store has none), checked and logged once."""
    basis = citizen_gate(session, actor, citizen, basis_id)
    found = identities(settings.identity_key_bytes, settings.identity_path, [citizen])
    record(session, actor, REVEALED, citizen=citizen, basis=basis_text(basis),
           detail={"fundet": citizen in found})  # fmt: skip
    return found.get(citizen)


def reveal_listed(
    session: Session,
    settings: Settings,
    actor: Actor,
    solution_id: int,
    citizens: Sequence[str],
    basis_id: int | None = None,
) -> dict[str, Identity]:
    """The identities of the citizens on a solution's list (candidates, the enrolled), under
    the solution's selection basis; one audit entry per revealed citizen."""
    basis = solution_gate(session, actor, solution_id, basis_id)
    found = identities(settings.identity_key_bytes, settings.identity_path, citizens)
    audit.record_listed(
        session, actor.username, REVEALED, list(found), purpose=actor.purpose.value,
        basis=basis_text(basis), detail={"list": LISTED, "solution_id": solution_id},
    )  # fmt: skip
    return found
