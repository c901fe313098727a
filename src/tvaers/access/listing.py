"""A list of cases drawn from many citizens, shown only for the citizens with a recorded basis
in force (the rules and the audit: :mod:`tvaers.access.caselists`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tvaers.access.actors import Actor
from tvaers.access.caselists import listing_bases, log_listing


def cases_with_basis(
    session: Session, actor: Actor, citizens: Sequence[str], action: str, detail: dict[str, Any]
) -> set[str]:
    """The citizens of ``citizens`` the actor may see (a casework role and purpose, and a basis
    in force for the citizen), after logging the list: one entry for it and one per citizen
    shown. The others are left out and only counted in the entry."""
    bases, _solutions = listing_bases(session, actor)
    shown = {c: bases[c] for c in dict.fromkeys(citizens) if c in bases}
    withheld = [c for c in citizens if c not in bases]
    log_listing(session, actor, action, shown, withheld, detail, refuse_empty=False)
    return set(shown)
