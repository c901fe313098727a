"""Checks of what a user records in selection (subjects, choices, dates, free text): a step that
breaks them raises :class:`~tvaers.core.errors.CaseworkRefused` before anything is written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from tvaers.core.cpr import PSEUDONYM_LENGTH, contains_cpr
from tvaers.core.errors import CaseworkRefused, ErrorCode, NotFound
from tvaers.core.units import Unit
from tvaers.store.models import Solution

MAX_RULE_CHARS = 100_000
MAX_SUBJECT = 40
MAX_TEXT = 4_000

_PSEUDONYM = re.compile(rf"[a-p]{{{PSEUDONYM_LENGTH}}}")


# --- checking the input ----------------------------------------------------------------------


def solution_row(session: Session, solution_id: int) -> Solution:
    solution = session.get(Solution, solution_id) if isinstance(solution_id, int) else None
    if solution is None:
        raise NotFound(f"Løsning nr. {solution_id} findes ikke.")
    return solution


def unit_of(unit: str | Unit) -> Unit:
    try:
        return Unit(unit)
    except ValueError:
        raise CaseworkRefused(
            f"Ukendt enhed '{unit}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug citizen (borger) eller family (familie).",
        ) from None


def subject_of(kind: Unit, subject: str) -> str:
    text = (subject or "").strip() if isinstance(subject, str) else ""
    if contains_cpr(text):
        raise CaseworkRefused(
            "Et CPR-nummer må ikke bruges her.",
            code=ErrorCode.CODE_INVALID,
            hint="Brug borgerens pseudonym eller familiens kode.",
        )
    if kind is Unit.CITIZEN and not _PSEUDONYM.fullmatch(text):
        raise CaseworkRefused(
            f"'{text}' er ikke et borgerpseudonym ({PSEUDONYM_LENGTH} bogstaver a–p).",
            code=ErrorCode.CODE_INVALID,
        )
    if kind is Unit.FAMILY and not 0 < len(text) <= MAX_SUBJECT:
        raise CaseworkRefused(
            f"Angiv familiens kode (højst {MAX_SUBJECT} tegn).", code=ErrorCode.CODE_INVALID
        )
    return text


def who_text(kind: Unit, subject: str, capital: bool = False) -> str:
    noun = "borgeren" if kind is Unit.CITIZEN else "familien"
    return f"{noun.capitalize() if capital else noun} {subject}"


def choice(value: str, allowed: Mapping[str, str], name: str) -> str:
    if value not in allowed:
        raise CaseworkRefused(
            f"Ukendt {name} '{value}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug en af: " + choices(allowed) + ".",
        )
    return value


def choices(allowed: Mapping[str, str]) -> str:
    return ", ".join(f"{code} ({label.lower()})" for code, label in allowed.items())


def actor_name(actor: str) -> str:
    name = actor.strip() if isinstance(actor, str) else ""
    if not name:
        raise CaseworkRefused("Angiv, hvem der registrerer.", code=ErrorCode.VALUE_REQUIRED)
    return name[:100]


def basis_of(text: str) -> str:
    basis = text.strip() if isinstance(text, str) else ""
    if not basis:
        raise CaseworkRefused(
            "Sagsbehandling kræver et registreret grundlag (samtykke, hjemmel eller væsentlig "
            "interesse); der er ikke angivet noget.",
            code=ErrorCode.ACCESS_REFUSED,
            hint="Registrér grundlaget for udvælgelse til løsningen først.",
        )
    return basis


def free_text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if contains_cpr(text):
        raise CaseworkRefused(
            f"{name} ser ud til at indeholde et CPR-nummer.",
            code=ErrorCode.CODE_INVALID,
            hint="Skriv det uden CPR-nummer; borgeren er identificeret ved sit pseudonym.",
        )
    if len(text) > MAX_TEXT:
        raise CaseworkRefused(f"{name} er for langt (højst {MAX_TEXT:,} tegn).".replace(",", "."))
    return text or None


def score_text(score: Decimal | int | float | str | None) -> str | None:
    if score is None or score == "":
        return None
    try:
        number = Decimal(str(score).strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if isinstance(score, bool) or not number.is_finite() or len(str(number)) > 40:
        raise CaseworkRefused(f"Scoren '{score}' er ikke et tal.", code=ErrorCode.NUMBER_INVALID)
    return str(number)
