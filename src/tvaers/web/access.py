"""Person-level access: casework purpose + a role that allows it + a recorded basis. Logged.

Every person-level page and export calls :func:`person_access` exactly once; it either raises
:class:`Forbidden` (nothing logged but the refusal reason shown) or writes one audit entry and
returns the basis that made the access lawful (DOMAIN.md §3.7).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tvaers.core.periods import today
from tvaers.store import audit
from tvaers.store.models import LegalBasis
from tvaers.web.deps import Forbidden, Viewer
from tvaers.web.roles import BASIS_RECORDERS, CASEWORK_ROLES
from tvaers.web.texts import T


def active_basis(session: Session, citizen: str, on: date | None = None) -> LegalBasis | None:
    day = on or today()
    query = (
        select(LegalBasis)
        .where(
            LegalBasis.citizen == citizen,
            LegalBasis.withdrawn_at.is_(None),
            LegalBasis.valid_from <= day,
            or_(LegalBasis.valid_to.is_(None), LegalBasis.valid_to >= day),
        )
        .order_by(LegalBasis.id.desc())
    )
    return session.scalars(query).first()


def require_casework(who: Viewer) -> None:
    """Refuse, with the reason in Danish, unless the role allows casework and it is chosen."""
    if who.role not in CASEWORK_ROLES:
        raise Forbidden("Din rolle giver ikke adgang til oplysninger om enkelte borgere.")
    if not who.casework:
        raise Forbidden(
            "Oplysninger om enkelte borgere kræver sagsbehandlingsformål. Data brugt til "
            "statistik må aldrig bruges i sagsbehandling. Skift formål øverst på siden."
        )


def person_access(
    session: Session, who: Viewer, citizen: str, action: str, detail: dict[str, Any] | None = None
) -> LegalBasis:
    """Allow and log one person-level access, or refuse it with the reason."""
    require_casework(who)
    basis = active_basis(session, citizen)
    if basis is None:
        hint = " Registrér grundlaget først." if who.role in BASIS_RECORDERS else ""
        raise Forbidden(
            "Der er ikke registreret et gyldigt grundlag (samtykke, hjemmel eller væsentlig "
            "interesse) for at se denne borger." + hint
        )
    audit.record(
        session,
        who.username,
        action,
        citizen=citizen,
        purpose=who.purpose,
        basis=f"{T.basis_kinds.get(basis.kind, basis.kind)}: {basis.reference}",
        detail=detail,
    )
    return basis
