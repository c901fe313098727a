"""Recording the basis that makes access to one citizen lawful (consent, legal basis or a
documented overriding interest), from the web and the command line alike; logged."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tvaers.access.actors import Actor
from tvaers.access.gates import record, require_casework, require_role
from tvaers.core.access import BASIS_KINDS, BASIS_RECORDERS
from tvaers.core.cpr import contains_cpr
from tvaers.core.errors import ConfigError, ErrorCode, TvaersError
from tvaers.core.periods import danish_date, plausible
from tvaers.store.models import LegalBasis
from tvaers.store.rows import newest_first

RECORDED = "grundlag_registreret"
REFERENCE_MAX = 2_000  # a basis's description: a reference to the document, not the document


def record_citizen_basis(
    session: Session,
    actor: Actor,
    citizen: str,
    kind: str,
    reference: str,
    valid_from: date,
    valid_to: date | None = None,
) -> LegalBasis:
    """Record a basis for the citizen (a role that may, the casework purpose); logged."""
    require_casework(actor)
    require_role(actor, BASIS_RECORDERS, "At registrere et grundlag")
    text = (reference or "").strip()
    if kind not in BASIS_KINDS:
        raise ConfigError(
            f"Ukendt type grundlag '{kind}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug en af: " + ", ".join(f"{k} ({v})" for k, v in BASIS_KINDS.items()) + ".",
        )
    if not text:
        raise ConfigError(
            "Beskriv grundlaget (fx dato og journalnummer).", code=ErrorCode.VALUE_REQUIRED
        )
    if len(text) > REFERENCE_MAX:
        raise ConfigError(
            f"Beskrivelsen er for lang (højst {REFERENCE_MAX:,} tegn).".replace(",", "."),
            code=ErrorCode.CODE_INVALID,
            hint="Henvis til dokumentet (dato og journalnummer) i stedet for at gengive det.",
        )
    if contains_cpr(text):  # the audit log keeps the text forever
        raise ConfigError(
            "Beskrivelsen af grundlaget ser ud til at indeholde et CPR-nummer.",
            code=ErrorCode.CODE_INVALID,
            hint="Skriv den uden CPR-nummer, fx dato og journalnummer; borgeren er allerede "
            "identificeret.",
        )
    check_basis_period(valid_from, valid_to, ConfigError)
    basis = LegalBasis(
        citizen=citizen,
        kind=kind,
        reference=text,
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=actor.username,
    )
    session.add(basis)
    session.flush()
    shown = f"{BASIS_KINDS[kind]}: {text[:200]}"
    record(session, actor, RECORDED, citizen=citizen, basis=shown, detail={"basis_id": basis.id})
    return basis


LONGEST_YEARS = 10


def check_basis_period(valid_from: date, valid_to: date | None, refusal: type[TvaersError]) -> None:
    """Refuse a basis whose dates cannot be meant: from before 2000 or more than a year ahead
    (:func:`~tvaers.core.periods.plausible`), expiring before it applies, or lasting more than
    ten years (``refusal``: the error to raise)."""
    plausible(valid_from, "Grundlaget gælder fra", refusal=refusal)
    if valid_to is not None and valid_to > date(valid_from.year + LONGEST_YEARS, 12, 31):
        raise refusal(
            f"Et grundlag registreres for højst {LONGEST_YEARS} år ad gangen; "
            f"{danish_date(valid_to)} er for langt ude. Registrér et nyt, når det fornyes.",
            code=ErrorCode.DATE_INVALID,
        )
    if valid_to is not None and valid_to < valid_from:
        raise refusal(
            f"Grundlaget kan ikke udløbe ({danish_date(valid_to)}), før det gælder fra "
            f"({danish_date(valid_from)}).",
            code=ErrorCode.PERIOD_REVERSED,
        )


def citizen_bases(session: Session, citizen: str) -> list[LegalBasis]:
    """Every basis recorded for the citizen, newest first (withdrawn and expired ones too)."""
    return newest_first(session, LegalBasis, LegalBasis.citizen == citizen, LegalBasis.id)
