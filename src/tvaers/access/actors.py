"""Who is acting: a real, active user of the operational store, with a role, under one purpose.

The web signs a user in and builds the :class:`Actor` from the session; the command line builds
it from ``--user`` (or ``TVAERS_USER``) with :func:`actor_for`. Both then go through the same
checks in :mod:`tvaers.access.gates`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.core.access import (
    PURPOSE_LABELS,
    ROLE_LABELS,
    Purpose,
    Role,
    purposes_for,
)
from tvaers.core.errors import AccessRefused
from tvaers.store.models import User


@dataclass(frozen=True)
class Actor:
    """Who is asking, and under which purpose."""

    user_id: int
    username: str
    full_name: str
    role: Role
    purpose: Purpose

    @property
    def casework(self) -> bool:
        return self.purpose is Purpose.CASEWORK

    @property
    def purposes(self) -> list[Purpose]:
        """The purposes this role may choose (the purpose menu offers only these)."""
        return purposes_for(self.role)

    def under(self, purpose: Purpose) -> Actor:
        """The same user under another purpose (refused when the role may not use it)."""
        _check_purpose(self.role, purpose)
        return replace(self, purpose=purpose)


def parse_purpose(text: str | Purpose | None) -> Purpose:
    """``statistical`` or ``casework`` (Danish words too); anything else is refused."""
    if isinstance(text, Purpose):
        return text
    value = (text or "").strip().lower()
    aliases = {"statistik": "statistical", "statistisk": "statistical", "sag": "casework",
               "sagsbehandling": "casework"}  # fmt: skip
    try:
        return Purpose(aliases.get(value, value))
    except ValueError:
        raise AccessRefused(
            f"Formålet '{text}' findes ikke: brug statistical eller casework.", reason="purpose"
        ) from None


def actor_for(session: Session, username: str | None, purpose: str | Purpose | None) -> Actor:
    """The store's user ``username`` acting under ``purpose``, or :class:`AccessRefused` when the
    user is unknown, deactivated or locked, or the role may not use the purpose."""
    chosen = parse_purpose(purpose)
    name = (username or "").strip()
    if not name:
        raise AccessRefused(
            "Angiv hvem du er: --user BRUGERNAVN eller miljøvariablen TVAERS_USER.",
            hint="Brugeren skal findes i Tværs (tvaers user list); handlingen logges i dit navn.",
            reason="user",
        )
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None:
        raise AccessRefused(
            f"Brugeren '{name}' findes ikke i Tværs.",
            hint="En administrator opretter brugere med: tvaers user add",
            reason="user",
        )
    if user.locked_at is not None:
        raise AccessRefused(
            f"Brugeren '{name}' er spærret efter for mange mislykkede log-ind.",
            hint="En administrator låser op med: tvaers user unlock",
            reason="user",
        )
    if not user.active:
        raise AccessRefused(f"Brugeren '{name}' er deaktiveret.", reason="user")
    role = Role(user.role)
    _check_purpose(role, chosen)
    return Actor(user.id, user.username, user.full_name, role, chosen)


def _check_purpose(role: Role, purpose: Purpose) -> None:
    if purpose not in purposes_for(role):
        raise AccessRefused(
            f"Rollen {ROLE_LABELS[role].lower()} kan ikke arbejde under "
            f"{PURPOSE_LABELS[purpose].lower()}. Data brugt til statistik må aldrig bruges i "
            "sagsbehandling.",
            hint="Brug statistisk formål.",
            reason="purpose",
        )
